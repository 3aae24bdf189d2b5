import AMFCore
import AMFEnvironments
import AMFPolicy

/// What the finetune stage of one round computes from.
///
/// Decoding is strict (an unknown key names the valid ones); absent keys take the defaults
/// `env: {name: integrator2d}`, `scenario: mismatch`, the `finetune` defaults, `policy: mlp`, `round: 1`.
public struct FinetuneParams: Codable, Hashable, Sendable {
  /// The environment (the expert queried for the selected tasks).
  public var env: EnvironmentSettings
  /// The scenario (expert noise of distractor tasks).
  public var scenario: TaskScenario
  /// Fine-tuning settings.
  public var finetune: FinetuneSettings
  /// The policy family of π₀ (GP policies condition instead of training).
  public var policy: PolicyKind
  /// The round r ≥ 1.
  public var round: Int

  enum CodingKeys: String, CodingKey, CaseIterable { case env, scenario, finetune, policy, round }

  /// Creates params.
  public init(
    env: EnvironmentSettings = EnvironmentSettings(name: .integrator2d), scenario: TaskScenario = TaskScenario.mismatch,
    finetune: FinetuneSettings = FinetuneSettings(), policy: PolicyKind = .mlp, round: Int = 1
  ) {
    self.env = env
    self.scenario = scenario
    self.finetune = finetune
    self.policy = policy
    self.round = round
  }

  /// Decodes strictly, filling defaults, and checks the round and that the scenario fits the environment.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      env: try c.decodeIfPresent(EnvironmentSettings.self, forKey: .env) ?? EnvironmentSettings(name: .integrator2d),
      scenario: try c.decodeIfPresent(TaskScenario.self, forKey: .scenario) ?? TaskScenario.mismatch,
      finetune: try c.decodeIfPresent(FinetuneSettings.self, forKey: .finetune) ?? FinetuneSettings(),
      policy: try c.decodeIfPresent(PolicyKind.self, forKey: .policy) ?? .mlp,
      round: try c.decodeIfPresent(Int.self, forKey: .round) ?? 1)
    try decoder.validating { try requireRound(round, minimum: 1) }
    try validateScenario(scenario, for: env, decoder: decoder)
  }
}
