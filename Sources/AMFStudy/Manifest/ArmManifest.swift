import AMFCore
import AMFReport
import AMFStages
import AMFEnvironments
import Foundation

/// One arm of the study (AMF.md §6): an environment, a scenario, seeds, a budget and every stage's settings.
public struct ArmManifest: Codable, Hashable, Sendable {
  /// The arm's name; prefixes its stage runs in a study, so it may not contain `/`.
  public var name: String
  /// Free text.
  public var description: String?
  /// The environment.
  public var env: EnvironmentSettings
  /// The scenario (default `targeted`, AMF.md §6).
  public var scenario = TaskScenario.targeted
  /// The seeds (default 0…9).
  public var seeds = SeedList.standard
  /// The budget (default N = 20, B = 2).
  public var budget = Budget()
  /// Pre-training.
  public var pretrain: PretrainSettings
  /// Embedding.
  public var embed = EmbedSettings()
  /// Selection.
  public var select = SelectSettings()
  /// Fine-tuning.
  public var finetune = FinetuneSettings()
  /// Evaluation.
  public var evaluate = EvaluateSettings()
  /// The arm's own report.
  public var report = ReportSettings()
  /// Where the fine-tuning rounds' demonstrations come from (nil: the simulated expert).
  public var expert: ExpertSettings?

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, description, extends, env, scenario, seeds, budget
    case pretrain, embed, select, finetune, evaluate, report, expert
  }

  /// An arm with defaults everywhere but the name and environment.
  public init(name: String, env: EnvironmentSettings) {
    self.name = name
    self.env = env
    pretrain = PretrainSettings(environment: env.name)
  }

  /// Decodes strictly, filling defaults (some depend on the environment), and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(name: try c.decode(String.self, forKey: .name), env: try c.decode(EnvironmentSettings.self, forKey: .env))
    description = try c.decodeIfPresent(String.self, forKey: .description)
    scenario = try c.decodeIfPresent(TaskScenario.self, forKey: .scenario) ?? scenario
    seeds = try c.decodeIfPresent(SeedList.self, forKey: .seeds) ?? seeds
    budget = try c.decodeIfPresent(Budget.self, forKey: .budget) ?? budget
    if c.contains(.pretrain) {
      pretrain = try PretrainSettings(from: try c.superDecoder(forKey: .pretrain), environment: env.name)
    }
    embed = try c.decodeIfPresent(EmbedSettings.self, forKey: .embed) ?? embed
    select = try c.decodeIfPresent(SelectSettings.self, forKey: .select) ?? select
    finetune = try c.decodeIfPresent(FinetuneSettings.self, forKey: .finetune) ?? finetune
    evaluate = try c.decodeIfPresent(EvaluateSettings.self, forKey: .evaluate) ?? evaluate
    report = try c.decodeIfPresent(ReportSettings.self, forKey: .report) ?? report
    expert = try c.decodeIfPresent(ExpertSettings.self, forKey: .expert)
    try decoder.validating(validate)
  }

  /// Encodes every section (without `extends`).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encodeIfPresent(description, forKey: .description)
    try c.encode(env, forKey: .env)
    try c.encode(scenario, forKey: .scenario)
    try c.encode(seeds, forKey: .seeds)
    try c.encode(budget, forKey: .budget)
    try c.encode(pretrain, forKey: .pretrain)
    try c.encode(embed, forKey: .embed)
    try c.encode(select, forKey: .select)
    try c.encode(finetune, forKey: .finetune)
    try c.encode(evaluate, forKey: .evaluate)
    try c.encode(report, forKey: .report)
    try c.encodeIfPresent(expert, forKey: .expert)
  }

  /// Checks the name and that the scenario fits the environment.
  public func validate() throws {
    try validateName(name)
    do {
      try scenario.validate(for: env)
    } catch let error as InvalidParameter {
      throw InvalidParameter(["scenario"] + error.field, reason: error.reason)
    }
  }
}

/// A study (PIPELINE.md §2): arms to compare, each its own manifest, and the comparison report.
public struct StudyManifest: Codable, Hashable, Sendable {
  /// The study's name.
  public var name: String
  /// Free text.
  public var description: String?
  /// The arm manifests, relative to the study file (then `Pipelines/`).
  public var arms: [String]
  /// The comparison report's settings.
  public var report = ReportSettings()
  /// The expert of every arm (nil: each arm's own, by default the simulated expert).
  public var expert: ExpertSettings?

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, description, extends, arms, report, expert
  }

  /// Decodes strictly (per-arm sections other than `expert` are not allowed here) and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    description = try c.decodeIfPresent(String.self, forKey: .description)
    arms = try c.decode([String].self, forKey: .arms)
    report = try c.decodeIfPresent(ReportSettings.self, forKey: .report) ?? report
    expert = try c.decodeIfPresent(ExpertSettings.self, forKey: .expert)
    try decoder.validating {
      try validateName(name)
      guard !arms.isEmpty else { throw InvalidParameter("arms", reason: "list at least one arm manifest") }
      try requireAtMost(ManifestLimits.arms, arms.count, "arms", "arms compared in one study; the studies have 5")
    }
  }

  /// Encodes the study (without `extends`).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encodeIfPresent(description, forKey: .description)
    try c.encode(arms, forKey: .arms)
    try c.encode(report, forKey: .report)
    try c.encodeIfPresent(expert, forKey: .expert)
  }
}

/// Throws unless `name` can be a run-name component: non-empty, no `/`, no surrounding spaces.
func validateName(_ name: String) throws {
  guard !name.isEmpty, !name.contains("/"), name.trimmingCharacters(in: .whitespaces) == name else {
    throw InvalidParameter("name", reason: "'\(name)' must be non-empty, without '/' or surrounding spaces")
  }
}
