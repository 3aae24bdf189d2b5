import AMFCore
import AMFEnvironments

/// What the evaluate stage computes from.
///
/// Decoding is strict; absent keys take the defaults `env: {name: integrator2d}`, `scenario: mismatch`,
/// the `evaluate` defaults and `round: 0`.
public struct EvaluateParams: Codable, Hashable, Sendable {
  /// The environment.
  public var env: EnvironmentSettings
  /// The scenario (target distribution μ).
  public var scenario: TaskScenario
  /// Evaluation settings.
  public var evaluate: EvaluateSettings
  /// The round r ≥ 0 (0 evaluates π₀).
  public var round: Int

  enum CodingKeys: String, CodingKey, CaseIterable { case env, scenario, evaluate, round }

  /// Creates params.
  public init(
    env: EnvironmentSettings = EnvironmentSettings(name: .integrator2d), scenario: TaskScenario = TaskScenario.mismatch,
    evaluate: EvaluateSettings = EvaluateSettings(), round: Int = 0
  ) {
    self.env = env
    self.scenario = scenario
    self.evaluate = evaluate
    self.round = round
  }

  /// Decodes strictly, filling defaults, and checks the round and that the scenario fits the environment.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      env: try c.decodeIfPresent(EnvironmentSettings.self, forKey: .env) ?? EnvironmentSettings(name: .integrator2d),
      scenario: try c.decodeIfPresent(TaskScenario.self, forKey: .scenario) ?? TaskScenario.mismatch,
      evaluate: try c.decodeIfPresent(EvaluateSettings.self, forKey: .evaluate) ?? EvaluateSettings(),
      round: try c.decodeIfPresent(Int.self, forKey: .round) ?? 0)
    try decoder.validating { try requireRound(round, minimum: 0) }
    try validateScenario(scenario, for: env, decoder: decoder)
  }
}
