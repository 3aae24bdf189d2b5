import AMFCore

/// One arm as the report sees it.
public struct ReportedArm: Codable, Hashable, Sendable {
  /// The arm's name.
  public var name: String
  /// Its seeds.
  public var seeds: [Int]
  /// Its rounds N / B.
  public var rounds: Int
  /// Its budget.
  public var budget: Budget

  enum CodingKeys: String, CodingKey, CaseIterable { case name, seeds, rounds, budget }

  /// Creates an arm; `rounds` defaults to the budget's N / B.
  public init(name: String, seeds: [Int], rounds: Int? = nil, budget: Budget = Budget()) {
    self.name = name
    self.seeds = seeds
    self.rounds = rounds ?? budget.rounds
    self.budget = budget
  }

  /// Decodes strictly: `name` and `seeds` are required; `budget` defaults to N = 20, B = 2 and `rounds`
  /// to its N / B.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let budget = try c.decodeIfPresent(Budget.self, forKey: .budget) ?? Budget()
    self.init(
      name: try c.decode(String.self, forKey: .name), seeds: try c.decode([Int].self, forKey: .seeds),
      rounds: try c.decodeIfPresent(Int.self, forKey: .rounds), budget: budget)
    try decoder.validating(validate)
  }

  /// Checks the name (non-empty, no `/`: it names HDF5 groups and files), seeds and rounds.
  public func validate() throws {
    guard !name.isEmpty, !name.contains("/"), name != "." else {
      throw InvalidParameter("name", reason: "'\(name)' is not a usable arm name (empty, '.', or contains '/')")
    }
    guard !seeds.isEmpty, Set(seeds).count == seeds.count, seeds.allSatisfy({ $0 >= 0 }) else {
      throw InvalidParameter("seeds", reason: "must list distinct seeds ≥ 0, at least one")
    }
    try requireAtMost(ManifestLimits.seeds, seeds.count, "seeds", "seeds per arm")
    guard rounds == budget.rounds else {
      throw InvalidParameter("rounds", reason: "\(rounds) differs from the budget's N / B = \(budget.rounds)")
    }
  }
}
