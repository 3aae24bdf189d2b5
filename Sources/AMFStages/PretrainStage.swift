import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFNumerics
import AMFPolicy

/// `amf-pretrain`: collect the scenario's pre-training demonstrations from the expert and train π₀ on them
/// (AMF.md §4, §5).
///
/// Outputs `demonstrations` (source `pretrain`, split `/mask/pretrain`) and `policy` (MLP or GP). Random
/// streams, all from the run seed: demo i of task c rolls out from `seed.derived("pretrain/task-c/demo-i")`
/// (its start state and the expert's noise, see `EpisodeRequest`); the MLP's initial weights and batches
/// from `seed.derived("pretrain/policy")`. Demonstrations are pure Swift and bit-identical on every
/// machine; MLP weights are bit-identical for one machine and OpenBLAS build (one thread).
public enum PretrainStage: Stage {
  public typealias Params = PretrainParams
  public static let kind = StageKind.pretrain
  /// The `source` attribute of every demonstration this stage writes.
  public static let source = DemonstrationSource.pretrain.description
  /// Steps between two progress lines of MLP training.
  public static let progressInterval = 1000

  public static var defaultParams: PretrainParams { PretrainParams() }

  public static var parameterVariants: [(condition: String, params: PretrainParams)] {
    var gp = PretrainParams()
    gp.pretrain.policy = .gp
    gp.pretrain.demosPerTask = 1
    return [
      ("pretrain.policy=gp", gp),
      ("env.name=kitchen", PretrainParams(env: EnvironmentSettings(name: .kitchen))),
    ]
  }

  public static func run(_ inputs: StageInputs, params: PretrainParams, context: StageContext) throws
    -> [StageOutput]
  {
    let setup = try PretrainSetup(params)
    let demonstrations = try collectDemonstrations(setup, seed: context.seed, progress: context.progress)
    let policy = try trainPolicy(
      on: demonstrations, setup: setup, settings: params.pretrain, seed: context.seed, progress: context.progress)
    return [
      StageOutput(role: "demonstrations", kind: .demonstrations, content: try demonstrations.contentGroup()),
      StageOutput(role: "policy", kind: .policy, content: try policy.artifactContent()),
    ]
  }

  /// The scenario's pre-training demonstrations: `plan.pretrainDemos[c]` expert episodes of each task c,
  /// task-major, each with its own stream `seed.derived("pretrain/task-c/demo-i")`.
  public static func collectDemonstrations(_ setup: PretrainSetup, seed: Seed, progress: StageProgress = .silent)
    throws -> DemonstrationSet
  {
    let plan = setup.plan
    let requests = plan.pretrainDemos.indices.flatMap { task in
      (0..<plan.pretrainDemos[task]).map { demo in
        EpisodeRequest(task: task, seed: seed.derived("pretrain/task-\(task)/demo-\(demo)"))
      }
    }
    let environment = setup.environment
    let episodes = try environment.expertEpisodes(requests: requests)
    let demos = episodes.map { episode in
      DemonstrationSet.Demonstration(
        task: episode.task, taskFeatures: environment.taskFeatures(of: episode.task), source: source,
        isSuccess: episode.isSuccess, expertNoiseStd: plan.expertNoiseStd[episode.task],
        observations: episode.observations.map { Float($0) }, actions: episode.actions.map { Float($0) },
        rewards: episode.rewards.map { Float($0) }, dones: episode.dones)
    }
    let successes = demos.filter(\.isSuccess).count
    progress.log("collected \(demos.count) expert demonstrations of \(plan.coveredTasks.count) tasks "
      + "(\(successes) successful)")
    return try DemonstrationSet(
      environmentName: setup.id.rawValue, environmentArgumentsJSON: try setup.environmentArgumentsJSON(),
      observationDimension: environment.observationDimension, actionDimension: environment.actionDimension,
      demonstrations: demos, masks: [source: Array(demos.indices)])
  }

  /// π₀ trained on `demonstrations` (as stored: float32): an MLP by behaviour cloning, or the GP
  /// conditioned on every step.
  public static func trainPolicy(
    on demonstrations: DemonstrationSet, setup: PretrainSetup, settings: PretrainSettings, seed: Seed,
    progress: StageProgress = .silent
  ) throws -> PretrainedPolicy {
    let rows = try TrainingRows(demonstrations)
    switch settings.policy {
    case .mlp:
      return .mlp(try trainMLP(rows, setup: setup, settings: settings, seed: seed, progress: progress))
    case .gp:
      let gp = settings.gp
      let standardization = setup.id.inputStandardization
      let policy = try GPPolicy(
        observationDimension: rows.observationDimension, taskFeatureDimension: rows.taskFeatureDimension,
        actionDimension: rows.actionDimension, inputMean: standardization.mean, inputScale: standardization.scale,
        lengthscale: gp.lengthscale, signalVariance: gp.signalVariance, noiseVariance: gp.noiseVariance,
        inputs: try rows.gpInputs(), targets: try rows.actions.converted())
      progress.log("conditioned the GP on \(rows.count) steps (jitter \(policy.jitter))")
      return .gp(policy)
    }
  }

  private static func trainMLP(
    _ rows: TrainingRows, setup: PretrainSetup, settings: PretrainSettings, seed: Seed, progress: StageProgress
  ) throws -> MLPPolicy<Float> {
    let architecture = MLPArchitecture(
      observationDimension: rows.observationDimension, taskFeatureDimension: rows.taskFeatureDimension,
      actionDimension: rows.actionDimension, hiddenWidths: settings.hidden,
      activation: settings.activation)
    let stream = seed.derived("pretrain/policy")
    let initial = MLPPolicy<Float>(architecture: architecture, fittingNormalizerTo: rows.observations, seed: stream)
    let data = try BehaviorCloningData(
      observations: rows.observations, taskFeatures: rows.taskFeatures, actions: rows.actions)
    var trainer = try BehaviorCloningTrainer(
      initial: initial, data: data,
      settings: BehaviorCloningSettings(batchSize: settings.batchSize, learningRate: settings.learningRate),
      seed: stream)
    while trainer.stepCount < settings.steps {
      try trainer.train(steps: min(progressInterval, settings.steps - trainer.stepCount))
      let loss = trainer.losses.last.map { String(format: "%.4f", $0) } ?? "–"
      progress.update("step", step: trainer.stepCount, of: settings.steps, detail: "loss \(loss)")
    }
    return trainer.policy
  }
}

/// A pre-trained policy of either family.
public enum PretrainedPolicy: Sendable {
  case mlp(MLPPolicy<Float>)
  case gp(GPPolicy)

  /// Its family.
  public var family: PolicyKind {
    if case .gp = self { return .gp }
    return .mlp
  }

  /// The policy as a `GaussianPolicy` (for rollouts).
  public var gaussian: any GaussianPolicy {
    switch self {
    case .mlp(let policy): policy
    case .gp(let policy): policy
    }
  }

  /// The content of its `policy` artifact.
  public func artifactContent() throws -> ArtifactGroup {
    switch self {
    case .mlp(let policy): try policy.artifactContent()
    case .gp(let policy): try policy.artifactContent()
    }
  }

  /// Reads a plain MLP or a GP policy from `policy` artifact content, by its `family` attribute.
  public init(artifactContent content: ArtifactGroup, file: String = "") throws {
    let family = try? content.attribute("family").scalarString(object: "attribute family")
    if family.flatMap(PolicyKind.init(rawValue:)) == .gp {
      self = .gp(try GPPolicy(artifactContent: content, file: file))
    } else {
      self = .mlp(try MLPPolicy<Float>(artifactContent: content, file: file))
    }
  }
}
