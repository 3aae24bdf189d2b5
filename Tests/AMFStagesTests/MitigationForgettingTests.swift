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
  static func study(_ mitigations: [Mitigation], steps: Int, picks: [Int], pretrainSteps: Int = 20_000) throws
    -> (prior: Measurement, tuned: [Mitigation: Measurement])
  {
    let env = EnvironmentSettings(name: .reacher)
    var pretrain = PretrainParams(env: env, scenario: Scenario(.mismatch))
    pretrain.pretrain.steps = pretrainSteps
    let prior = try FinetuneFixtures.prior(pretrain, seed: 0)
    let setup = try PretrainSetup(env: env, scenario: Scenario(.mismatch), demosPerTask: 1)
    let priorMeasurement = try measure(try PolicyCheckpoint(artifactContent: prior.content, file: "").policy, setup)
    print("forgetting: " + describe("π₀", priorMeasurement))
    var tuned: [Mitigation: Measurement] = [:]
    for mitigation in mitigations {
      var params = FinetuneParams(env: env, scenario: Scenario(.mismatch))
      params.finetune.steps = steps
      params.finetune.mitigation = mitigation
      let result = try FinetuneFixtures.finetune(
        ["prior": prior, "selection": try FinetuneFixtures.selection(picks)], params: params)
      let measurement = try measure(result.policy.policy, setup)
      print("forgetting: " + describe(mitigation.rawValue, measurement))
      tuned[mitigation] = measurement
    }
    return (priorMeasurement, tuned)
  }

  /// Isolation keeps the covered tasks exactly; measured numbers are in docs/stages.md.
  @Test func isolationKeepsUntouchedTasksWhileOtherMitigationsAreMeasured() throws {
    let (prior, tuned) = try Self.study([.isolation, .adaptivePrior, .disabled], steps: 3000, picks: Array(6..<12))
    let isolation = try #require(tuned[.isolation])
    #expect(isolation.perTask[0..<6] == prior.perTask[0..<6])
    #expect(isolation.uncovered > prior.uncovered)
  }
}
