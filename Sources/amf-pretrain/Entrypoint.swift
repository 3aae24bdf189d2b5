import AMFCommands

@main
struct Entrypoint {
  static func main() { PretrainCommand.main() }
}
