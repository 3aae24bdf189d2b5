import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPolicy

/// `amf-finetune`: ask the expert for the round's selected tasks, append the demonstrations to D_r, and
/// fine-tune from π₀ on all of D_{r+1} (AMF.md §1, §5).
///
/// Inputs: `prior` (π₀, a plain MLP or a GP), `selection` (the round's picks), `demonstrations` (D_r; absent
/// in round 1, which starts from the empty set), and optionally `demonstrations_from` (`--demonstrations-from
/// FILE` or a manifest's `expert.demonstrations`: recorded demonstrations used instead of the simulated
/// expert, see `RecordedExpert`). Outputs `demonstrations` (D_{r+1}: D_r unchanged, then the new demos with
/// source and mask `round_<r>`) and `policy`.
///
/// Random streams, all from the run seed (common random numbers across arms, AMF.md §6):
/// * request n of task c, n = the task's `round_*` demos in D_r plus its earlier picks this round, rolls
///   the expert out from `seed.derived("expert/task-c/request-n")` (start state and expert noise), so every
///   arm that asks for task c the n-th time gets the same demonstration;
/// * MLP fine-tuning batches from `seed.derived("finetune/round-r/policy")` (the weights start from π₀'s);
///   under `task_isolation`, task c's network draws from that stream's `derived("task-c")`.
/// Fine-tuning uses only demonstrations whose source is `round_*` (never pre-training data) and restarts
/// from π₀ every round; a GP π₀ is conditioned on them instead of trained.
public enum FinetuneStage: Stage {
  public typealias Params = FinetuneParams
  public static let kind = StageKind.finetune
  /// The input role of `--demonstrations-from FILE`.
  public static let recordedRole = "demonstrations_from"
  /// Steps between two progress lines of MLP fine-tuning.
  public static let progressInterval = 1000

  public static var defaultParams: FinetuneParams { FinetuneParams() }

  public static var parameterVariants: [(condition: String, params: FinetuneParams)] {
    var adaptive = FinetuneParams()
    adaptive.finetune.mitigation = .adaptivePrior
    return [("finetune.mitigation=adaptive_prior", adaptive)]
  }

  public static func run(_ inputs: StageInputs, params: FinetuneParams, context: StageContext) throws
    -> [StageOutput]
  {
    let setup = try PretrainSetup(env: params.env, scenario: params.scenario, demosPerTask: 1)
    let prior = try readPrior(inputs, params: params, setup: setup)
    let selected = try readSelection(inputs, params: params, setup: setup)
    let collected = try readDemonstrations(inputs, role: "demonstrations", setup: setup)
    try checkEarlierRounds(collected, round: params.round, file: inputs.path("demonstrations"))
    let picks: [DemonstrationSet.Demonstration]
    if let recorded = try readDemonstrations(inputs, role: recordedRole, setup: setup) {
      picks = try recordedDemonstrations(
        for: selected, collected: collected, recorded: recorded, file: inputs.path(recordedRole), setup: setup,
        round: params.round)
    } else {
      picks = try expertDemonstrations(
        for: selected, collected: collected, setup: setup, round: params.round, seed: context.seed)
    }
    let next = try appending(picks, to: collected, setup: setup, round: params.round)
    context.progress.log(
      "round \(params.round): \(picks.count) new demonstrations of tasks \(selected) "
        + "(\(picks.filter(\.isSuccess).count) successful); D_\(params.round + 1) has \(next.demonstrations.count)")
    let policy = try fineTune(
      prior, on: next, params: params, priorHash: inputs.hashes["prior"] ?? "", environment: setup.environment,
      seed: context.seed, progress: context.progress)
    return [
      StageOutput(role: "demonstrations", kind: .demonstrations, content: try next.contentGroup()),
      StageOutput(role: "policy", kind: .policy, content: try policy.artifactContent()),
    ]
  }

  /// The request number n of each pick: task c's `round_*` demos already collected plus its earlier picks.
  ///
  /// Shapes: `selected` (B), `collected` (|C|) → B. Example: counts [0, 2], picks [1, 0, 1] → [2, 0, 3].
  public static func requestIndices(_ selected: [Int], collected counts: [Int]) -> [Int] {
    var next = counts
    return selected.map { task in
      defer { next[task] += 1 }
      return next[task]
    }
  }

  /// The expert's demonstrations of `selected` (in pick order), pick p rolled out from
  /// `seed.derived("expert/task-c/request-n")` with n from `requestIndices`; source `round_<round>`.
  public static func expertDemonstrations(
    for selected: [Int], collected: DemonstrationSet?, setup: PretrainSetup, round: Int, seed: Seed
  ) throws -> [DemonstrationSet.Demonstration] {
    let environment = setup.environment
    let counts = InputChecks.collectedCounts(collected, taskCount: environment.taskCount)
    let requests = zip(selected, requestIndices(selected, collected: counts)).map { task, request in
      EpisodeRequest(task: task, seed: seed.derived("expert/task-\(task)/request-\(request)"))
    }
    return try environment.expertEpisodes(requests: requests).map { episode in
      DemonstrationSet.Demonstration(
        task: episode.task, taskFeatures: environment.taskFeatures(of: episode.task),
        source: DemonstrationSource.round(round).description, isSuccess: episode.isSuccess,
        expertNoiseStd: setup.plan.expertNoiseStd[episode.task], observations: episode.observations.map { Float($0) },
        actions: episode.actions.map { Float($0) }, rewards: episode.rewards.map { Float($0) }, dones: episode.dones)
    }
  }

  /// The recorded demonstrations of `selected`: request n of task c is the n-th demo of task c in
  /// `recorded` (file order), relabelled with source `round_<round>` and the environment's f(c).
  ///
  /// Edge cases: throws `ArtifactError.invalidValue` naming `file` and the task when it has too few demos.
  public static func recordedDemonstrations(
    for selected: [Int], collected: DemonstrationSet?, recorded: DemonstrationSet, file: String,
    setup: PretrainSetup, round: Int
  ) throws -> [DemonstrationSet.Demonstration] {
    let environment = setup.environment
    let counts = InputChecks.collectedCounts(collected, taskCount: environment.taskCount)
    let byTask = Dictionary(grouping: recorded.demonstrations, by: \.task)
    return try zip(selected, requestIndices(selected, collected: counts)).map { task, request in
      let available = byTask[task] ?? []
      guard request < available.count else {
        throw ArtifactError.invalidValue(
          file: file, object: "/data (demos of task \(task))",
          reason: "has \(available.count) demonstrations of task \(task) but round \(round) needs demonstration "
            + "#\(request + 1) of it (\(counts[task]) already collected); record more demonstrations of task \(task) "
            + "into the file, or run without --demonstrations-from (a manifest's expert.demonstrations) to ask the "
            + "simulated expert")
      }
      var demo = available[request]
      demo.source = DemonstrationSource.round(round).description
      demo.taskFeatures = environment.taskFeatures(of: task)
      return demo
    }
  }

  /// D_{r+1}: `collected` (or nothing), then `picks`, whose indices are added to the mask `round_<round>`.
  public static func appending(
    _ picks: [DemonstrationSet.Demonstration], to collected: DemonstrationSet?, setup: PretrainSetup, round: Int
  ) throws -> DemonstrationSet {
    let environment = setup.environment
    let earlier = collected?.demonstrations ?? []
    var masks = collected?.masks ?? [:]
    masks[DemonstrationSource.round(round).description, default: []] += earlier.count..<(earlier.count + picks.count)
    return try DemonstrationSet(
      environmentName: setup.id.rawValue, environmentArgumentsJSON: try setup.environmentArgumentsJSON(),
      observationDimension: environment.observationDimension, actionDimension: environment.actionDimension,
      demonstrations: earlier + picks, masks: masks)
  }
}
