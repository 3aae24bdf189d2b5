import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPolicy

/// `amf-evaluate`: per-task success and return of a policy acting with its mean action on fixed start
/// states (AMF.md §7).
///
/// Inputs: `policy` (any policy artifact: π₀, or a fine-tuned one of any mitigation) and, optionally,
/// `demonstrations` (what it was fine-tuned on: only for `/demos_per_task`, which counts the demos whose
/// source is `round_*`; zeros without it). Output `evaluation` (`EvaluationRecord`), with μ uniform over
/// the scenario's targets.
///
/// Random streams: episode e of task c starts from `seed.derived("evaluate/task-c/episode-e")` of the run
/// seed (`Rollout.requests`, stream `evaluate`), whatever the round, arm or policy: every evaluation of one
/// seed uses the same start states (common random numbers, AMF.md §6). A mean-action policy draws nothing
/// else. Episodes of one task are stepped together as one batch.
public enum EvaluateStage: Stage {
  public typealias Params = EvaluateParams
  public static let kind = StageKind.evaluate
  /// The label prefix of the start-state streams.
  public static let stream = "evaluate"

  public static var defaultParams: EvaluateParams { EvaluateParams() }
  public static var parameterVariants: [(condition: String, params: EvaluateParams)] { [] }

  public static func run(_ inputs: StageInputs, params: EvaluateParams, context: StageContext) throws
    -> [StageOutput]
  {
    let setup = try PretrainSetup(env: params.env, scenario: params.scenario, demosPerTask: 1)
    let policy = try readPolicy(inputs, params: params, setup: setup)
    let demonstrations = try FinetuneStage.readDemonstrations(inputs, role: "demonstrations", setup: setup)
    let counts = InputChecks.collectedCounts(demonstrations, taskCount: setup.environment.taskCount)
    let record = try evaluate(
      policy, setup: setup, episodesPerTask: params.evaluate.episodes, round: params.round, demosPerTask: counts,
      seed: context.seed, progress: context.progress)
    let perTask = record.success.enumerated().map { "\($0):\(String(format: "%.2f", $1))" }.joined(separator: " ")
    context.progress.log(
      "round \(params.round): multitask success \(String(format: "%.3f", record.multitaskSuccess)), mean return "
        + "\(String(format: "%.3f", record.meanReturn)); per task \(perTask)")
    return [StageOutput(role: "evaluation", kind: .evaluation, content: try record.contentGroup())]
  }

  /// The policy of `policy`, checked against the environment.
  static func readPolicy(_ inputs: StageInputs, params: EvaluateParams, setup: PretrainSetup) throws
    -> any GaussianPolicy
  {
    let artifact = try inputs.required("policy")
    let file = inputs.path("policy")
    try InputChecks.checkRecordedEnvironment(artifact, matches: params.env, file: file)
    let policy = try PolicyCheckpoint(artifactContent: artifact.content, file: file).policy
    try InputChecks.check(policy, fits: setup.environment, name: setup.id.rawValue, file: file)
    return policy
  }

  /// The evaluation of `policy`: `episodesPerTask` episodes of every task from the `evaluate/…` streams.
  ///
  /// Edge cases: rethrows the policy's first error (`PolicyController.failure`).
  public static func evaluate(
    _ policy: any GaussianPolicy, setup: PretrainSetup, episodesPerTask: Int, round: Int, demosPerTask: [Int],
    seed: Seed, progress: StageProgress = .silent
  ) throws -> EvaluationRecord {
    let episodes = try rollOut(
      policy, in: setup.environment, episodesPerTask: episodesPerTask, seed: seed, progress: progress)
    return try EvaluationRecord(
      environmentName: setup.id.rawValue, round: round, targetWeights: setup.plan.targetWeights,
      episodeSuccess: episodes.map { $0.map(\.isSuccess) }, episodeReturns: episodes.map { $0.map(\.totalReward) },
      demosPerTask: demosPerTask)
  }

  /// Every task's episodes, task-major (`[task][episode]`), acting with the mean action; one batch per task.
  public static func rollOut(
    _ policy: any GaussianPolicy, in environment: any TaskEnvironment, episodesPerTask: Int, seed: Seed,
    progress: StageProgress = .silent
  ) throws -> [[Episode]] {
    var controller = PolicyController(policy: policy, environment: environment)
    let taskCount = environment.taskCount
    return try (0..<taskCount).map { task in
      let requests = Rollout.requests(seed: seed, tasks: [task], episodesPerTask: episodesPerTask, stream: stream)
      let episodes = try environment.rollOut(controller: &controller, requests: requests)
      if let failure = controller.failure { throw failure }
      progress.update("task", step: task + 1, of: taskCount, detail: "\(episodesPerTask) episodes")
      return episodes
    }
  }
}
