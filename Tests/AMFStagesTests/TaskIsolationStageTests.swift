import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFNumerics
import AMFPolicy
import AMFTestSupport
import Foundation
import Testing

@testable import AMFStages

/// `finetune.mitigation: task_isolation` (issue #16, H5c) through the stages on integrator2d with a tiny MLP:
/// the key, the per-task networks and their seeds, and evaluation and embedding of the result.
@Suite struct TaskIsolationStageTests {
  /// A 1 × 8 MLP π₀ of integrator2d after 100 steps (seconds in a debug build).
  static func prior() throws -> Artifact {
    var pretrain = PretrainParams()
    pretrain.pretrain.steps = 100
    pretrain.pretrain.hidden = [8]
    pretrain.pretrain.demosPerTask = 1
    return try FinetuneFixtures.prior(pretrain, seed: 2)
  }

  static var params: FinetuneParams {
    var params = FinetuneParams()
    params.finetune.steps = 40
    params.finetune.mitigation = .taskIsolation
    return params
  }

  static func taskIsolated(_ checkpoint: PolicyCheckpoint) throws -> TaskIsolatedMLPPolicy<Float> {
    guard case .taskIsolation(let policy) = checkpoint else { throw StageError.computationFailed(reason: "\(checkpoint)") }
    return policy
  }

  /// Task `task`'s collected rows of `set`, in training-row order.
  static func rows(of task: Int, in set: DemonstrationSet) throws -> BehaviorCloningData<Float> {
    let own = try DemonstrationSet(
      environmentName: set.environmentName, environmentArgumentsJSON: set.environmentArgumentsJSON,
      observationDimension: set.observationDimension, actionDimension: set.actionDimension,
      demonstrations: set.demonstrations.filter { $0.task == task })
    let rows = try TrainingRows(own)
    return try BehaviorCloningData(observations: rows.observations, taskFeatures: rows.taskFeatures, actions: rows.actions)
  }

  /// The new value is encoded as written; the default's params (and so every committed stage key) do not
  /// mention it; `balance: tasks` is refused with it; its meaning is written down for `--help`.
  @Test func keyIsEncodedOnlyWhenChosen() throws {
    #expect(try CanonicalJSON.string(FinetuneParams()).contains(#""mitigation":"isolation""#))
    #expect(try CanonicalJSON.string(Self.params).contains(#""mitigation":"task_isolation""#))
    let decoded = try JSONDecoder().decode(
      FinetuneParams.self, from: Data(#"{"finetune": {"mitigation": "task_isolation"}}"#.utf8))
    #expect(decoded.finetune.mitigation == .taskIsolation)
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(
        FinetuneParams.self, from: Data(#"{"finetune": {"mitigation": "task_isolation", "balance": "tasks"}}"#.utf8))
    }
    #expect(Mitigation.allowedValues == ["isolation", "adaptive_prior", "none", "task_isolation"])
    for value in Mitigation.allowedValues {
      #expect(ParameterMeanings.meaning(of: "finetune.mitigation", value: value) != nil, "\(value)")
    }
    #expect(ParameterChoices.text(ParameterChoices.all.filter { $0.key == "finetune.mitigation" })
      .contains("task_isolation: no data: π₀; each demonstrated task: its own network"))
  }

  /// Demonstrations of tasks A = 3 and B = 5: A's network is π₀ trained on A's rows alone for the same steps
  /// with `seed.derived("finetune/round-1/policy").derived("task-3")`, bit for bit, and so are A's actions; a
  /// task without data (C = 0) acts exactly as π₀.
  @Test func taskNetworkIsThePriorTrainedOnItsOwnDemonstrations() throws {
    let prior = try Self.prior()
    let tuned = try FinetuneFixtures.finetune(
      ["prior": prior, "selection": try FinetuneFixtures.selection([3, 5])], params: Self.params)
    let policy = try Self.taskIsolated(tuned.policy)
    guard case .mlp(let pi0) = try PretrainedPolicy(artifactContent: prior.content) else {
      throw StageError.computationFailed(reason: "expected an MLP π₀")
    }
    let environment = try FinetuneFixtures.integrator().environment
    #expect(policy.tasksWithData == FinetuneStage.featureMatrix([3, 5], environment: environment))
    let a = try Self.rows(of: 3, in: tuned.demonstrations)
    let seed = Seed(0).derived("finetune/round-1/policy").derived("task-3")
    let alone = try pi0.trained(
      on: a, steps: 40, settings: BehaviorCloningSettings(batchSize: 256, learningRate: 1e-3), seed: seed)
    #expect(policy.fineTuned[0] == alone && alone != pi0 && policy.prior == pi0)
    let onA = try policy.evaluate(observations: a.observations, taskFeatures: a.taskFeatures)
    let reference = try alone.evaluate(observations: a.observations, taskFeatures: a.taskFeatures)
    #expect(onA.mean.storage.map(\.bitPattern) == reference.mean.storage.map(\.bitPattern))
    #expect(onA.logStd.storage.map(\.bitPattern) == reference.logStd.storage.map(\.bitPattern))
    let c = FinetuneStage.featureMatrix(Array(repeating: 0, count: a.count), environment: environment)
    #expect(try policy.distribution(observations: a.observations, taskFeatures: c)
      == pi0.distribution(observations: a.observations, taskFeatures: c))
  }

  /// A second demonstration of B changes B's network and leaves A's network and A's actions bit-identical.
  @Test func anotherTasksDemonstrationsLeaveActionsBitIdentical() throws {
    let prior = try Self.prior()
    let once = try Self.taskIsolated(FinetuneFixtures.finetune(
      ["prior": prior, "selection": try FinetuneFixtures.selection([3, 5])], params: Self.params).policy)
    let twice = try FinetuneFixtures.finetune(
      ["prior": prior, "selection": try FinetuneFixtures.selection([3, 5, 5])], params: Self.params)
    let other = try Self.taskIsolated(twice.policy)
    #expect(once.fineTuned[0] == other.fineTuned[0] && once.fineTuned[1] != other.fineTuned[1])
    let a = try Self.rows(of: 3, in: twice.demonstrations)
    let b = try Self.rows(of: 5, in: twice.demonstrations)
    let (x, y) = (try once.evaluate(observations: a.observations, taskFeatures: a.taskFeatures),
                  try other.evaluate(observations: a.observations, taskFeatures: a.taskFeatures))
    #expect(x.mean.storage.map(\.bitPattern) == y.mean.storage.map(\.bitPattern))
    #expect(x.logStd.storage.map(\.bitPattern) == y.logStd.storage.map(\.bitPattern))
    #expect(try once.evaluate(observations: b.observations, taskFeatures: b.taskFeatures).mean
      != other.evaluate(observations: b.observations, taskFeatures: b.taskFeatures).mean)
  }

  /// The fine-tuned artifact runs through evaluate and embed: untouched tasks' episodes are π₀'s exactly,
  /// and the conditioning embeddings of task A's demonstrations are A's network's (not π₀'s).
  @Test func evaluateAndEmbedRunOnTheTaskIsolatedPolicy() throws {
    let prior = try Self.prior()
    let tuned = try FinetuneFixtures.finetune(
      ["prior": prior, "selection": try FinetuneFixtures.selection([3, 5])], params: Self.params)
    var evaluate = EvaluateParams()
    evaluate.round = 1
    evaluate.evaluate.episodes = 3
    func record(_ policy: Artifact) throws -> EvaluationRecord {
      let inputs = try FinetuneFixtures.inputs(
        ["policy": policy, "demonstrations": try #require(tuned.artifacts["demonstrations"])])
      let output = try #require(
        try EvaluateStage.run(inputs, params: evaluate, context: StageContext(seed: Seed(0))).first)
      return try EvaluationRecord(
        Artifact(kind: .evaluation, provenance: Provenance(stage: "evaluate", stageVersion: 1), content: output.content))
    }
    let (now, before) = (try record(try #require(tuned.artifacts["policy"])), try record(prior))
    #expect(now.demosPerTask == [0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    for task in 0..<12 where task != 3 && task != 5 {
      #expect(now.episodeReturns[task] == before.episodeReturns[task], "task \(task)")
    }
    #expect(now.episodeReturns[3] != before.episodeReturns[3])
    let set = try EmbedSelectStageTests.embed(
      try #require(tuned.artifacts["policy"]), scenario: TaskScenario.mismatch,
      demonstrations: tuned.artifacts["demonstrations"])
    #expect(set.candidates.count > 0 && set.candidates.phi.allSatisfy(\.isFinite))
    try Self.expectConditioningOfTask(3, in: set, policy: try Self.taskIsolated(tuned.policy),
                                      demonstrations: tuned.demonstrations)
  }

  /// The conditioning points of `task` (its collected demonstrations, pool indices in D's order) divided by the
  /// normalization equal the loss-gradient embedding of its own network (to float rounding: the embed batch
  /// has other rows), and differ from π₀'s.
  static func expectConditioningOfTask(
    _ task: Int, in set: EmbeddingSet, policy: TaskIsolatedMLPPolicy<Float>, demonstrations: DemonstrationSet
  ) throws {
    let points = (0..<set.conditioning.count).filter { set.conditioning.task[$0] == task }
    let d = demonstrations.observationDimension
    var observations: [Float] = []
    for point in points {
      let demo = demonstrations.demonstrations[set.conditioning.poolIndex[point]]
      let t = set.conditioning.step[point]
      observations += demo.observations[(t * d)..<((t + 1) * d)]
    }
    let s = try Matrix(rows: points.count, columns: d, values: observations)
    let f = try Matrix(rows: points.count, columns: policy.architecture.taskFeatureDimension,
                       values: Array(Array(repeating: demonstrations.demonstrations.first { $0.task == task }?
                        .taskFeatures.map { Float($0) } ?? [], count: points.count).joined()))
    let width = set.conditioning.width
    let stored = points.flatMap { point in
      set.conditioning.phi[(point * width)..<((point + 1) * width)].map { Double($0) / set.normalization }
    }
    func embedding(_ network: MLPPolicy<Float>) throws -> [Double] {
      let z = try network.evaluate(observations: s, taskFeatures: f)
      return MLPEmbeddings.embed(kind: .lossGradient, features: z.features, logStd: z.logStd).storage.map { Double($0) }
    }
    let owner = try #require(policy.owners(taskFeatures: f).first ?? nil)
    #expect(!points.isEmpty)
    #expect(areClose(stored, try embedding(policy.fineTuned[owner]), relative: 1e-4, absolute: 1e-5))
    #expect(!areClose(stored, try embedding(policy.prior), relative: 1e-2, absolute: 1e-3))
  }
}
