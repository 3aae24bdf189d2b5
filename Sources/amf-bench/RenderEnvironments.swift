import AMFCore
import AMFEnvironments
import AMFReport
import ArgumentParser
import Foundation

/// Draws every environment's tasks with expert trajectories as SVG, and measures the expert's success.
struct RenderEnvironments: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render-environments",
    abstract: "Write <env>.svg (tasks and expert trajectories) per environment; print the expert's success.",
    discussion: "Success uses the validity test's seed and streams (AMF.md §3): "
      + "seed.derived(\"rollout/task-c/episode-i\").")

  @Option(help: "Folder for the SVG files.") var output = "docs/environments"
  @Option(help: "Episodes per task for the success measurement.") var episodes = 50
  @Option(help: "Run seed.") var seed: UInt64 = 2025
  @Option(help: "Expert trajectories drawn per task.") var drawn = 1

  func run() throws {
    let folder = URL(fileURLWithPath: output)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    print("| environment | tasks | episodes per task | min success | mean success | per task |")
    print("|---|---:|---:|---:|---:|---|")
    for id in EnvironmentID.inProcess {
      let environment = try id.make()
      let rates = try EnvironmentPicture.expertSuccess(of: environment, seed: Seed(seed), episodesPerTask: episodes)
      let perTask = rates.map { String(format: "%.2f", $0) }.joined(separator: " ")
      print(String(format: "| %@ | %d | %d | %.2f | %.3f | %@ |", id.rawValue, environment.taskCount, episodes,
                   rates.min() ?? 0, rates.reduce(0, +) / Double(rates.count), perTask))
      let svg = try EnvironmentPicture.ofExpert(in: environment, seed: Seed(seed), drawn: drawn, rates: rates).svg()
      try svg.write(to: folder.appendingPathComponent("\(id.rawValue).svg"), atomically: true, encoding: .utf8)
    }
  }
}
