import AMFCore
import AMFSelection

/// Which variance the importance-weight likelihood ratio uses (AMF.md §2.2).
public enum ImportanceVariance: String, ManifestChoice {
  /// `N(a; μ, ρ² I)` in numerator and denominator (default).
  case noise
  /// The policy's own σ² (or the GP's σ²_D + ρ²).
  case predictive
}

/// The importance-sampling settings the embed stage needs to weight the proxy pool (AMF.md §2.2).
public struct ImportanceSettings: Codable, Hashable, Sendable {
  /// false reproduces "AMF without IS" (AMF.md §6): uniform weights over the pool.
  public var importanceWeights = true
  /// Temperature κ of the summed log-ratio.
  public var temperature = 1.0
  /// Clip L of the log-ratio.
  public var clip = 30.0
  /// The variance in the ratio.
  public var variance = ImportanceVariance.noise
  /// Observation noise variance ρ² of the information gain, and of the ratio's likelihood unless
  /// `isNoiseVariance` is set.
  public var noiseVariance = 0.01
  /// The variance of the ratio's likelihood `N(a; μ, v I)` under `is_variance: noise`, when it should differ
  /// from the gain's ρ² (nil, the default: ρ², as AMF.md §2.2 writes it). Separates the two roles of ρ² for
  /// the saturation investigation (issue #16); encoded only when set, so existing stage keys are unchanged.
  public var isNoiseVariance: Double?
  /// An ESS floor as a fraction of the pool (nil, the default: off): each task's temperature is raised above
  /// `is_temperature` until `ESS(c) ≥ is_target_ess · |pool|` (issue #16, H2). Encoded only when set.
  public var targetESS: Double?

  enum CodingKeys: String, CodingKey, CaseIterable {
    case importanceWeights = "importance_weights", temperature = "is_temperature", clip = "is_clip"
    case variance = "is_variance", noiseVariance = "noise_variance", isNoiseVariance = "is_noise_variance"
    case targetESS = "is_target_ess"
  }

  /// The variance the likelihood ratio uses under `is_variance: noise`.
  public var ratioNoiseVariance: Double { isNoiseVariance ?? noiseVariance }

  /// The defaults.
  public init() {}

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    try self.init(decodingFrom: decoder)
  }

  init(decodingFrom decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    importanceWeights = try c.decodeIfPresent(Bool.self, forKey: .importanceWeights) ?? importanceWeights
    temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? temperature
    clip = try c.decodeIfPresent(Double.self, forKey: .clip) ?? clip
    variance = try c.decodeIfPresent(ImportanceVariance.self, forKey: .variance) ?? variance
    noiseVariance = try c.decodeIfPresent(Double.self, forKey: .noiseVariance) ?? noiseVariance
    isNoiseVariance = try c.decodeIfPresent(Double.self, forKey: .isNoiseVariance)
    targetESS = try c.decodeIfPresent(Double.self, forKey: .targetESS)
    try decoder.validating(validate)
  }

  /// Checks that temperature, clip and noise variance are positive.
  public func validate() throws {
    try requirePositive(temperature, "is_temperature")
    try requirePositive(clip, "is_clip")
    try requirePositive(noiseVariance, "noise_variance")
    if let isNoiseVariance { try requirePositive(isNoiseVariance, "is_noise_variance") }
    if let targetESS, !(targetESS > 0 && targetESS <= 1) {
      throw InvalidParameter("is_target_ess", reason: "\(targetESS) is not a fraction of the pool in (0, 1]")
    }
  }
}

/// The `select:` section: the strategy and its settings (AMF.md §2).
public struct SelectSettings: Codable, Hashable, Sendable {
  /// The selection rule.
  public var strategy = StrategyID.amf
  /// Importance sampling of the proxy pool (shared with the embed stage).
  public var importance = ImportanceSettings()
  /// AMF-NN conditions on every collected demonstration's embeddings (PD, AMF.md §2.1).
  public var conditionOnCollected = true
  /// Adds ρ² to both variances of the information gain (AMF.md §2.1).
  public var targetNoise = false
  /// `amf` skips targets and candidate blocks whose importance weight is below this (PD; 0 = exact): with
  /// the clip L = 30 such weights are at most e^{−20.7} of the largest, and skipping them makes a round
  /// several times faster under importance weights. Without importance weights nothing is skipped.
  public var minWeight = 1e-9
  /// Which proxy demonstration the greedy batch conditions on after a pick (AMF.md §2.4; `likeliest`, the
  /// default, is encoded nowhere, so existing stage keys are unchanged).
  public var batchConditioning = BatchConditioning.likeliest
  /// `amf` scores with the spectral gain, dropping each block's eigen-directions that carry at most this
  /// fraction of information (issue #20; each target's gain drops by at most −½ log(1 − ε) nats, and a pick
  /// that bound cannot certify is re-scored exactly, so the picks stay the Woodbury picks). nil, the
  /// default: the Woodbury gain. Encoded only when set, so existing stage keys are unchanged.
  public var gainRankTolerance: Double?

  enum CodingKeys: String, CodingKey, CaseIterable {
    case strategy, conditionOnCollected = "condition_on_collected", targetNoise = "target_noise"
    case minWeight = "min_weight", batchConditioning = "batch_conditioning"
    case gainRankTolerance = "gain_rank_tolerance"
  }

  /// Every key the section accepts.
  static let allowedKeys = Set(ImportanceSettings.CodingKeys.allCases.map(\.stringValue))

  /// The defaults.
  public init() {}

  /// Decodes strictly (the importance keys sit flat in the section), filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self, allowing: Self.allowedKeys)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    strategy = try c.decodeIfPresent(StrategyID.self, forKey: .strategy) ?? strategy
    importance = try ImportanceSettings(decodingFrom: decoder)
    conditionOnCollected = try c.decodeIfPresent(Bool.self, forKey: .conditionOnCollected) ?? conditionOnCollected
    targetNoise = try c.decodeIfPresent(Bool.self, forKey: .targetNoise) ?? targetNoise
    minWeight = try c.decodeIfPresent(Double.self, forKey: .minWeight) ?? minWeight
    batchConditioning = try c.decodeIfPresent(BatchConditioning.self, forKey: .batchConditioning) ?? batchConditioning
    gainRankTolerance = try c.decodeIfPresent(Double.self, forKey: .gainRankTolerance)
    try decoder.validating {
      guard minWeight >= 0, minWeight < 1 else { throw InvalidParameter("min_weight", reason: "must be in [0, 1)") }
      if let gainRankTolerance, !(gainRankTolerance >= 0 && gainRankTolerance < 1) {
        throw InvalidParameter("gain_rank_tolerance", reason: "\(gainRankTolerance) is not in [0, 1)")
      }
    }
  }

  /// Encodes the section flat, as written in manifests.
  public func encode(to encoder: any Encoder) throws {
    try importance.encode(to: encoder)
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(strategy, forKey: .strategy)
    try c.encode(conditionOnCollected, forKey: .conditionOnCollected)
    try c.encode(targetNoise, forKey: .targetNoise)
    try c.encode(minWeight, forKey: .minWeight)
    if batchConditioning != .likeliest { try c.encode(batchConditioning, forKey: .batchConditioning) }
    try c.encodeIfPresent(gainRankTolerance, forKey: .gainRankTolerance)
  }
}
