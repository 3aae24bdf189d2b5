import AMFPipeline
import AMFStudy
import ArgumentParser
import Foundation

/// What each arm of a finished study asked for and how its importance weights behaved (`StudyDiagnostics`):
/// the evidence behind Data/results/FINDINGS.md. Reads the lock and the store; writes a Markdown table on stdout.
struct StudyDiagnosticsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study-diagnostics",
    abstract: "Per arm: picks on target / covered / distractor tasks, ESS and own-task share of the target tasks, and calibration.")

  @Argument(help: "The study's lock file (e.g. Pipelines/studies/reacher-targeted.lock.json).") var lock: String
  @Option(help: "The store.") var store = "Artifacts/store"
  @Option(help: "Target tasks (comma-separated).") var targets = "4,5,6,7"
  @Option(help: "Covered tasks (comma-separated).") var covered = "0,1,2,3,4,5"
  @Option(help: "Distractor tasks (comma-separated).") var distractors = "9,10"

  func run() throws {
    let url = URL(fileURLWithPath: lock)
    let diagnostics = try StudyDiagnostics.collect(
      lock: try LockFile.read(url, manifest: url.lastPathComponent), store: Store(root: URL(fileURLWithPath: store)),
      groups: .init(targets: targets, covered: covered, distractors: distractors))
    print(diagnostics.markdown(), terminator: "")
  }
}
