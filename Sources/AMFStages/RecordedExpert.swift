import AMFArtifacts
import AMFCore
import AMFEnvironments
import Foundation

/// Recorded demonstrations standing in for the simulated expert: the `demonstrations` artifact that the
/// finetune stage reads as input `demonstrations_from` (`amf-finetune --demonstrations-from FILE`, a
/// manifest's `expert.demonstrations`). Request n of task c is the file's n-th demonstration of c
/// (`FinetuneStage.recordedDemonstrations`).
///
/// Reading and checking one tells, before any round runs, what the finetune stage would otherwise find out
/// in some round: the file is a sealed artifact (complete, content hash verified) of kind `demonstrations`,
/// recorded in the run's environment, with enough demonstrations of every task for the budget.
public struct RecordedExpert: Sendable {
  /// The file.
  public let url: URL
  /// Its verified content hash (`amf.content_sha256`), which the finetune runs' keys hold.
  public let contentHash: String
  /// What it holds.
  public let demonstrations: DemonstrationSet

  /// Reads the artifact at `url`, verifying its content hash.
  ///
  /// Edge cases: throws the `ArtifactError` of a missing, truncated, damaged or corrupt file, and
  /// `wrongKind` for another kind of artifact; each names the file and the fix.
  public init(url: URL) throws(ArtifactError) {
    let cache = VerificationCache(persistedAt: nil)
    do {
      demonstrations = try DemonstrationSet(try ArtifactFile.read(url, expecting: .demonstrations, cache: cache))
      contentHash = try ArtifactFile.contentHash(of: url, cache: cache)  // verified by the read
    } catch {
      throw error.inFile(url.path)
    }
    self.url = url
  }

  /// Checks that the file can answer every request of an arm on `env` under `scenario` with a budget of
  /// `demos` demonstrations: it was recorded in that environment (name, goals, widths, task ids; see
  /// `InputChecks.check`), and every task has at least `demos` demonstrations, the most such an arm can ask
  /// of one task (every task is a candidate in every round, and a strategy may pick one task every time).
  ///
  /// Edge cases: throws `ArtifactError.invalidValue` or `shapeMismatch` naming the file, the object and the
  /// fix; a shortfall lists the tasks short of `demos` with their counts.
  public func check(env: EnvironmentSettings, scenario: TaskScenario, demos: Int) throws {
    let setup = try PretrainSetup(env: env, scenario: scenario, demosPerTask: 1)
    try InputChecks.check(demonstrations, fits: setup, file: url.path)
    let counts = self.counts(taskCount: setup.environment.taskCount)
    let short = counts.indices.filter { counts[$0] < demos }
    guard !short.isEmpty else { return }
    let listed = short.prefix(8).map { "task \($0) has \(counts[$0])" }.joined(separator: ", ")
    throw ArtifactError.invalidValue(
      file: url.path, object: "/data (demonstrations per task)",
      reason: "\(listed)\(short.count > 8 ? ", …" : ""), but a budget of \(demos) demonstrations may ask for up to "
        + "\(demos) of one task (a strategy may pick it in every round); record at least \(demos) demonstrations "
        + "of every task, or lower budget.demos")
  }

  /// The file's demonstrations of each task (tasks outside `0..<taskCount` are not counted).
  /// Shapes: (taskCount).
  public func counts(taskCount: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: taskCount)
    for demo in demonstrations.demonstrations where counts.indices.contains(demo.task) { counts[demo.task] += 1 }
    return counts
  }
}
