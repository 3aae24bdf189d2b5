import AMFCore
import AMFPolicy

/// The demonstration budget: N demonstrations in rounds of B (AMF.md §1).
public struct Budget: Codable, Hashable, Sendable {
  /// N, the demonstrations to collect.
  public var demos = 20
  /// B, the demonstrations per round.
  public var batch = 2

  enum CodingKeys: String, CodingKey, CaseIterable { case demos, batch }

  /// Creates a budget.
  public init(demos: Int = 20, batch: Int = 2) {
    self.demos = demos
    self.batch = batch
  }

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    demos = try c.decodeIfPresent(Int.self, forKey: .demos) ?? demos
    batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? batch
    try decoder.validating(validate)
  }

  /// The number of rounds N / B.
  public var rounds: Int { demos / batch }

  /// Checks that N and B are positive and within `ManifestLimits`, and that B divides N.
  public func validate() throws {
    try requireAtLeast(1, batch, "batch")
    try requireAtLeast(1, demos, "demos")
    try requireAtMost(
      ManifestLimits.demos, demos, "demos",
      "demonstrations per seed, a round per B of them; the paper's N is 20")
    try requireAtMost(
      ManifestLimits.batch, batch, "batch",
      "each pick of a round updates the posterior over the proxy pool")
    guard demos % batch == 0 else {
      throw InvalidParameter("demos", reason: "\(demos) is not divisible by batch \(batch); make it a multiple")
    }
  }
}

/// The `embed:` section (AMF.md §2.1–2.3).
public struct EmbedSettings: Codable, Hashable, Sendable {
  /// The embedding.
  public var kind = EmbeddingKind.lossGradient
  /// Rollouts of the current policy per task added to the proxy pool (PD).
  public var rolloutsPerTask = 1
  /// Stride over time steps for target points.
  public var stride = 5
  /// MC-dropout passes K (`dropout` only).
  public var dropoutPasses = 16
  /// Dropout probability (`dropout` only).
  public var dropoutRate = 0.1
  /// AMF-NN also conditions on the pre-training demonstrations (every step, its own task), as AMF-GP always
  /// does; default false (the PD of AMF.md §2.1 conditions on collected demonstrations only). Needs the
  /// `pretraining` input, which the orchestrator then wires to the embed stage.
  public var conditionOnPretraining = false

  enum CodingKeys: String, CodingKey, CaseIterable {
    case kind, rolloutsPerTask = "rollouts_per_task", stride
    case dropoutPasses = "dropout_passes", dropoutRate = "dropout_rate"
    case conditionOnPretraining = "condition_on_pretraining"
  }

  /// The defaults.
  public init() {}

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    kind = try c.decodeIfPresent(EmbeddingKind.self, forKey: .kind) ?? kind
    rolloutsPerTask = try c.decodeIfPresent(Int.self, forKey: .rolloutsPerTask) ?? rolloutsPerTask
    stride = try c.decodeIfPresent(Int.self, forKey: .stride) ?? stride
    dropoutPasses = try c.decodeIfPresent(Int.self, forKey: .dropoutPasses) ?? dropoutPasses
    dropoutRate = try c.decodeIfPresent(Double.self, forKey: .dropoutRate) ?? dropoutRate
    conditionOnPretraining = try c.decodeIfPresent(Bool.self, forKey: .conditionOnPretraining) ?? conditionOnPretraining
    try decoder.validating(validate)
  }

  /// Encodes the fields the chosen embedding uses (dropout settings only for `dropout`;
  /// `condition_on_pretraining` only when true, so existing stage keys are unchanged).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(kind, forKey: .kind)
    try c.encode(rolloutsPerTask, forKey: .rolloutsPerTask)
    try c.encode(stride, forKey: .stride)
    if kind == .dropout {
      try c.encode(dropoutPasses, forKey: .dropoutPasses)
      try c.encode(dropoutRate, forKey: .dropoutRate)
    }
    if conditionOnPretraining { try c.encode(true, forKey: .conditionOnPretraining) }
  }

  /// Checks counts and the dropout rate.
  public func validate() throws {
    try requireAtLeast(1, rolloutsPerTask, "rollouts_per_task")
    try requireAtMost(
      ManifestLimits.rolloutsPerTask, rolloutsPerTask, "rollouts_per_task",
      "the proxy pool grows by this per task, and selection is quadratic in the pool")
    try requireAtLeast(1, stride, "stride")
    try requireAtLeast(2, dropoutPasses, "dropout_passes")
    try requireAtMost(
      ManifestLimits.dropoutPasses, dropoutPasses, "dropout_passes",
      "each pass is a forward pass over every pool point; the default is 16")
    try requireFraction(dropoutRate, "dropout_rate")
  }
}

/// Forgetting mitigation during fine-tuning (AMF.md §5).
public enum Mitigation: String, ManifestChoice {
  case isolation, adaptivePrior = "adaptive_prior", disabled = "none"
}

/// How fine-tuning minibatches are drawn from the collected demonstrations.
public enum MinibatchBalance: String, ManifestChoice {
  /// Every collected step equally likely (AMF.md §5, the default).
  case steps
  /// Every demonstrated task equally represented: a task uniformly, then one of its steps (issue #16, H5).
  case tasks
}

/// The `finetune:` section (AMF.md §5).
public struct FinetuneSettings: Codable, Hashable, Sendable {
  /// Training steps per round, restarting from π₀.
  public var steps = 3000
  /// Forgetting mitigation.
  public var mitigation = Mitigation.isolation
  /// Adam learning rate.
  public var learningRate = 1e-3
  /// Minibatch size.
  public var batchSize = 256
  /// Learning rate of the mixing logits β (`adaptive_prior` only).
  public var alphaLearningRate = 0.05
  /// λ_α, the penalty on mean α² (`adaptive_prior` only).
  public var alphaPenalty = 0.01
  /// Rollouts of π₀ per task without collected data, labelled by π₀ and added to the fine-tuning data
  /// (`adaptive_prior` only; 0 = AMF.md §5 as written). A project option against forgetting: see docs/stages.md.
  public var priorRehearsal = 0
  /// How minibatches weigh the demonstrated tasks (`steps`, the default, is encoded nowhere, so existing
  /// stage keys are unchanged). `isolation` and `none` only.
  public var balance = MinibatchBalance.steps

  enum CodingKeys: String, CodingKey, CaseIterable {
    case steps, mitigation, learningRate = "learning_rate", batchSize = "batch_size"
    case alphaLearningRate = "alpha_lr", alphaPenalty = "alpha_penalty", priorRehearsal = "prior_rehearsal"
    case balance
  }

  /// The defaults.
  public init() {}

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? steps
    mitigation = try c.decodeIfPresent(Mitigation.self, forKey: .mitigation) ?? mitigation
    learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
    batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
    alphaLearningRate = try c.decodeIfPresent(Double.self, forKey: .alphaLearningRate) ?? alphaLearningRate
    alphaPenalty = try c.decodeIfPresent(Double.self, forKey: .alphaPenalty) ?? alphaPenalty
    priorRehearsal = try c.decodeIfPresent(Int.self, forKey: .priorRehearsal) ?? priorRehearsal
    balance = try c.decodeIfPresent(MinibatchBalance.self, forKey: .balance) ?? balance
    try decoder.validating(validate)
  }

  /// Encodes the fields the chosen mitigation uses (α settings only for `adaptive_prior`).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(steps, forKey: .steps)
    try c.encode(mitigation, forKey: .mitigation)
    try c.encode(learningRate, forKey: .learningRate)
    try c.encode(batchSize, forKey: .batchSize)
    if mitigation == .adaptivePrior {
      try c.encode(alphaLearningRate, forKey: .alphaLearningRate)
      try c.encode(alphaPenalty, forKey: .alphaPenalty)
      try c.encode(priorRehearsal, forKey: .priorRehearsal)
    }
    if balance != .steps { try c.encode(balance, forKey: .balance) }
  }

  /// Checks steps, rates and sizes.
  public func validate() throws {
    try requireAtLeast(1, steps, "steps")
    try requireAtMost(ManifestLimits.steps, steps, "steps", "training steps of every round; the default is 3000")
    try requirePositive(learningRate, "learning_rate")
    try requireAtLeast(1, batchSize, "batch_size")
    try requireAtMost(
      ManifestLimits.batchSize, batchSize, "batch_size",
      "a minibatch is held in memory; the default is 256")
    try requirePositive(alphaLearningRate, "alpha_lr")
    guard alphaPenalty >= 0 else { throw InvalidParameter("alpha_penalty", reason: "must be ≥ 0") }
    try requireAtLeast(0, priorRehearsal, "prior_rehearsal")
    try requireAtMost(
      ManifestLimits.rolloutsPerTask, priorRehearsal, "prior_rehearsal",
      "rollouts of π₀ per task in every round")
    guard balance == .steps || mitigation != .adaptivePrior else {
      throw InvalidParameter("balance", reason: "'tasks' is implemented for isolation and none; use balance: steps")
    }
  }
}

/// The `evaluate:` section (AMF.md §7).
public struct EvaluateSettings: Codable, Hashable, Sendable {
  /// Fixed start states per task.
  public var episodes = 20

  enum CodingKeys: String, CodingKey, CaseIterable { case episodes }

  /// The defaults.
  public init() {}

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    episodes = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .episodes) ?? 20
    try decoder.validating {
      try requireAtLeast(1, episodes, "episodes")
      try requireAtMost(
        ManifestLimits.episodes, episodes, "episodes",
        "rollouts per task in every evaluation; the default is 20")
    }
  }
}

/// The `report:` section (AMF.md §7).
public struct ReportSettings: Codable, Hashable, Sendable {
  /// Percentile-bootstrap resamples.
  public var bootstrapResamples = 10_000
  /// Confidence level of the intervals.
  public var confidence = 0.9

  enum CodingKeys: String, CodingKey, CaseIterable {
    case bootstrapResamples = "bootstrap_resamples", confidence
  }

  /// The defaults.
  public init() {}

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    bootstrapResamples = try c.decodeIfPresent(Int.self, forKey: .bootstrapResamples) ?? bootstrapResamples
    confidence = try c.decodeIfPresent(Double.self, forKey: .confidence) ?? confidence
    try decoder.validating {
      try requireAtLeast(1, bootstrapResamples, "bootstrap_resamples")
      try requireAtMost(
        ManifestLimits.bootstrapResamples, bootstrapResamples, "bootstrap_resamples",
        "resamples per interval; the default is 10000")
      try requireFraction(confidence, "confidence")
    }
  }
}
