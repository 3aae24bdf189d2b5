import AMFCommands

@main
struct Entrypoint {
  static func main() async { await PipelineCommand.main() }
}
