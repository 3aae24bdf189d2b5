import AMFCore
import AMFEnvironments
import AMFPolicy

/// The GP policy's kernel hyperparameters (AMF.md §2.1).
public struct GPSettings: Codable, Hashable, Sendable {
  /// RBF lengthscale ℓ on standardized inputs.
  public var lengthscale = 0.5
  /// Signal variance σ_f².
  public var signalVariance = 1.0
  /// Observation noise variance ρ².
  public var noiseVariance = 0.01

  enum CodingKeys: String, CodingKey, CaseIterable {
    case lengthscale, signalVariance = "signal_variance", noiseVariance = "noise_variance"
  }

  /// The defaults.
  public init() {}

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    lengthscale = try c.decodeIfPresent(Double.self, forKey: .lengthscale) ?? lengthscale
    signalVariance = try c.decodeIfPresent(Double.self, forKey: .signalVariance) ?? signalVariance
    noiseVariance = try c.decodeIfPresent(Double.self, forKey: .noiseVariance) ?? noiseVariance
    try decoder.validating(validate)
  }

  /// Checks that every hyperparameter is positive.
  public func validate() throws {
    try requirePositive(lengthscale, "lengthscale")
    try requirePositive(signalVariance, "signal_variance")
    try requirePositive(noiseVariance, "noise_variance")
  }
}

/// The `pretrain:` section: the policy and how π₀ is trained (AMF.md §4, §5).
///
/// Encodes only what the chosen policy uses (MLP: training settings; GP: `gp`), so a GP setting never changes
/// an MLP arm's stage keys.
public struct PretrainSettings: Codable, Hashable, Sendable {
  /// The policy family.
  public var policy = PolicyKind.mlp
  /// Pre-training demonstrations per covered task: 10 for MLP, 1 for GP when absent.
  public var demosPerTask = 10
  /// Behavioural-cloning steps (MLP).
  public var steps = 20_000
  /// Hidden-layer widths (MLP): the environment's `defaultHiddenWidths` (64 × 64; 256 × 256 on kitchen and
  /// Meta-World).
  public var hidden = [64, 64]
  /// Hidden-layer nonlinearity (MLP).
  public var activation = MLPActivation.tanh
  /// Adam learning rate (MLP).
  public var learningRate = 1e-3
  /// Minibatch size (MLP).
  public var batchSize = 256
  /// Kernel hyperparameters (GP).
  public var gp = GPSettings()

  enum CodingKeys: String, CodingKey, CaseIterable {
    case policy, demosPerTask = "demos_per_task", steps, hidden, activation
    case learningRate = "learning_rate", batchSize = "batch_size", gp
  }

  /// The defaults for `environment` (nil: not environment-specific).
  public init(environment: EnvironmentID? = nil) {
    if let environment { hidden = environment.defaultHiddenWidths }
  }

  /// Decodes strictly with environment-independent defaults.
  public init(from decoder: any Decoder) throws { try self.init(from: decoder, environment: nil) }

  /// Decodes strictly; absent fields take the defaults for `environment` and the chosen policy.
  public init(from decoder: any Decoder, environment: EnvironmentID?) throws {
    self.init(environment: environment)
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    policy = try c.decodeIfPresent(PolicyKind.self, forKey: .policy) ?? policy
    demosPerTask = try c.decodeIfPresent(Int.self, forKey: .demosPerTask) ?? (policy == .gp ? 1 : 10)
    steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? steps
    hidden = try c.decodeIfPresent([Int].self, forKey: .hidden) ?? hidden
    activation = try c.decodeIfPresent(MLPActivation.self, forKey: .activation) ?? activation
    learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
    batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
    gp = try c.decodeIfPresent(GPSettings.self, forKey: .gp) ?? gp
    try decoder.validating(validate)
  }

  /// Encodes the fields the chosen policy uses.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(policy, forKey: .policy)
    try c.encode(demosPerTask, forKey: .demosPerTask)
    switch policy {
    case .gp: try c.encode(gp, forKey: .gp)
    case .mlp:
      try c.encode(steps, forKey: .steps)
      try c.encode(hidden, forKey: .hidden)
      try c.encode(activation, forKey: .activation)
      try c.encode(learningRate, forKey: .learningRate)
      try c.encode(batchSize, forKey: .batchSize)
    }
  }

  /// Checks counts and sizes.
  public func validate() throws {
    try requireAtLeast(1, demosPerTask, "demos_per_task")
    try requireAtMost(
      ManifestLimits.demosPerTask, demosPerTask, "demos_per_task",
      "expert rollouts per covered task; the default is 10")
    try requireAtLeast(1, steps, "steps")
    try requireAtMost(ManifestLimits.steps, steps, "steps", "behavioural-cloning steps; the default is 20000")
    guard !hidden.isEmpty, hidden.allSatisfy({ $0 >= 1 }) else {
      throw InvalidParameter("hidden", reason: "give one or more layer widths ≥ 1, e.g. [64, 64]")
    }
    guard hidden.count <= ManifestLimits.hiddenLayers, hidden.allSatisfy({ $0 <= ManifestLimits.hiddenWidth }) else {
      throw InvalidParameter(
        "hidden", reason: "\(hidden) is over the limit of \(ManifestLimits.hiddenLayers) layers of at most "
          + "\(ManifestLimits.hiddenWidth) units (the weights and their Adam moments are held in memory; kitchen "
          + "uses [256, 256]); see docs/stages.md, \"Limits\"")
    }
    try requirePositive(learningRate, "learning_rate")
    try requireAtLeast(1, batchSize, "batch_size")
    try requireAtMost(
      ManifestLimits.batchSize, batchSize, "batch_size",
      "a minibatch is held in memory; the default is 256")
  }
}
