import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFTestSupport
import Foundation
import Testing

@testable import AMFStages

/// `RecordedExpert`: a recorded demonstrations file read, verified and checked against an arm before any
/// round runs, each failure naming the file, the object and the fix.
@Suite struct RecordedExpertTests {
  static let integrator = EnvironmentSettings(name: .integrator2d, goals: 4)

  /// A demonstrations artifact of integrator2d with 4 goals: `perTask[c]` expert demonstrations of task c.
  static func write(_ perTask: [Int], goals: Int = 4, to url: URL) throws -> DemonstrationSet {
    let setup = try PretrainSetup(
      env: EnvironmentSettings(name: .integrator2d, goals: goals), scenario: .balanced, demosPerTask: 1)
    let tasks = perTask.indices.flatMap { task in [Int](repeating: task, count: perTask[task]) }
    let demos = try FinetuneStage.expertDemonstrations(for: tasks, collected: nil, setup: setup, round: 1, seed: Seed(5))
    let set = try FinetuneStage.appending(demos, to: nil, setup: setup, round: 1)
    try ArtifactFile.write(try set.artifact(provenance: Provenance(stage: "import", stageVersion: 1)), to: url)
    return set
  }

  @Test func theFileIsReadVerifiedAndCounted() throws {
    let folder = try TemporaryDirectory("amf-recorded")
    defer { folder.remove() }
    let url = folder.file("demos.h5")
    let set = try Self.write([2, 3, 2, 2], to: url)
    let recorded = try RecordedExpert(url: url)
    #expect(recorded.demonstrations == set)
    #expect(recorded.contentHash == (try ArtifactFile.contentHash(of: url)))
    #expect(recorded.counts(taskCount: 4) == [2, 3, 2, 2])
    try recorded.check(env: Self.integrator, scenario: .mismatch, demos: 2)
  }

  @Test func tooFewDemonstrationsOfATaskNameEveryShortTask() throws {
    let folder = try TemporaryDirectory("amf-recorded")
    defer { folder.remove() }
    let url = folder.file("demos.h5")
    _ = try Self.write([4, 1, 4, 0], to: url)
    #expect(throws: ArtifactError.invalidValue(
      file: url.path, object: "/data (demonstrations per task)",
      reason: "task 1 has 1, task 3 has 0, but a budget of 4 demonstrations may ask for up to 4 of one task (a "
        + "strategy may pick it in every round); record at least 4 demonstrations of every task, or lower budget.demos")
    ) { try RecordedExpert(url: url).check(env: Self.integrator, scenario: .mismatch, demos: 4) }
  }

  @Test func anotherEnvironmentIsRefused() throws {
    let folder = try TemporaryDirectory("amf-recorded")
    defer { folder.remove() }
    let url = folder.file("demos.h5")
    _ = try Self.write([2, 2, 2, 2], to: url)
    let recorded = try RecordedExpert(url: url)
    #expect(throws: ArtifactError.invalidValue(
      file: url.path, object: "/data@env_name",
      reason: "is 'integrator2d' but this run's env.name is reacher; pass demonstrations of reacher or set "
        + "env.name=integrator2d")
    ) { try recorded.check(env: EnvironmentSettings(name: .reacher), scenario: .mismatch, demos: 1) }
    #expect(throws: ArtifactError.invalidValue(
      file: url.path, object: "/data@env_args (goals)",
      reason: "records 4 goals but this run's env.goals is 6, so its task ids name other goals; pass "
        + "demonstrations recorded with 6 goals or set env.goals=4")
    ) { try recorded.check(env: EnvironmentSettings(name: .integrator2d, goals: 6), scenario: .mismatch, demos: 1) }
  }

  @Test func aMissingTruncatedOrForeignFileIsRefused() throws {
    let folder = try TemporaryDirectory("amf-recorded")
    defer { folder.remove() }
    #expect(throws: ArtifactError.missing(file: folder.file("none.h5").path)) {
      try RecordedExpert(url: folder.file("none.h5"))
    }
    let url = folder.file("demos.h5")
    _ = try Self.write([2, 2, 2, 2], to: url)
    let bytes = try Data(contentsOf: url)
    let truncated = folder.file("truncated.h5")
    try bytes.prefix(bytes.count / 2).write(to: truncated)
    do {
      _ = try RecordedExpert(url: truncated)
      Issue.record("a truncated file was read")
    } catch {
      guard case .truncated(let file, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(file == truncated.path)
    }
    let selection = folder.file("selection.h5")
    try ArtifactFile.write(try FinetuneFixtures.selection([1]), to: selection)
    #expect(throws: ArtifactError.wrongKind(file: selection.path, expected: "demonstrations", found: "selection")) {
      try RecordedExpert(url: selection)
    }
  }
}
