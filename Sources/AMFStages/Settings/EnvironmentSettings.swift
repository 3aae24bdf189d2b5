import Foundation
import AMFCore
import AMFEnvironments

/// The `env:` section: which environment, and per-task expert noise overrides.
public struct EnvironmentSettings: Codable, Hashable, Sendable {
  /// The environment.
  public var name: EnvironmentID
  /// Task index → expert noise std, overriding the environment's default for that task (AMF.md §3).
  public var expertNoise: [Int: Double]
  /// Number of goals on the circle; integrator2d only (default 12), nil otherwise.
  public var goals: Int?

  /// The default goal count of integrator2d.
  public static let defaultGoals = Integrator2D.defaultGoalCount

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, expertNoise = "expert_noise", goals
  }

  /// Creates settings; `goals` defaults to 12 for integrator2d.
  public init(name: EnvironmentID, expertNoise: [Int: Double] = [:], goals: Int? = nil) {
    self.name = name
    self.expertNoise = expertNoise
    self.goals = name == .integrator2d ? goals ?? Self.defaultGoals : goals
  }

  /// Decodes strictly and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let noise = try c.decodeIfPresent([String: Double].self, forKey: .expertNoise) ?? [:]
    var expertNoise: [Int: Double] = [:]
    for (task, std) in noise {
      guard let index = Int(task) else {
        try decoder.validating { throw InvalidParameter("expert_noise", reason: "key '\(task)' is not a task index") }
        continue
      }
      expertNoise[index] = std
    }
    self.init(
      name: try c.decode(EnvironmentID.self, forKey: .name), expertNoise: expertNoise,
      goals: try c.decodeIfPresent(Int.self, forKey: .goals))
    try decoder.validating(validate)
  }

  /// The number of tasks |C|, as the environment defines it (the goals of integrator2d).
  public var taskCount: Int { name.taskCount(goals: goals) }

  /// Checks goal count and noise overrides; throws `InvalidParameter` naming the field.
  public func validate() throws {
    if let goals {
      guard name == .integrator2d else { throw InvalidParameter("goals", reason: "only integrator2d has goals") }
      guard goals >= 2 else { throw InvalidParameter("goals", reason: "must be at least 2, found \(goals)") }
      try requireAtMost(ManifestLimits.tasks, goals, "goals", "every goal is a task, and selection is tasks × pool")
    }
    for (task, std) in expertNoise.sorted(by: { $0.key < $1.key }) {
      guard (0..<taskCount).contains(task) else {
        throw InvalidParameter(
          "expert_noise", reason: "task \(task) does not exist; \(name.rawValue) has tasks 0…\(taskCount - 1)")
      }
      guard std >= 0, std.isFinite else {
        throw InvalidParameter("expert_noise", reason: "std of task \(task) must be ≥ 0, found \(std)")
      }
    }
  }
}

extension TaskScenario {
  /// Checks the scenario fits the environment: allocation needs k ≤ the task count; targeted needs its
  /// targets and distractors (`TaskScenario.targets(taskCount:)`).
  public func validate(for env: EnvironmentSettings) throws {
    switch self {
    case .allocation(let k):
      if k > env.taskCount {
        throw InvalidParameter("k", reason: "must be ≤ the task count \(env.taskCount) of \(env.name.rawValue), found \(k)")
      }
    case .targeted where (try? targets(taskCount: env.taskCount)) == nil:
      throw InvalidParameter(
        reason: "targeted needs at least \(Self.targetedMinimumTaskCount) tasks; \(env.name.rawValue) has "
          + "\(env.taskCount)")
    case .mismatch, .balanced, .targeted: break
    }
  }
}

/// The run seeds: `0..9` (inclusive), a list `[0, 3, 7]`, or one seed `4`.
public struct SeedList: Codable, Hashable, Sendable {
  /// The seeds, in the order written.
  public var values: [Int]

  /// The default seeds 0…9 (AMF.md §6).
  public static let standard = SeedList(Array(0...9))

  /// Creates a seed list.
  public init(_ values: [Int]) { self.values = values }

  /// Decodes an inclusive range `"a..b"`, a list of integers or one integer.
  public init(from decoder: any Decoder) throws {
    if (try? decoder.unkeyedContainer()) != nil {
      self.init(try [Int](from: decoder))
    } else {
      let single = try decoder.singleValueContainer()
      if let seed = try? single.decode(Int.self) {
        self.init([seed])
      } else {
        self.init(try Self.parseRange(try single.decode(String.self), decoder: decoder))
      }
    }
    try decoder.validating(validate)
  }

  /// The seeds of `"low..high"`, checked against `ManifestLimits` before the list is made.
  private static func parseRange(_ text: String, decoder: any Decoder) throws -> [Int] {
    let bounds = text.components(separatedBy: "..")
    guard bounds.count == 2, let low = Int(bounds[0].trimmed), let high = Int(bounds[1].trimmed) else {
      try decoder.validating { throw InvalidParameter(reason: "'\(text)' is not a seed range; write e.g. 0..9") }
      return []
    }
    try decoder.validating {
      guard low >= 0 else { throw InvalidParameter(reason: "seeds must be ≥ 0, found \(low)") }
      guard low <= high else { throw InvalidParameter(reason: "range \(text) is empty; write low..high") }
      // Both are ≥ 0, so the difference cannot overflow.
      try checkCount(high - low + 1, written: "range \(text)")
      try checkLargest(high)
    }
    return Array(low...high)
  }

  private static func checkCount(_ count: Int, written: String) throws {
    guard count <= ManifestLimits.seeds else {
      throw InvalidParameter(
        reason: "\(written) has \(count) seeds, over the limit of \(ManifestLimits.seeds) per arm (each seed "
          + "replicates the whole arm; the studies use 10); see docs/stages.md, \"Limits\"")
    }
  }

  private static func checkLargest(_ seed: Int) throws {
    guard seed <= ManifestLimits.maxSeed else {
      throw InvalidParameter(
        reason: "seed \(seed) is over the limit of 2^53 = \(ManifestLimits.maxSeed) (the lock stores seeds as "
          + "JSON numbers, exact only up to 2^53)")
    }
  }

  /// Encodes the list of seeds.
  public func encode(to encoder: any Encoder) throws { try values.encode(to: encoder) }

  /// Checks that there is at least one seed, at most `ManifestLimits.seeds`, none negative, none over
  /// 2^53, none repeated.
  public func validate() throws {
    guard !values.isEmpty else { throw InvalidParameter(reason: "give at least one seed") }
    try Self.checkCount(values.count, written: "the list")
    if let negative = values.first(where: { $0 < 0 }) {
      throw InvalidParameter(reason: "seeds must be ≥ 0, found \(negative)")
    }
    if let largest = values.max() { try Self.checkLargest(largest) }
    guard Set(values).count == values.count else { throw InvalidParameter(reason: "a seed is listed twice") }
  }
}

extension String {
  fileprivate var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
