import AMFCore
import AMFEnvironments

/// What the select stage of one round computes from.
///
/// Decoding is strict; absent keys take their defaults (`batch: 2`, round 1, 12 tasks, `scenario: targeted`).
public struct SelectParams: Codable, Hashable, Sendable {
  /// The selection settings.
  public var select: SelectSettings
  /// B, the picks per round.
  public var batch: Int
  /// The round r ≥ 1.
  public var round: Int
  /// |C|, the candidate tasks.
  public var taskCount: Int
  /// The scenario (targets μ).
  public var scenario: TaskScenario
  /// μ given explicitly (bring-your-own embeddings, docs/BYO-EMBEDDINGS.md), overriding the scenario's; nil
  /// (the default) is left out of the canonical params, so existing keys do not change. Shapes: (task_count).
  public var targetWeights: [Double]?

  enum CodingKeys: String, CodingKey, CaseIterable {
    case select, batch, round, taskCount = "task_count", scenario, targetWeights = "target_weights"
  }

  /// Creates params.
  public init(
    select: SelectSettings = SelectSettings(), batch: Int = 2, round: Int = 1, taskCount: Int = 12,
    scenario: TaskScenario = TaskScenario.targeted
  ) {
    self.select = select
    self.batch = batch
    self.round = round
    self.taskCount = taskCount
    self.scenario = scenario
  }

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init()
    select = try c.decodeIfPresent(SelectSettings.self, forKey: .select) ?? select
    batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? batch
    round = try c.decodeIfPresent(Int.self, forKey: .round) ?? round
    taskCount = try c.decodeIfPresent(Int.self, forKey: .taskCount) ?? taskCount
    scenario = try c.decodeIfPresent(TaskScenario.self, forKey: .scenario) ?? scenario
    targetWeights = try c.decodeIfPresent([Double].self, forKey: .targetWeights)
    try decoder.validating {
      try requireAtLeast(1, batch, "batch")
      try requireAtMost(
        ManifestLimits.batch, batch, "batch",
        "each pick updates the posterior over the whole proxy pool")
      try requireRound(round, minimum: 1)
      try requireAtLeast(1, taskCount, "task_count")
      try requireAtMost(ManifestLimits.tasks, taskCount, "task_count", "kernels and weights are tasks × pool")
      if let mu = targetWeights {
        guard mu.count == taskCount, mu.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(mu.reduce(0, +) - 1) < 1e-6 else {
          throw InvalidParameter(
            "target_weights", reason: "must be task_count = \(taskCount) weights ≥ 0 summing to 1, found \(mu)")
        }
      }
    }
  }
}
