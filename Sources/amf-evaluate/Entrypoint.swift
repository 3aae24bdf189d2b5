import AMFCommands

@main
struct Entrypoint {
  static func main() { EvaluateCommand.main() }
}
