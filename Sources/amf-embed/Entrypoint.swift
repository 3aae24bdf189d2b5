import AMFCommands

@main
struct Entrypoint {
  static func main() { EmbedCommand.main() }
}
