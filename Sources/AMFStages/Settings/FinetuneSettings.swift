import AMFCore

/// Forgetting mitigation during fine-tuning (AMF.md §5).
public enum Mitigation: String, ManifestChoice {
  /// Tasks without data act with π₀; the others with one network fine-tuned on all demonstrations (default).
  case isolation
  /// π₀ and one fine-tuned network mixed per task by a learned α(c).
  case adaptivePrior = "adaptive_prior"
  /// One network fine-tuned on all demonstrations acts for every task.
  case disabled = "none"
  /// Each demonstrated task its own network fine-tuned on its demonstrations only; the others π₀ (issue #16,
  /// H5c, a project option). Declared last so the other values keep their order.
  case taskIsolation = "task_isolation"
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
  /// stage keys are unchanged). `isolation` and `none` only (under `task_isolation` each network sees one task).
  public var balance = MinibatchBalance.steps
  /// Steps per collected demonstration (issue #16, H5): when positive, round r trains
  /// `max(steps, steps_per_demonstration × |D_r|)` steps, so every demonstration keeps its share of updates as
  /// the data grow. 0, the default, is encoded nowhere (existing stage keys are unchanged).
  public var stepsPerDemonstration = 0

  enum CodingKeys: String, CodingKey, CaseIterable {
    case steps, mitigation, learningRate = "learning_rate", batchSize = "batch_size"
    case alphaLearningRate = "alpha_lr", alphaPenalty = "alpha_penalty", priorRehearsal = "prior_rehearsal"
    case balance, stepsPerDemonstration = "steps_per_demonstration"
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
    stepsPerDemonstration = try c.decodeIfPresent(Int.self, forKey: .stepsPerDemonstration) ?? stepsPerDemonstration
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
    if stepsPerDemonstration > 0 { try c.encode(stepsPerDemonstration, forKey: .stepsPerDemonstration) }
  }

  /// The training steps of a round that fine-tunes on `demonstrations` collected demonstrations; more than
  /// `ManifestLimits.steps` is refused.
  public func steps(forDemonstrations demonstrations: Int) throws -> Int {
    guard stepsPerDemonstration > 0 else { return steps }
    let (grown, overflow) = stepsPerDemonstration.multipliedReportingOverflow(by: max(0, demonstrations))
    guard !overflow, grown <= ManifestLimits.steps else {
      throw InvalidParameter(
        "steps_per_demonstration",
        reason: "\(stepsPerDemonstration) × \(demonstrations) demonstrations exceeds \(ManifestLimits.steps) steps")
    }
    return max(steps, grown)
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
    try requireAtLeast(0, stepsPerDemonstration, "steps_per_demonstration")
    try requireAtMost(
      ManifestLimits.steps, stepsPerDemonstration, "steps_per_demonstration",
      "times the collected demonstrations it is a round's training steps")
    guard balance == .steps || mitigation == .isolation || mitigation == .disabled else {
      throw InvalidParameter("balance", reason: "'tasks' is implemented for isolation and none; use balance: steps")
    }
  }
}
