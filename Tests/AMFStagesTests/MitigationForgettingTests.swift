import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPolicy
import Foundation
import Testing

@testable import AMFStages

/// Forgetting under each `finetune.mitigation` (AMF.md §5), measured on reacher under `mismatch`: π₀ is a
/// 2 × 64 MLP pre-trained for 20 000 steps on tasks 0…5 (seed 0); one round collects one expert
/// demonstration of each uncovered task 6…11 and fine-tunes 3000 steps; every policy is evaluated on the
/// same 20 start states per task (`evaluate/…`, seed 0).
@Suite(.serialized) struct MitigationForgettingTests {
  struct Measurement {
    var covered: Double
    var uncovered: Double
    var perTask: [Double]
  }

  static func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(values.count) }

  static func measure(_ policy: any GaussianPolicy, _ setup: PretrainSetup) throws -> Measurement {
    let success = try FinetuneFixtures.success(policy, setup)
    return Measurement(covered: mean(success[0..<6]), uncovered: mean(success[6..<12]), perTask: success)
  }

  static func describe(_ name: String, _ m: Measurement) -> String {
    "\(name): covered \(String(format: "%.3f", m.covered)), uncovered \(String(format: "%.3f", m.uncovered)) ["
      + m.perTask.map { String(format: "%.2f", $0) }.joined(separator: " ") + "]"
  }

  /// Runs the study for `mitigations` with `steps` fine-tuning steps and `picks` (round 1's selection).
  static func study(_ variants: [(String, FinetuneSettings)], picks: [Int], seed: UInt64 = 0) throws
    -> (prior: Measurement, tuned: [String: Measurement])
  {
    let env = EnvironmentSettings(name: .reacher)
    let pretrain = PretrainParams(env: env, scenario: TaskScenario.mismatch)
    let prior = try FinetuneFixtures.prior(pretrain, seed: seed)
    let setup = try PretrainSetup(env: env, scenario: TaskScenario.mismatch, demosPerTask: 1)
    let priorMeasurement = try measure(try PolicyCheckpoint(artifactContent: prior.content, file: "").policy, setup)
    print("forgetting: seed \(seed) " + describe("π₀", priorMeasurement))
    var tuned: [String: Measurement] = [:]
    for (name, settings) in variants {
      let params = FinetuneParams(env: env, scenario: TaskScenario.mismatch, finetune: settings)
      let result = try FinetuneFixtures.finetune(
        ["prior": prior, "selection": try FinetuneFixtures.selection(picks)], params: params, seed: seed)
      let measurement = try measure(result.policy.policy, setup)
      print("forgetting: seed \(seed) " + describe(name, measurement))
      tuned[name] = measurement
    }
    return (priorMeasurement, tuned)
  }

  static func settings(_ mitigation: Mitigation, rehearsal: Int = 0) -> FinetuneSettings {
    var settings = FinetuneSettings()
    settings.mitigation = mitigation
    settings.priorRehearsal = rehearsal
    return settings
  }

  static let variants = [
    ("isolation", settings(.isolation)), ("adaptive_prior", settings(.adaptivePrior)), ("none", settings(.disabled)),
    ("adaptive_prior+rehearsal2", settings(.adaptivePrior, rehearsal: 2)),
  ]

  /// Seed 0 (about 15 s on 2 cores), measured: π₀ covered 1.000 / uncovered 0.000; `isolation` 1.000 / 0.783
  /// (covered tasks bit-identical to π₀); `adaptive_prior` 0.167 / 0.642 (AMF.md §5's limitation: only task 5
  /// survives); `none` 0.000 / 0.783; `adaptive_prior` with `prior_rehearsal: 2` 1.000 / 0.800 (with 5: 1.000 /
  /// 0.717, the rehearsal rows dilute the new tasks' batches). `alpha_penalty` 1 or 10 instead of 0.01 does not
  /// help (covered 0.000 / 0.008): the mixing weight cannot undo a fine-tuned network that moved far.
  @Test func isolationAndPriorRehearsalKeepUntouchedTasks() throws {
    let (prior, tuned) = try Self.study(Self.variants, picks: Array(6..<12))
    let isolation = try #require(tuned["isolation"])
    #expect(isolation.perTask[0..<6] == prior.perTask[0..<6])
    #expect(isolation.uncovered >= prior.uncovered + 0.5)
    let rehearsal = try #require(tuned["adaptive_prior+rehearsal2"])
    #expect(rehearsal.covered >= prior.covered - 0.1 && rehearsal.uncovered >= prior.uncovered + 0.5)
    let none = try #require(tuned["none"])
    #expect(none.covered <= prior.covered - 0.5, "plain fine-tuning was expected to forget")
  }

  /// The same on seeds 1 and 2; only with `AMF_SLOW_TESTS=1` (about 40 s). Numbers in docs/stages.md.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["AMF_SLOW_TESTS"] == "1"), arguments: [UInt64(1), 2])
  func moreSeeds(seed: UInt64) throws {
    let (prior, tuned) = try Self.study(Self.variants, picks: Array(6..<12), seed: seed)
    let isolation = try #require(tuned["isolation"])
    #expect(isolation.perTask[0..<6] == prior.perTask[0..<6])
    let rehearsal = try #require(tuned["adaptive_prior+rehearsal2"])
    #expect(rehearsal.covered >= prior.covered - 0.1)
  }
}
