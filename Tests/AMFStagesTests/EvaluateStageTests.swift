import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPolicy
import Testing

@testable import AMFStages

/// `EvaluateStage` in-process: common start states, hand-checkable success, counts, the stage run.
@Suite struct EvaluateStageTests {
  /// Two different policies (the GP π₀ and the same π₀ conditioned on task 8) start every episode from
  /// the same state, which is the state a direct `Rollout` of the expert from the `evaluate/…` streams
  /// starts from.
  @Test func startStatesAreTheSameForEveryPolicy() throws {
    let setup = try FinetuneFixtures.integrator()
    let environment = setup.environment
    let prior = try PolicyCheckpoint(artifactContent: try FinetuneFixtures.gpPrior().content, file: "").policy
    var params = FinetuneParams()
    params.policy = .gp
    let tuned = try FinetuneFixtures.finetune(
      ["prior": try FinetuneFixtures.gpPrior(), "selection": try FinetuneFixtures.selection([8])], params: params)
    let seed = Seed(11)
    let a = try EvaluateStage.rollOut(prior, in: environment, episodesPerTask: 4, seed: seed)
    let b = try EvaluateStage.rollOut(tuned.policy.policy, in: environment, episodesPerTask: 4, seed: seed)
    let expert = try environment.expertEpisodes(
      requests: Rollout.requests(seed: seed, tasks: Array(0..<12), episodesPerTask: 4, stream: "evaluate"))
    let width = environment.stateDimension
    for task in 0..<12 {
      for episode in 0..<4 {
        let start = Array(a[task][episode].states[0..<width])
        #expect(start == Array(b[task][episode].states[0..<width]))
        #expect(start == Array(expert[task * 4 + episode].states[0..<width]))
      }
    }
    #expect(a[8].map(\.states) != b[8].map(\.states))
    let other = try EvaluateStage.rollOut(prior, in: environment, episodesPerTask: 4, seed: Seed(12))
    #expect(other[0][0].states[0..<width] != a[0][0].states[0..<width])
  }

  /// GP π₀ of integrator2d, 1 demo per covered task: under mismatch the covered goals 0…5 succeed in every
  /// episode and the uncovered 6…11 in none (30° apart, no transfer: AMF.md §4), so multitask success is
  /// 6/12 = 0.5; under targeted (covered 0…5, targets {4, 5, 6, 7}) μ = 1/4 on the targets and multitask
  /// success is (1 + 1 + 0 + 0)/4 = 0.5.
  @Test func gpPriorSucceedsOnCoveredTasksOnly() throws {
    let setup = try FinetuneFixtures.integrator()
    let prior = try PolicyCheckpoint(artifactContent: try FinetuneFixtures.gpPrior().content, file: "").policy
    let record = try EvaluateStage.evaluate(
      prior, setup: setup, episodesPerTask: 20, round: 0, demosPerTask: [Int](repeating: 0, count: 12), seed: Seed(0))
    #expect(record.success == [Double](repeating: 1, count: 6) + [Double](repeating: 0, count: 6))
    #expect(record.targetWeights == [Double](repeating: 1.0 / 12, count: 12))
    #expect(abs(record.multitaskSuccess - 0.5) < 1e-12)
    #expect(record.returns.allSatisfy { $0 < 0 })
    let targeted = try FinetuneFixtures.integrator(TaskScenario.targeted)
    let targetedPrior = try PolicyCheckpoint(
      artifactContent: try FinetuneFixtures.gpPrior(scenario: TaskScenario.targeted).content, file: "").policy
    let focused = try EvaluateStage.evaluate(
      targetedPrior, setup: targeted, episodesPerTask: 20, round: 0, demosPerTask: [Int](repeating: 0, count: 12),
      seed: Seed(0))
    #expect(focused.targetWeights == [0, 0, 0, 0, 0.25, 0.25, 0.25, 0.25, 0, 0, 0, 0])
    #expect(focused.multitaskSuccess == 0.5)
    #expect(focused.success[4] == 1 && focused.success[7] == 0)
  }

  /// Through the stage: `demos_per_task` counts the `round_*` demos of the optional input, not pre-training ones.
  @Test func runCountsCollectedDemonstrationsAndRecordsTheRound() throws {
    let setup = try FinetuneFixtures.integrator()
    var picks = try FinetuneStage.expertDemonstrations(
      for: [8, 8, 2], collected: nil, setup: setup, round: 1, seed: Seed(0))
    picks[2].source = "pretrain"
    let set = try FinetuneStage.appending(picks, to: nil, setup: setup, round: 1)
    var params = EvaluateParams()
    params.round = 1
    params.evaluate.episodes = 3
    let inputs = try FinetuneFixtures.inputs(
      ["policy": try FinetuneFixtures.gpPrior(), "demonstrations": try FinetuneFixtures.artifact(set)])
    let outputs = try EvaluateStage.run(inputs, params: params, context: StageContext(seed: Seed(0)))
    let evaluation = try #require(outputs.first)
    let record = try EvaluationRecord(
      Artifact(kind: .evaluation, provenance: Provenance(stage: "evaluate", stageVersion: 1),
               content: evaluation.content))
    #expect(record.demosPerTask == [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0])
    #expect(record.round == 1 && record.episodesPerTask == 3 && record.environmentName == "integrator2d")
    let without = try EvaluateStage.run(
      try FinetuneFixtures.inputs(["policy": try FinetuneFixtures.gpPrior()]), params: params,
      context: StageContext(seed: Seed(0)))
    #expect(try #require(without.first).content.dataset(at: "/demos_per_task").int64Values(object: "")
      == [Int64](repeating: 0, count: 12))
  }

  /// A policy or demonstrations of another environment is refused, naming the file and the field.
  @Test func inputsOfAnotherEnvironmentAreRefused() throws {
    var params = EvaluateParams()
    params.env = EnvironmentSettings(name: .reacher)
    let inputs = try FinetuneFixtures.inputs(["policy": try FinetuneFixtures.gpPrior()])
    do {
      _ = try EvaluateStage.run(inputs, params: params, context: StageContext(seed: Seed(0)))
      Issue.record("a policy of integrator2d evaluated on reacher")
    } catch let error as ArtifactError {
      #expect("\(error)".contains("policy.h5") && "\(error)".contains("env.name=integrator2d"), "\(error)")
    }
  }
}
