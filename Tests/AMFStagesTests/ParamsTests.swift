import AMFCore
import AMFReport
import Foundation
import Testing

@testable import AMFStages

/// Environments, scenarios, policies and every stage's params: defaults, canonical JSON (a stage key is
/// a hash of it), strict decoding and the errors users see.
@Suite struct EnvironmentSettingsTests {
  @Test func taskCountsPerEnvironment() throws {
    #expect(try decodeSection(EnvironmentSettings.self, #"{"name": "integrator2d"}"#).taskCount == 12)
    #expect(try decodeSection(EnvironmentSettings.self, #"{"name": "integrator2d", "goals": 5}"#).taskCount == 5)
    #expect(try decodeSection(EnvironmentSettings.self, #"{"name": "reacher"}"#).taskCount == 12)
    #expect(try decodeSection(EnvironmentSettings.self, #"{"name": "kitchen"}"#).taskCount == 5)
    #expect(try decodeSection(EnvironmentSettings.self, #"{"name": "metaworld"}"#).taskCount == 4)
  }

  @Test func goalsAndExpertNoiseAreChecked() {
    #expect(sectionFailure(EnvironmentSettings.self, #"{"name": "reacher", "goals": 5}"#)
      == "goals: only integrator2d has goals")
    #expect(sectionFailure(EnvironmentSettings.self, #"{"name": "integrator2d", "goals": 1}"#)
      == "goals: must be at least 2, found 1")
    #expect(sectionFailure(EnvironmentSettings.self, #"{"name": "kitchen", "expert_noise": {"5": 0.1}}"#)
      == "expert_noise: task 5 does not exist; kitchen has tasks 0…4")
    #expect(sectionFailure(EnvironmentSettings.self, #"{"name": "kitchen", "expert_noise": {"1": -0.1}}"#)
      == "expert_noise: std of task 1 must be ≥ 0, found -0.1")
    #expect(sectionFailure(EnvironmentSettings.self, #"{"name": "kitchen", "expert_noise": {"one": 0.1}}"#)
      == "expert_noise: key 'one' is not a task index")
    #expect(sectionFailure(EnvironmentSettings.self, #"{"name": "integrator2d", "goals": 1001}"#)?
      .hasPrefix("goals: 1001 is over the limit of 1000") == true)
    #expect(sectionFailure(EnvironmentSettings.self, #"{"goals": 3}"#) != nil)
    #expect(sectionFailure(EnvironmentSettings.self, #"{"name": "pendulum"}"#) != nil)
  }

  @Test func noiseSurvivesARoundTrip() throws {
    let env = try decodeSection(EnvironmentSettings.self, #"{"name": "kitchen", "expert_noise": {"1": 0.25}}"#)
    #expect(env.expertNoise == [1: 0.25] && env.goals == nil)
    #expect(try decodeSection(EnvironmentSettings.self, try CanonicalJSON.string(env)) == env)
  }

  // Scenarios are checked through the params that carry them (the JSON is the contract; the Swift type
  // behind `scenario` is the environments library's).
  @Test func scenariosArePlainNamesExceptAllocation() throws {
    #expect(try CanonicalJSON.string(decodeSection(PretrainParams.self, #"{"scenario": "balanced"}"#))
      .contains(#""scenario":"balanced""#))
    #expect(try CanonicalJSON.string(decodeSection(PretrainParams.self, #"{"scenario": {"name": "allocation", "k": 3}}"#))
      .contains(#""scenario":{"k":3,"name":"allocation"}"#))
    #expect(try CanonicalJSON.string(decodeSection(PretrainParams.self, #"{"scenario": {"name": "mismatch"}}"#))
      .contains(#""scenario":"mismatch""#))
    #expect(sectionFailure(PretrainParams.self, #"{"scenario": {"name": "allocation"}}"#)
      == "scenario: allocation needs k, e.g. {name: allocation, k: 3}")
    #expect(sectionFailure(PretrainParams.self, #"{"scenario": {"name": "allocation", "k": 0}}"#)
      == "scenario.k: must be ≥ 1, found 0")
    #expect(sectionFailure(PretrainParams.self, #"{"scenario": {"name": "mismatch", "k": 2}}"#)
      == "scenario.k: only the allocation scenario takes k")
  }

  @Test func scenariosMustFitTheEnvironment() throws {
    // allocation fits every environment with k ≤ its task count (issue #21 runs it on reacher)
    #expect(sectionFailure(EvaluateParams.self, #"{"env": {"name": "kitchen"}, "scenario": {"name": "allocation", "k": 2}}"#) == nil)
    #expect(sectionFailure(EvaluateParams.self, #"{"env": {"name": "kitchen"}, "scenario": {"name": "allocation", "k": 6}}"#)
      == "scenario.k: must be ≤ the task count 5 of kitchen, found 6")
    #expect(sectionFailure(EvaluateParams.self, #"{"env": {"name": "integrator2d", "goals": 4}, "scenario": {"name": "allocation", "k": 5}}"#)
      == "scenario.k: must be ≤ the task count 4 of integrator2d, found 5")
    #expect(sectionFailure(EvaluateParams.self, #"{"env": {"name": "kitchen"}, "scenario": "mismatch"}"#) == nil)
    #expect(sectionFailure(EvaluateParams.self, #"{"env": {"name": "metaworld"}, "scenario": "balanced"}"#) == nil)
  }
}

@Suite struct PolicySettingsTests {
  @Test func mlpDefaultsFollowTheEnvironment() throws {
    #expect(try CanonicalJSON.string(decodeSection(PretrainSettings.self, "{}"))
      == #"{"activation":"tanh","batch_size":256,"demos_per_task":10,"hidden":[64,64],"learning_rate":0.001,"#
      + #""policy":"mlp","steps":20000}"#)
    let kitchen = try decodeSection(PretrainParams.self, #"{"env": {"name": "kitchen"}}"#)
    #expect(kitchen.pretrain.hidden == [256, 256])
  }

  @Test func gpEncodesOnlyItsKernelAndTakesOneDemoPerTask() throws {
    #expect(try CanonicalJSON.string(decodeSection(PretrainSettings.self, #"{"policy": "gp"}"#))
      == #"{"demos_per_task":1,"gp":{"lengthscale":0.5,"noise_variance":0.01,"signal_variance":1},"policy":"gp"}"#)
    #expect(sectionFailure(PretrainSettings.self, #"{"policy": "gp", "gp": {"lengthscale": 0}}"#)
      == "gp.lengthscale: must be > 0, found 0.0")
  }

  @Test func policyRangesNameTheKey() {
    #expect(sectionFailure(PretrainSettings.self, #"{"hidden": []}"#) == "hidden: give one or more layer widths ≥ 1, e.g. [64, 64]")
    #expect(sectionFailure(PretrainSettings.self, #"{"hidden": [64, 0]}"#) == "hidden: give one or more layer widths ≥ 1, e.g. [64, 64]")
    #expect(sectionFailure(PretrainSettings.self, #"{"steps": 0}"#) == "steps: must be ≥ 1, found 0")
    #expect(sectionFailure(PretrainSettings.self, #"{"demos_per_task": 0}"#) == "demos_per_task: must be ≥ 1, found 0")
    #expect(sectionFailure(PretrainSettings.self, #"{"learning_rate": 0}"#) == "learning_rate: must be > 0, found 0.0")
    #expect(sectionFailure(PretrainSettings.self, #"{"hidden": [4096]}"#)?.hasPrefix("hidden: [4096] is over the limit of 8 layers") == true)
    #expect(sectionFailure(PretrainSettings.self, #"{"activation": "gelu"}"#) != nil)
  }
}

@Suite struct StageParamsTests {
  /// Decoding a params type's canonical JSON gives it back (the stage key is stable through a round trip).
  func roundTrips<P: Codable & Equatable>(_ params: P) throws -> Bool {
    try decodeSection(P.self, try CanonicalJSON.string(params)) == params
  }

  @Test func defaultsRoundTripThroughCanonicalJSON() throws {
    #expect(try roundTrips(PretrainParams()))
    #expect(try roundTrips(EmbedParams()))
    #expect(try roundTrips(SelectParams()))
    #expect(try roundTrips(FinetuneParams()))
    #expect(try roundTrips(EvaluateParams()))
    #expect(try roundTrips(ReportParams()))
  }

  @Test func emptyDocumentsTakeTheDocumentedDefaults() throws {
    let pretrain = try decodeSection(PretrainParams.self, "{}")
    #expect(pretrain.env.taskCount == 12 && pretrain.pretrain.steps == 20_000)
    #expect(try CanonicalJSON.string(pretrain).contains(#""scenario":"mismatch""#))
    #expect(try decodeSection(EmbedParams.self, "{}").round == 1)
    let select = try decodeSection(SelectParams.self, "{}")
    #expect(select.batch == 2 && select.round == 1 && select.taskCount == 12)
    #expect(try decodeSection(FinetuneParams.self, "{}").round == 1)
    #expect(try decodeSection(EvaluateParams.self, "{}").round == 0 && (try decodeSection(EvaluateParams.self, "{}")).evaluate.episodes == 20)
    #expect(try decodeSection(ReportParams.self, "{}").arms.isEmpty)
  }

  /// μ given explicitly (bring-your-own embeddings): omitted from the canonical params when unset, so the
  /// keys of every existing select run are unchanged; checked against task_count when set.
  @Test func explicitTargetWeightsAreOptionalAndChecked() throws {
    #expect(try !CanonicalJSON.string(SelectParams()).contains("target_weights"))
    let select = try decodeSection(SelectParams.self, #"{"task_count": 3, "target_weights": [0.5, 0, 0.5]}"#)
    #expect(select.targetWeights == [0.5, 0, 0.5])
    #expect(try SelectStage.plan(select).targetWeights == [0.5, 0, 0.5])
    #expect(try CanonicalJSON.string(select).contains(#""target_weights":[0.5,0,0.5]"#))
    #expect(sectionFailure(SelectParams.self, #"{"task_count": 3, "target_weights": [0.5, 0.5]}"#)
      == "target_weights: must be task_count = 3 weights ≥ 0 summing to 1, found [0.5, 0.5]")
  }

  @Test func roundsAreBounded() {
    #expect(sectionFailure(EmbedParams.self, #"{"round": 0}"#) == "round: must be ≥ 1, found 0")
    #expect(sectionFailure(FinetuneParams.self, #"{"round": 0}"#) == "round: must be ≥ 1, found 0")
    #expect(sectionFailure(EvaluateParams.self, #"{"round": -1}"#) == "round: must be ≥ 0, found -1")
    #expect(sectionFailure(EvaluateParams.self, #"{"round": 100001}"#)
      == "round: 100001 is over the limit of 100000 (there are at most N = budget.demos rounds); see docs/stages.md, \"Limits\"")
  }

  @Test func scenarioErrorsPointBelowScenario() {
    #expect(sectionFailure(PretrainParams.self, #"{"env": {"name": "kitchen"}, "scenario": "targeted"}"#)
      == "scenario: targeted needs at least 11 tasks; kitchen has 5")
    #expect(sectionFailure(FinetuneParams.self, #"{"env": {"name": "integrator2d", "goals": 3}, "scenario": {"name": "allocation", "k": 4}}"#)
      == "scenario.k: must be ≤ the task count 3 of integrator2d, found 4")
  }

  @Test func unknownTopLevelKeysAreRefused() {
    for failure in [
      sectionFailure(PretrainParams.self, #"{"budget": {}}"#), sectionFailure(EmbedParams.self, #"{"select": {}}"#),
      sectionFailure(SelectParams.self, #"{"embed": {}}"#), sectionFailure(FinetuneParams.self, #"{"evaluate": {}}"#),
      sectionFailure(EvaluateParams.self, #"{"finetune": {}}"#), sectionFailure(ReportParams.self, #"{"seeds": []}"#),
    ] {
      #expect(failure != nil)
    }
  }

  @Test func reportArmsMustBeDistinct() {
    #expect(sectionFailure(ReportParams.self, #"{"arms": [{"name": "a", "seeds": [0]}, {"name": "a", "seeds": [1]}]}"#)
      == "arms: arm names must be distinct")
    #expect(sectionFailure(ReportParams.self, #"{"report": {"confidence": 0}}"#) == "report.confidence: must be in (0, 1), found 0.0")
  }
}
