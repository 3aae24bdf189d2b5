import AMFCore

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
