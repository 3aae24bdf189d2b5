import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFSelection
import Foundation
import Testing

@testable import AMFStages

/// The manifest keys of the AMF-NN fidelity investigation (issue #16, docs/amf-nn.md) at the stage level:
/// what each computes, and that leaving them out changes no stage key.
extension EmbedSelectStageTests {
  /// None of the new keys is encoded at its default, so every committed lock's keys stay as they were; set,
  /// each is part of the stage's params (and so of its key).
  @Test func fidelityKeysAreEncodedOnlyWhenSet() throws {
    let plain = try CanonicalJSON.string(SelectParams(scenario: TaskScenario.mismatch))
    for key in ["is_noise_variance", "is_target_ess", "batch_conditioning"] { #expect(!plain.contains(key)) }
    let yaml = """
      {"select": {"strategy": "amf", "noise_variance": 10, "is_noise_variance": 0.01, "is_target_ess": 0.5,
       "batch_conditioning": "latest_demonstration"}, "task_count": 4, "scenario": "mismatch"}
      """
    let params = try JSONDecoder().decode(SelectParams.self, from: Data(yaml.utf8))
    #expect(params.select.importance.ratioNoiseVariance == 0.01)
    #expect(params.select.importance.noiseVariance == 10)
    let text = try CanonicalJSON.string(params)
    for fragment in ["\"is_noise_variance\":0.01", "\"is_target_ess\":0.5", "\"batch_conditioning\":\"latest_demonstration\""] {
      #expect(text.contains(fragment), "\(text)")
    }
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(SelectParams.self, from: Data(#"{"select": {"is_target_ess": 1.5}}"#.utf8))
    }
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(SelectParams.self, from: Data(#"{"select": {"batch_conditioning": "latest"}}"#.utf8))
    }
  }

  /// Under `is_variance: noise` the summed log-ratio is `Σ_t (‖a − μ(c_i)‖² − ‖a − μ(c)‖²) / (2v)` (the
  /// log-variance terms cancel), so it scales as 1/v: `is_noise_variance` alone sets v, and the gain's ρ²
  /// (`noise_variance`) leaves the weights untouched once v is pinned.
  @Test func importanceVarianceIsSeparateFromTheGainNoise() throws {
    let pi0 = try Self.pretrained(TaskScenario.mismatch, policy: .mlp)
    func embed(_ configure: (inout ImportanceSettings) -> Void) throws -> EmbeddingSet {
      var params = EmbedParams(env: EnvironmentSettings(name: .integrator2d), scenario: TaskScenario.mismatch)
      configure(&params.importance)
      let outputs = try EmbedStage.run(
        StageInputs(artifacts: ["policy": pi0]), params: params, context: StageContext(seed: Seed(0)))
      return try EmbeddingSet(
        Artifact(kind: .embeddings, provenance: Provenance(stage: "embed", stageVersion: 1, paramsJSON: "{}", seed: 0),
                 content: try #require(outputs.first).content))
    }
    let reference = try embed { _ in }
    let pinned = try embed {
      $0.noiseVariance = 10
      $0.isNoiseVariance = 0.01
    }
    #expect(pinned.logRatios == reference.logRatios && pinned.logWeights == reference.logWeights)
    let wider = try embed { $0.isNoiseVariance = 0.1 }
    #expect(reference.logRatios.contains { abs($0) > 1 })
    for (a, b) in zip(wider.logRatios, reference.logRatios) {
      #expect(abs(a - b / 10) <= 1e-8 * max(1, abs(b)), "\(a) vs \(b) / 10")
    }
    // An ESS floor of the whole pool leaves (near-)uniform weights: ESS = |pool| for every task.
    let floored = try embed { $0.targetESS = 1 }
    for ess in floored.ess { #expect(ess >= Double(floored.poolCount) * (1 - 1e-9)) }
  }

  /// `finetune.balance`: absent at its default (keys unchanged), encoded when `tasks`, refused with
  /// `adaptive_prior`; the row groups are each task's steps in training-row order.
  @Test func balancedFineTuningKeyAndGroups() throws {
    #expect(try !CanonicalJSON.string(FinetuneParams()).contains("balance"))
    let params = try JSONDecoder().decode(FinetuneParams.self, from: Data(#"{"finetune": {"balance": "tasks"}}"#.utf8))
    #expect(try CanonicalJSON.string(params).contains("\"balance\":\"tasks\""))
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(
        FinetuneParams.self, from: Data(#"{"finetune": {"balance": "tasks", "mitigation": "adaptive_prior"}}"#.utf8))
    }
    func demo(_ task: Int, steps: Int) -> DemonstrationSet.Demonstration {
      DemonstrationSet.Demonstration(
        task: task, taskFeatures: [0, 1], source: "round_1", isSuccess: true, expertNoiseStd: 0.02,
        observations: [Float](repeating: 0, count: steps * 2), actions: [Float](repeating: 0, count: steps * 2),
        rewards: [Float](repeating: 0, count: steps), dones: (0..<steps).map { $0 == steps - 1 })
    }
    let set = try DemonstrationSet(
      environmentName: "integrator2d", environmentArgumentsJSON: "{}", observationDimension: 2, actionDimension: 2,
      demonstrations: [demo(3, steps: 2), demo(1, steps: 3), demo(3, steps: 1)])
    #expect(FinetuneStage.taskRowGroups(set) == [[2, 3, 4], [0, 1, 5]])
  }

  /// `finetune.steps_per_demonstration`: absent at its default (keys unchanged); set, a round trains
  /// max(steps, k × |D|) steps (hand values for steps 3000, k 300), and a product past the limit is refused.
  @Test func stepsPerDemonstrationGrowWithTheData() throws {
    #expect(try !CanonicalJSON.string(FinetuneParams()).contains("steps_per_demonstration"))
    #expect(try FinetuneParams().finetune.steps(forDemonstrations: 20) == 3000)
    let params = try JSONDecoder().decode(
      FinetuneParams.self, from: Data(#"{"finetune": {"steps_per_demonstration": 300}}"#.utf8))
    #expect(try CanonicalJSON.string(params).contains("\"steps_per_demonstration\":300"))
    #expect(try [1, 2, 10, 11, 20].map { try params.finetune.steps(forDemonstrations: $0) } == [3000, 3000, 3000, 3300, 6000])
    var huge = params.finetune
    huge.stepsPerDemonstration = ManifestLimits.steps
    #expect(throws: InvalidParameter.self) { try huge.steps(forDemonstrations: 2) }
    huge.stepsPerDemonstration = Int.max / 2
    #expect(throws: InvalidParameter.self) { try huge.steps(forDemonstrations: 3) }
    for bad in ["-1", "10000001"] {
      #expect(throws: (any Error).self) {
        try JSONDecoder().decode(
          FinetuneParams.self, from: Data(#"{"finetune": {"steps_per_demonstration": \#(bad)}}"#.utf8))
      }
    }
  }

  /// The grown step count reaches the trainer: with k × |D| ≤ steps the policy is the default's bit for bit,
  /// with k × |D| > steps it is another.
  @Test func stepsPerDemonstrationReachTheTrainer() throws {
    var pretrain = PretrainParams()
    pretrain.pretrain.steps = 100
    pretrain.pretrain.hidden = [8]
    pretrain.pretrain.demosPerTask = 1
    let prior = try FinetuneFixtures.prior(pretrain, seed: 2)
    let inputs = ["prior": prior, "selection": try FinetuneFixtures.selection([3, 5])]
    var params = FinetuneParams()
    params.finetune.steps = 40
    let plain = try FinetuneFixtures.finetune(inputs, params: params).policy.artifactContent()
    params.finetune.stepsPerDemonstration = 20  // 20 × 2 = 40: the same 40 steps
    #expect(try FinetuneFixtures.finetune(inputs, params: params).policy.artifactContent() == plain)
    params.finetune.stepsPerDemonstration = 21  // 42 steps
    #expect(try FinetuneFixtures.finetune(inputs, params: params).policy.artifactContent() != plain)
  }
}
