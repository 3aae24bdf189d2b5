import AMFCommands

@main
struct Entrypoint {
  static func main() { ReportCommand.main() }
}
