import AMFCore
import AMFEnvironments
import AMFPolicy
import AMFSelection

/// Every enumerated parameter: its key, its allowed values (the `allCases` of the ID that owns it) and one
/// line of meaning, for the `--help` of the stages and of `amf-pipeline`.
public enum ParameterChoices {
  /// One enumerated parameter.
  public struct Choice: Sendable {
    /// The dotted key, as `--param` and the params JSON write it (`select.strategy`).
    public var key: String
    /// The allowed values, in declaration order.
    public var values: [String]
    /// What the parameter chooses.
    public var meaning: String
    /// Whether manifests write it under this key too (embed's `importance.*` is `select.*` there).
    public var inManifests: Bool

    init<ID: ManifestChoice>(_ key: String, _: ID.Type, _ meaning: String, inManifests: Bool = true) {
      self.key = key
      values = ID.allowedValues
      self.meaning = meaning
      self.inManifests = inManifests
    }

    /// The section the key sits in (`select` for `select.strategy`), or the key itself at the top level.
    var section: String { key.split(separator: ".").dropLast().joined(separator: ".").nonEmpty ?? key }
  }

  /// Every enumerated parameter.
  public static let all: [Choice] = [
    Choice("env.name", EnvironmentID.self, "the environment (AMF.md §3); its task count comes from it"),
    Choice(
      "scenario", TaskScenario.Name.self,
      "pre-training coverage and targets (AMF.md §4); allocation also takes k"),
    Choice("pretrain.policy", PolicyKind.self, "the policy family (AMF.md §5)"),
    Choice("pretrain.activation", MLPActivation.self, "the MLP's hidden-layer nonlinearity"),
    Choice("policy", PolicyKind.self, "the policy family of π₀", inManifests: false),
    Choice("embed.kind", EmbeddingKind.self, "the embedding AMF-NN's linear kernel uses (AMF.md §2.1)"),
    Choice("select.strategy", StrategyID.self, "the selection rule (AMF.md §2.3)"),
    Choice("select.is_variance", ImportanceVariance.self, "the variance of the importance ratio (AMF.md §2.2)"),
    Choice(
      "select.batch_conditioning", BatchConditioning.self,
      "what the greedy batch conditions on after a pick (AMF.md §2.4)"),
    Choice("finetune.mitigation", Mitigation.self, "forgetting mitigation (AMF.md §5)"),
    Choice("finetune.balance", MinibatchBalance.self, "how minibatches weigh the demonstrated tasks"),
  ]

  /// The choices of a stage whose params have the dotted `keys`: those in a section the keys have.
  public static func choices(forKeys keys: [String]) -> [Choice] {
    let sections = Set(keys.flatMap { key in
      let parts = key.split(separator: ".").map(String.init)
      return parts.indices.map { parts[...$0].joined(separator: ".") }
    })
    // The choice's own key must be among the keys (or a section of them, e.g. `scenario`), so the embed
    // stage, which reads select.is_* but not select.strategy, lists only what it reads.
    return all.filter { sections.contains($0.section) && sections.contains($0.key) }
  }

  /// Two lines per choice, `  key: a | b | c` and its meaning indented below, then one line per value whose
  /// meaning `ParameterMeanings` writes down (short enough for an 80-column terminal, where `--help` wraps).
  public static func text(_ choices: [Choice]) -> String {
    choices.map { choice in
      let values = choice.values.compactMap { value in
        ParameterMeanings.meaning(of: choice.key, value: value).map { "\n        \(value): \($0)" }
      }
      return "  \(choice.key): \(choice.values.joined(separator: " | "))\n      \(choice.meaning)" + values.joined()
    }
    .joined(separator: "\n")
  }
}

extension String {
  fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
