import AMFCore
import AMFEnvironments

/// What the embed stage of one round computes from.
///
/// Decoding is strict; absent sections take their defaults (`env: {name: integrator2d}`, `scenario:
/// targeted`, round 1).
public struct EmbedParams: Codable, Hashable, Sendable {
  /// The environment (rollouts of the current policy).
  public var env: EnvironmentSettings
  /// The scenario (targets).
  public var scenario: TaskScenario
  /// Embedding settings.
  public var embed: EmbedSettings
  /// Importance sampling of the proxy pool (from `select:`).
  public var importance: ImportanceSettings
  /// The round r ≥ 1.
  public var round: Int

  enum CodingKeys: String, CodingKey, CaseIterable { case env, scenario, embed, importance, round }

  /// Creates params.
  public init(
    env: EnvironmentSettings = EnvironmentSettings(name: .integrator2d), scenario: TaskScenario = TaskScenario.targeted,
    embed: EmbedSettings = EmbedSettings(), importance: ImportanceSettings = ImportanceSettings(), round: Int = 1
  ) {
    self.env = env
    self.scenario = scenario
    self.embed = embed
    self.importance = importance
    self.round = round
  }

  /// Decodes strictly, filling defaults, and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init()
    env = try c.decodeIfPresent(EnvironmentSettings.self, forKey: .env) ?? env
    scenario = try c.decodeIfPresent(TaskScenario.self, forKey: .scenario) ?? scenario
    embed = try c.decodeIfPresent(EmbedSettings.self, forKey: .embed) ?? embed
    importance = try c.decodeIfPresent(ImportanceSettings.self, forKey: .importance) ?? importance
    round = try c.decodeIfPresent(Int.self, forKey: .round) ?? round
    try decoder.validating {
      try requireRound(round, minimum: 1)
      do {
        try scenario.validate(for: env)
      } catch let error as InvalidParameter {
        throw InvalidParameter(["scenario"] + error.field, reason: error.reason)
      }
    }
  }
}
