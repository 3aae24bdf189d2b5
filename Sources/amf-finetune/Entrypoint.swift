import AMFCommands

@main
struct Entrypoint {
  static func main() { FinetuneCommand.main() }
}
