import AMFCommands

@main
struct Entrypoint {
  static func main() { PipelineCommand.main() }
}
