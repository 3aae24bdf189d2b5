import AMFCommands

@main
struct Entrypoint {
  static func main() { SelectCommand.main() }
}
