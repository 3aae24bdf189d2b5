import AMFCore
import AMFEnvironments
import AMFPolicy

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

  enum CodingKeys: String, CodingKey, CaseIterable {
    case select, batch, round, taskCount = "task_count", scenario
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
    try decoder.validating {
      try requireAtLeast(1, batch, "batch")
      try requireAtMost(
        ManifestLimits.batch, batch, "batch",
        "each pick updates the posterior over the whole proxy pool")
      try requireRound(round, minimum: 1)
      try requireAtLeast(1, taskCount, "task_count")
      try requireAtMost(ManifestLimits.tasks, taskCount, "task_count", "kernels and weights are tasks × pool")
    }
  }
}

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

/// Throws unless `minimum` ≤ `round` ≤ `ManifestLimits.demos` (a round per demonstration at most).
private func requireRound(_ round: Int, minimum: Int) throws {
  try requireAtLeast(minimum, round, "round")
  try requireAtMost(ManifestLimits.demos, round, "round", "there are at most N = budget.demos rounds")
}

/// Throws a `DecodingError` at `scenario…` when `scenario` does not fit `env` (as `PretrainParams` does).
private func validateScenario(_ scenario: TaskScenario, for env: EnvironmentSettings, decoder: any Decoder) throws {
  do {
    try scenario.validate(for: env)
  } catch let error as InvalidParameter {
    let path = decoder.codingPath + [AnyCodingKey("scenario")] + error.field.map { AnyCodingKey($0) }
    throw DecodingError.dataCorrupted(
      DecodingError.Context(codingPath: path, debugDescription: error.reason, underlyingError: error))
  }
}

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

/// What a report computes from: settings and the layout of the evaluations it reads.
///
/// Decoding is strict (unknown keys name the valid ones); absent keys take the defaults: `report` with
/// 10 000 resamples at 90%, `arms` empty, which means "the arms the inputs name" (hand use of
/// `amf-report`): each arm's seeds and rounds are then read off the roles and N off its last round.
public struct ReportParams: Codable, Hashable, Sendable {
  /// Bootstrap settings.
  public var report: ReportSettings
  /// The arms compared, in order.
  public var arms: [ReportedArm]

  enum CodingKeys: String, CodingKey, CaseIterable { case report, arms }

  /// Creates params.
  public init(report: ReportSettings = ReportSettings(), arms: [ReportedArm] = []) {
    self.report = report
    self.arms = arms
  }

  /// Decodes strictly, filling defaults, and checks arm names are distinct.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      report: try c.decodeIfPresent(ReportSettings.self, forKey: .report) ?? ReportSettings(),
      arms: try c.decodeIfPresent([ReportedArm].self, forKey: .arms) ?? [])
    try decoder.validating {
      guard Set(arms.map(\.name)).count == arms.count else {
        throw InvalidParameter("arms", reason: "arm names must be distinct")
      }
      try requireAtMost(ManifestLimits.arms, arms.count, "arms", "arms compared in one report")
    }
  }
}
