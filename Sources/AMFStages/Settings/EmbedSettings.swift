import AMFCore
import AMFPolicy

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
