import AMFCore
import AMFEnvironments

/// What the pretrain stage computes from: π₀ and its data depend on nothing else (not select, finetune, budget).
///
/// Decoding is strict at every level (an unknown key names the valid ones); absent sections take the
/// defaults: `env: {name: integrator2d}`, `scenario: mismatch`, and `pretrain` with the defaults of the
/// environment (kitchen: 2 × 256) and of the policy (GP: 1 demo per task).
public struct PretrainParams: Codable, Hashable, Sendable {
  /// The environment.
  public var env: EnvironmentSettings
  /// The scenario (covered tasks).
  public var scenario: TaskScenario
  /// Policy and training settings.
  public var pretrain: PretrainSettings

  enum CodingKeys: String, CodingKey, CaseIterable { case env, scenario, pretrain }

  /// Creates params; `pretrain` defaults to the environment's defaults.
  public init(
    env: EnvironmentSettings = EnvironmentSettings(name: .integrator2d), scenario: TaskScenario = TaskScenario.mismatch,
    pretrain: PretrainSettings? = nil
  ) {
    self.env = env
    self.scenario = scenario
    self.pretrain = pretrain ?? PretrainSettings(environment: env.name)
  }

  /// Decodes strictly, filling defaults, and checks the scenario fits the environment.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let env = try c.decodeIfPresent(EnvironmentSettings.self, forKey: .env) ?? EnvironmentSettings(name: .integrator2d)
    let scenario = try c.decodeIfPresent(TaskScenario.self, forKey: .scenario) ?? TaskScenario.mismatch
    var pretrain: PretrainSettings?
    if c.contains(.pretrain) {
      pretrain = try PretrainSettings(from: try c.superDecoder(forKey: .pretrain), environment: env.name)
    }
    self.init(env: env, scenario: scenario, pretrain: pretrain)
    do {
      try scenario.validate(for: env)
    } catch let error as InvalidParameter {
      let path = [CodingKeys.scenario as any CodingKey] + error.field.map { AnyCodingKey($0) }
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: path, debugDescription: error.reason, underlyingError: error))
    }
  }
}
