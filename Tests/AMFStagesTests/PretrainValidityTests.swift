import AMFCore
import AMFEnvironments
import AMFPolicy
import AMFTestSupport
import Foundation
import Testing

@testable import AMFStages

/// The validity conditions of AMF.md §3: π₀ pre-trained on `balanced` succeeds on ≥ 80% of the target
/// episodes; under `mismatch` on ≥ 80% of the covered tasks' episodes and clearly less on the uncovered.
/// Policies act with their mean (`PolicyController`); start states come from streams the pre-training
/// demonstrations never use (`evaluate/…`).
@Suite(.serialized) struct PretrainValidityTests {
  /// Episodes per task for every rate below.
  static let episodes = 20

  /// Success of π₀ pre-trained with `params` and seed 0: mean over `tasks` groups.
  static func measure(_ params: PretrainParams) throws -> (rates: [Int: Double], plan: ScenarioPlan, seconds: Double) {
    let clock = ContinuousClock.now
    let outputs = try PretrainStage.run(StageInputs(), params: params, context: StageContext(seed: Seed(0)))
    let seconds = Double((ContinuousClock.now - clock).components.attoseconds) * 1e-18
      + Double((ContinuousClock.now - clock).components.seconds)
    let content = try #require(outputs.first { $0.role == "policy" }).content
    let policy = try PretrainedPolicy(artifactContent: content)
    let setup = try PretrainSetup(params)
    let rates = try PolicyEvaluation.successRates(
      of: policy.gaussian, in: setup.environment, tasks: Array(0..<setup.environment.taskCount),
      episodesPerTask: episodes, seed: Seed(1000))
    return (rates, setup.plan, seconds)
  }

  static func mean(_ rates: [Int: Double], _ tasks: [Int]) -> Double {
    tasks.isEmpty ? 0 : tasks.map { rates[$0] ?? 0 }.reduce(0, +) / Double(tasks.count)
  }

  static func describe(_ rates: [Int: Double]) -> String {
    rates.keys.sorted().map { "\($0):\(String(format: "%.2f", rates[$0] ?? 0))" }.joined(separator: " ")
  }

  /// Asserts both conditions for `pretrain` in `env`, and returns a one-line record of the numbers.
  @discardableResult
  static func checkValidity(env: EnvironmentSettings, pretrain: PretrainSettings) throws -> String {
    let balanced = try measure(PretrainParams(env: env, scenario: TaskScenario.balanced, pretrain: pretrain))
    let targetSuccess = mean(balanced.rates, balanced.plan.targets)
    let mismatch = try measure(PretrainParams(env: env, scenario: TaskScenario.mismatch, pretrain: pretrain))
    let covered = mismatch.plan.coveredTasks
    let uncovered = mismatch.plan.candidates.filter { !covered.contains($0) }
    let (coveredSuccess, uncoveredSuccess) = (mean(mismatch.rates, covered), mean(mismatch.rates, uncovered))
    let training = pretrain.policy == .gp ? "\(pretrain.demosPerTask) demo/task" : "steps \(pretrain.steps)"
    let record = "\(env.name.rawValue) \(pretrain.policy.rawValue) \(training): balanced target "
      + String(format: "%.3f", targetSuccess) + " [\(describe(balanced.rates))] in "
      + String(format: "%.1fs", balanced.seconds) + "; mismatch covered " + String(format: "%.3f", coveredSuccess)
      + ", uncovered " + String(format: "%.3f", uncoveredSuccess) + " [\(describe(mismatch.rates))] in "
      + String(format: "%.1fs", mismatch.seconds)
    print("validity: \(record)")
    #expect(targetSuccess >= 0.8, "balanced: target success below 0.8: \(record)")
    #expect(coveredSuccess >= 0.8, "mismatch: covered success below 0.8: \(record)")
    #expect(uncoveredSuccess <= coveredSuccess - 0.5, "mismatch: no clear gap to uncovered tasks: \(record)")
    return record
  }

  /// Reacher, MLP 2 × 64 (AMF.md §5).
  @Test func reacherMLP() throws {
    var pretrain = PretrainSettings(environment: .reacher)
    pretrain.steps = Self.reacherSteps
    try Self.checkValidity(env: EnvironmentSettings(name: .reacher), pretrain: pretrain)
  }

  /// Integrator2d, GP policy, 1 demonstration per covered task (AMF.md §4).
  @Test func integrator2dGP() throws {
    var pretrain = PretrainSettings(environment: .integrator2d)
    pretrain.policy = .gp
    pretrain.demosPerTask = 1
    try Self.checkValidity(env: EnvironmentSettings(name: .integrator2d), pretrain: pretrain)
  }

  /// Kitchen, MLP 2 × 256; only with `AMF_SLOW_TESTS=1` (about a minute).
  @Test(.enabled(if: ProcessInfo.processInfo.environment["AMF_SLOW_TESTS"] == "1"))
  func kitchenMLP() throws {
    var pretrain = PretrainSettings(environment: .kitchen)
    pretrain.steps = Int(ProcessInfo.processInfo.environment["AMF_KITCHEN_STEPS"] ?? "") ?? 20_000
    try Self.checkValidity(env: EnvironmentSettings(name: .kitchen), pretrain: pretrain)
  }

  /// Pre-training steps of the reacher test (AMF.md §5 uses 20 000); `AMF_REACHER_STEPS` overrides.
  static let reacherSteps = Int(ProcessInfo.processInfo.environment["AMF_REACHER_STEPS"] ?? "") ?? 20_000
}
