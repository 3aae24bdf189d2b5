import AMFCore

extension TaskScenario: Codable {
  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, coveredCount = "k"
  }

  /// The scenario named `name`, with `coveredCount` for `allocation` (required there, rejected elsewhere).
  public init(_ name: Name, coveredCount: Int? = nil) throws(InvalidParameter) {
    switch (name, coveredCount) {
    case (.allocation, nil): throw InvalidParameter(reason: "allocation needs k, e.g. {name: allocation, k: 3}")
    case (.allocation, let k?) where k < 1: throw InvalidParameter("k", reason: "must be ≥ 1, found \(k)")
    case (.allocation, let k?): self = .allocation(coveredCount: k)
    case (_, .some): throw InvalidParameter("k", reason: "only the allocation scenario takes k")
    case (.mismatch, nil): self = .mismatch
    case (.balanced, nil): self = .balanced
    case (.targeted, nil): self = .targeted
    }
  }

  /// Decodes a plain name or a `{name, k}` mapping, strictly; k is required exactly for `allocation`.
  public init(from decoder: any Decoder) throws {
    let name: Name
    var coveredCount: Int?
    if let keyed = try? decoder.container(keyedBy: CodingKeys.self) {
      try decoder.rejectUnknownKeys(CodingKeys.self)
      name = try keyed.decode(Name.self, forKey: .name)
      coveredCount = try keyed.decodeIfPresent(Int.self, forKey: .coveredCount)
    } else {
      name = try decoder.singleValueContainer().decode(Name.self)
    }
    var scenario = TaskScenario.mismatch
    try decoder.validating { scenario = try TaskScenario(name, coveredCount: coveredCount) }
    self = scenario
  }

  /// Encodes a plain name, or `{k, name}` for `allocation`.
  public func encode(to encoder: any Encoder) throws {
    if case .allocation(let k) = self {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(name, forKey: .name)
      try c.encode(k, forKey: .coveredCount)
    } else {
      var c = encoder.singleValueContainer()
      try c.encode(name)
    }
  }
}
