import AMFCore

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
