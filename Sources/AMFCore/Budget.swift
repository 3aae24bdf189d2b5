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
