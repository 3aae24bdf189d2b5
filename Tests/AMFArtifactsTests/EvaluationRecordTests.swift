import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// The `evaluation` schema: derived metrics by hand, layout, round trip, and validation messages.
@Suite struct EvaluationRecordTests {
  static let provenance = Provenance(stage: "evaluate", stageVersion: 1, seed: 9, projectVersion: "fixture")

  /// Two tasks, four episodes: success 3/4 and 1/4, mean returns −2 and −4, μ = (¼, ¾), demos (3, 1).
  static func record() throws -> EvaluationRecord {
    try EvaluationRecord(
      environmentName: "integrator2d", round: 3, targetWeights: [0.25, 0.75],
      episodeSuccess: [[true, false, true, true], [false, false, false, true]],
      episodeReturns: [[-1, -2, -3, -2], [-10, 0, -5, -1]], demosPerTask: [3, 1])
  }

  /// Σ_c μ(c)·success_c = ¼·¾ + ¾·¼ = 0.375; Σ_c μ(c)·return_c = ¼·(−2) + ¾·(−4) = −3.5; demos used 4.
  @Test func derivedMetricsByHand() throws {
    let record = try Self.record()
    #expect(record.success == [0.75, 0.25] && record.returns == [-2, -4])
    #expect(record.multitaskSuccess == 0.375 && record.meanReturn == -3.5 && record.demosUsed == 4)
    #expect(record.taskCount == 2 && record.episodesPerTask == 4)
    let content = try record.contentGroup()
    #expect(try content.attribute("multitask_success") == .scalar(0.375))
    #expect(try content.attribute("mean_return") == .scalar(-3.5))
    #expect(try content.attribute("demos_used") == .scalar(Int64(4)))
    #expect(try content.attribute("env_name") == .scalar("integrator2d"))
    #expect(try content.dataset(at: "/per_task/episodes") == .vector([Int64]([4, 4])))
    #expect(try content.dataset(at: "/per_task/success") == .vector([0.75, 0.25]))
    #expect(try content.dataset(at: "/per_task/episode_success")
      == ArtifactArray(shape: [2, 4], elements: .uint8([1, 0, 1, 1, 0, 0, 0, 1])))
  }

  @Test func roundTripsThroughAFile() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("evaluation.h5")
    let record = try Self.record()
    try ArtifactFile.write(
      Artifact(kind: .evaluation, provenance: Self.provenance, content: try record.contentGroup()), to: url)
    #expect(try EvaluationRecord(try ArtifactFile.read(url, expecting: .evaluation)) == record)
  }

  /// No episodes: rates and returns are 0, never NaN.
  @Test func zeroEpisodesGiveZeroRates() throws {
    let empty = try EvaluationRecord(environmentName: "reacher", round: 0, targetWeights: [1], episodeSuccess: [[]],
                                     episodeReturns: [[]], demosPerTask: [0])
    #expect(empty.success == [0] && empty.returns == [0] && empty.multitaskSuccess == 0 && empty.episodesPerTask == 0)
  }

  @Test func validationNamesTheObject() {
    func build(weights: [Double] = [0.5, 0.5], success: [[Bool]] = [[true], [false]], returns: [[Double]] = [[0], [0]],
               demos: [Int] = [0, 0]) throws -> EvaluationRecord {
      try EvaluationRecord(environmentName: "x", round: 1, targetWeights: weights, episodeSuccess: success,
                           episodeReturns: returns, demosPerTask: demos)
    }
    #expect(throws: ArtifactError.invalidValue(
      file: "", object: "/per_task/target_weight", reason: "must be ≥ 0 and sum to 1 (sum is 0.9)")) {
      try build(weights: [0.5, 0.4])
    }
    #expect(throws: ArtifactError.invalidValue(
      file: "", object: "/per_task/target_weight", reason: "must be ≥ 0 and sum to 1 (sum is 1.0)")) {
      try build(weights: [1.5, -0.5])
    }
    #expect(throws: ArtifactError.shapeMismatch(
      file: "", object: "/per_task/episode_success", expected: "2×1", found: "2×…")) {
      try build(success: [[true], [false, true]])
    }
    #expect(throws: ArtifactError.shapeMismatch(
      file: "", object: "/per_task/episode_return", expected: "2×1", found: "1×…")) {
      try build(returns: [[0]])
    }
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/demos_per_task", expected: "2", found: "3")) {
      try build(demos: [0, 0, 0])
    }
  }

  @Test func readingNamesTheBadObject() throws {
    let good = try Self.record().contentGroup()
    #expect(throws: ArtifactError.wrongKind(file: "", expected: "evaluation", found: "selection")) {
      try EvaluationRecord(Artifact(kind: .selection, provenance: Self.provenance, content: good))
    }
    var short = good
    try short.setDataset(try .matrix([Double](repeating: 0, count: 6), rows: 2, columns: 3), at: "/per_task/episode_return")
    #expect(throws: ArtifactError.shapeMismatch(
      file: "", object: "/per_task/episode_return", expected: "2×4", found: "2×3")) {
      try EvaluationRecord(Artifact(kind: .evaluation, provenance: Self.provenance, content: short))
    }
    var floatSuccess = good
    try floatSuccess.setDataset(try .matrix([Double](repeating: 1, count: 8), rows: 2, columns: 4),
                                at: "/per_task/episode_success")
    #expect(throws: ArtifactError.typeMismatch(
      file: "", object: "/per_task/episode_success", expected: "uint8", found: "float64")) {
      try EvaluationRecord(Artifact(kind: .evaluation, provenance: Self.provenance, content: floatSuccess))
    }
    var noDemos = good
    noDemos.datasets["demos_per_task"] = nil
    #expect(throws: ArtifactError.missingObject(file: "", object: "dataset /demos_per_task")) {
      try EvaluationRecord(Artifact(kind: .evaluation, provenance: Self.provenance, content: noDemos))
    }
  }
}
