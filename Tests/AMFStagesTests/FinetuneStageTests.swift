import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPipeline
import AMFPolicy
import AMFTestSupport
import Testing

@testable import AMFStages

/// `FinetuneStage` in-process: params, paired expert streams, GP conditioning, isolation, inputs.
@Suite struct FinetuneStageTests {
  static func decode<P: Codable>(_ type: P.Type, _ json: String) throws -> P {
    try ParamsResolver.decode(type, from: try JSONValue.parse(json)).params
  }

  @Test func paramsDecodeStrictlyAndFillDefaults() throws {
    #expect(try Self.decode(FinetuneParams.self, "{}") == FinetuneParams())
    #expect(try Self.decode(EvaluateParams.self, "{}") == EvaluateParams())
    let adaptive = try Self.decode(FinetuneParams.self, #"{"finetune":{"mitigation":"adaptive_prior"},"round":3}"#)
    #expect(adaptive.finetune.mitigation == .adaptivePrior && adaptive.round == 3 && adaptive.finetune.steps == 3000)
    let cases: [(String, String)] = [
      (#"{"finetune":{"stepz":1}}"#, "finetune.stepz"), (#"{"rounds":1}"#, "rounds"), (#"{"round":0}"#, "round"),
      (#"{"env":{"name":"reacher"},"scenario":{"name":"allocation","k":13}}"#, "scenario.k"),
    ]
    for (json, path) in cases {
      do {
        _ = try Self.decode(FinetuneParams.self, json)
        Issue.record("\(json) decoded")
      } catch StageError.invalidParameter(let found, _) {
        #expect(found == path, "\(json)")
      }
    }
    #expect(throws: StageError.self) { try Self.decode(EvaluateParams.self, #"{"evaluate":{"episodez":3}}"#) }
    #expect(throws: StageError.self) { try Self.decode(EvaluateParams.self, #"{"round":-1}"#) }
  }

  /// The expert's demonstrations of a round are pure Swift, so their content hash is pinned exactly; a change
  /// must bump `StageKind.finetune.algorithmVersion` and re-record (`AMF_RECORD_GOLDENS=1`).
  @Test func expertDemonstrationsContentHashIsPinned() throws {
    let setup = try FinetuneFixtures.integrator(TaskScenario.targeted)
    let first = try FinetuneStage.appending(
      FinetuneStage.expertDemonstrations(for: [9, 4], collected: nil, setup: setup, round: 1, seed: Seed(3)),
      to: nil, setup: setup, round: 1)
    let second = try FinetuneStage.appending(
      FinetuneStage.expertDemonstrations(for: [4, 4], collected: first, setup: setup, round: 2, seed: Seed(3)),
      to: first, setup: setup, round: 2)
    let hash = try FinetuneFixtures.artifact(second).contentHash()
    let version = StageKind.finetune.algorithmVersion
    let outcome = Golden.check("v\(version) \(hash)\n", named: "finetune-demonstrations.txt")
    #expect(outcome == .matches, "\(outcome)")
  }

  @Test func requestIndicesCountCollectedDemosAndEarlierPicks() {
    #expect(FinetuneStage.requestIndices([1, 0, 1], collected: [0, 2]) == [2, 0, 3])
    #expect(FinetuneStage.requestIndices([], collected: [4]) == [])
  }

  /// Two arms with different histories D_r that asked for task 9 once before get the same next
  /// demonstration of task 9 (request 1), bit for bit, and the same first demonstration of task 7; a third
  /// arm that asked for task 9 twice gets request 2, a different one. Task 9 is a noisy distractor under
  /// `targeted` (std 0.2), recorded on the demo.
  @Test func pairedExpertStreamsAreIdenticalAcrossArms() throws {
    let setup = try FinetuneFixtures.integrator(TaskScenario.targeted)
    let seed = Seed(4)
    func collect(_ tasks: [Int], after collected: DemonstrationSet?, round: Int) throws -> DemonstrationSet {
      let picks = try FinetuneStage.expertDemonstrations(
        for: tasks, collected: collected, setup: setup, round: round, seed: seed)
      return try FinetuneStage.appending(picks, to: collected, setup: setup, round: round)
    }
    let armA = try collect([9, 2], after: nil, round: 1)
    let armB = try collect([6], after: try collect([5, 9], after: nil, round: 1), round: 2)
    let armC = try collect([9, 9], after: nil, round: 1)
    let nextA = try FinetuneStage.expertDemonstrations(for: [9, 7], collected: armA, setup: setup, round: 2, seed: seed)
    let nextB = try FinetuneStage.expertDemonstrations(for: [9, 7], collected: armB, setup: setup, round: 3, seed: seed)
    let nextC = try FinetuneStage.expertDemonstrations(for: [9, 7], collected: armC, setup: setup, round: 2, seed: seed)
    for (a, b) in zip(nextA, nextB) {
      #expect(a.observations == b.observations && a.actions == b.actions && a.rewards == b.rewards)
    }
    #expect(nextA[0].expertNoiseStd == 0.2 && nextA[1].expertNoiseStd == 0.02)
    #expect(nextA[0].source == "round_2" && nextB[0].source == "round_3")
    #expect(nextC[0].actions != nextA[0].actions)
    #expect(nextC[1].actions == nextA[1].actions)
    #expect(nextA[0].actions != armA.demonstrations[0].actions)
    #expect(armB.masks == ["round_1": [0, 1], "round_2": [2]])
  }

  /// GP π₀ on integrator2d under mismatch: task 8 is uncovered (success 0.00 over 20 episodes); after
  /// conditioning on one expert demonstration of it, its success is 1.00 and the covered tasks stay at
  /// 1.00 (measured: π₀ [1×6, 0×6] → [1×6, 0, 0, 1, 0, 0, 0]).
  @Test func gpFineTuningConditionsOnNewDataAndTheSelectedTaskSucceeds() throws {
    let setup = try FinetuneFixtures.integrator()
    let prior = try FinetuneFixtures.gpPrior()
    let before = try FinetuneFixtures.success(
      try PolicyCheckpoint(artifactContent: prior.content, file: "").policy, setup)
    var params = FinetuneParams()
    params.policy = .gp
    let tuned = try FinetuneFixtures.finetune(
      ["prior": prior, "selection": try FinetuneFixtures.selection([8])], params: params)
    guard case .gp(let gp) = tuned.policy else {
      Issue.record("expected a GP policy")
      return
    }
    #expect(gp.inputs.rows == 6 * 20 + 20)
    let after = try FinetuneFixtures.success(gp, setup)
    #expect(before[8] == 0 && after[8] >= 0.95, "before \(before), after \(after)")
    #expect(after[0..<6].allSatisfy { $0 == 1 }, "\(after)")
    #expect(tuned.demonstrations.demonstrations.map(\.task) == [8])
    #expect(tuned.demonstrations.masks == ["round_1": [0]])
  }

  /// Isolation: tasks without a collected demonstration act with π₀ bit for bit.
  @Test func isolationKeepsUntouchedTasksExactly() throws {
    var pretrain = PretrainParams()
    pretrain.pretrain.steps = 300
    pretrain.pretrain.hidden = [16, 16]
    pretrain.pretrain.demosPerTask = 2
    let prior = try FinetuneFixtures.prior(pretrain, seed: 1)
    var params = FinetuneParams()
    params.finetune.steps = 200
    let tuned = try FinetuneFixtures.finetune(
      ["prior": prior, "selection": try FinetuneFixtures.selection([7, 8])], params: params)
    guard case .isolation = tuned.policy else {
      Issue.record("expected an isolation policy")
      return
    }
    let environment = try FinetuneFixtures.integrator().environment
    let priorPolicy = try PolicyCheckpoint(artifactContent: prior.content, file: "").policy
    let base = try EvaluateStage.rollOut(priorPolicy, in: environment, episodesPerTask: 3, seed: Seed(0))
    let now = try EvaluateStage.rollOut(tuned.policy.policy, in: environment, episodesPerTask: 3, seed: Seed(0))
    for task in 0..<12 where task != 7 && task != 8 { #expect(base[task] == now[task], "task \(task)") }
    #expect(base[7] != now[7] && base[8] != now[8])
  }

  /// The same run twice gives the same outputs, bit for bit (pure Swift demos; one-thread BLAS weights).
  @Test func runIsDeterministicAndRestartsFromThePriorEveryRound() throws {
    var pretrain = PretrainParams()
    pretrain.pretrain.steps = 100
    pretrain.pretrain.hidden = [8]
    pretrain.pretrain.demosPerTask = 1
    let prior = try FinetuneFixtures.prior(pretrain, seed: 2)
    var params = FinetuneParams()
    params.finetune.steps = 50
    params.finetune.mitigation = .adaptivePrior
    let roundOne = ["prior": prior, "selection": try FinetuneFixtures.selection([3, 3])]
    let first = try FinetuneFixtures.finetune(roundOne, params: params)
    let second = try FinetuneFixtures.finetune(roundOne, params: params)
    #expect(first.demonstrations == second.demonstrations)
    #expect(try first.policy.artifactContent() == second.policy.artifactContent())
    params.round = 2
    let roundTwo = try FinetuneFixtures.finetune(
      ["prior": prior, "selection": try FinetuneFixtures.selection([3], round: 2),
       "demonstrations": try #require(first.artifacts["demonstrations"])], params: params)
    #expect(roundTwo.demonstrations.demonstrations.count == 3)
    #expect(roundTwo.demonstrations.masks == ["round_1": [0, 1], "round_2": [2]])
    guard case .adaptivePrior(let policy) = roundTwo.policy, case .mlp(let pi0) = try PretrainedPolicy(
      artifactContent: prior.content)
    else {
      Issue.record("expected an adaptive-prior policy and an MLP prior")
      return
    }
    #expect(policy.prior == pi0)
    #expect(policy.priorContentHash == (try prior.contentHash()))
  }
}

/// Inputs that do not fit are refused with the file, the field and the fix; recorded demonstrations
/// replace the expert.
@Suite struct FinetuneInputTests {
  static func failure(_ artifacts: [String: Artifact], params: FinetuneParams = gpParams) throws -> String {
    do {
      _ = try FinetuneFixtures.finetune(artifacts, params: params)
    } catch let error as ArtifactError {
      return "\(error)"
    }
    Issue.record("no error")
    return ""
  }

  static var gpParams: FinetuneParams {
    var params = FinetuneParams()
    params.policy = .gp
    return params
  }

  @Test func mismatchedInputsNameTheFileAndField() throws {
    let prior = try FinetuneFixtures.gpPrior()
    let outOfRange = try Self.failure(["prior": prior, "selection": try FinetuneFixtures.selection([20], taskCount: 24)])
    #expect(outOfRange.contains("selection.h5: /selected: task 20 is outside 0..<12"), "\(outOfRange)")
    let otherCount = try Self.failure(["prior": prior, "selection": try FinetuneFixtures.selection([2], taskCount: 24)])
    #expect(otherCount.contains("@task_count"), "\(otherCount)")
    let otherRound = try Self.failure(["prior": prior, "selection": try FinetuneFixtures.selection([2], round: 2)])
    #expect(otherRound.contains("@round") && otherRound.contains("--param round=2"), "\(otherRound)")
    let family = try Self.failure(
      ["prior": prior, "selection": try FinetuneFixtures.selection([2])], params: FinetuneParams())
    #expect(family.contains("prior.h5") && family.contains("policy=gp"), "\(family)")
    let reacher = try PretrainSetup(env: EnvironmentSettings(name: .reacher), scenario: TaskScenario.mismatch,
                                    demosPerTask: 1)
    let reacherDemos = try FinetuneStage.appending(
      FinetuneStage.expertDemonstrations(for: [1], collected: nil, setup: reacher, round: 1, seed: Seed(0)),
      to: nil, setup: reacher, round: 1)
    let environment = try Self.failure(
      ["prior": prior, "selection": try FinetuneFixtures.selection([2]),
       "demonstrations": try FinetuneFixtures.artifact(reacherDemos)])
    #expect(environment.contains("demonstrations.h5: /data@env_name: is 'reacher'"), "\(environment)")
    var reacherParams = Self.gpParams
    reacherParams.env = EnvironmentSettings(name: .reacher)
    let priorEnv = try Self.failure(
      ["prior": prior, "selection": try FinetuneFixtures.selection([2])], params: reacherParams)
    #expect(priorEnv.contains("prior.h5") && priorEnv.contains("env.name=integrator2d"), "\(priorEnv)")
    let setup = try FinetuneFixtures.integrator()
    let later = try FinetuneStage.appending(
      FinetuneStage.expertDemonstrations(for: [1], collected: nil, setup: setup, round: 1, seed: Seed(0)),
      to: nil, setup: setup, round: 1)
    let stale = try Self.failure(
      ["prior": prior, "selection": try FinetuneFixtures.selection([2]),
       "demonstrations": try FinetuneFixtures.artifact(later)])
    #expect(stale.contains("/data/demo_0@source: is 'round_1' but this is round 1"), "\(stale)")
  }

  /// `--demonstrations-from`: request n of task c is the n-th recorded demo of c; too few is an error
  /// naming the file and the task.
  @Test func recordedDemonstrationsReplaceTheExpert() throws {
    let setup = try FinetuneFixtures.integrator()
    var recordedDemos = try FinetuneStage.expertDemonstrations(
      for: [7, 3, 7], collected: nil, setup: setup, round: 1, seed: Seed(99))
    for index in recordedDemos.indices { recordedDemos[index].source = "robot" }
    let recorded = try FinetuneStage.appending(recordedDemos, to: nil, setup: setup, round: 1)
    let artifacts = [
      "prior": try FinetuneFixtures.gpPrior(), "selection": try FinetuneFixtures.selection([7, 7]),
      FinetuneStage.recordedRole: try FinetuneFixtures.artifact(recorded),
    ]
    let tuned = try FinetuneFixtures.finetune(artifacts, params: Self.gpParams)
    let demos = tuned.demonstrations.demonstrations
    #expect(demos.map(\.actions) == [recordedDemos[0].actions, recordedDemos[2].actions])
    #expect(demos.allSatisfy { $0.source == "round_1" })
    var short = artifacts
    short["selection"] = try FinetuneFixtures.selection([7, 7, 7])
    let message = try Self.failure(short)
    #expect(message.contains("demonstrations_from.h5") && message.contains("task 7"), "\(message)")
    #expect(message.contains("record more demonstrations of task 7"), "\(message)")
  }
}
