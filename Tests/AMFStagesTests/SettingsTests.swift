import AMFCore
import AMFPipeline
import Foundation
import Testing

@testable import AMFStages

/// Decodes `json` strictly into `T`.
func decodeSection<T: Decodable>(_: T.Type, _ json: String) throws -> T {
  try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

/// The `path: reason` of the `DecodingError` that `json` raises, nil when it decodes.
func sectionFailure<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
  do {
    _ = try decodeSection(type, json)
    return nil
  } catch DecodingError.dataCorrupted(let context) {
    return context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
  } catch {
    return "\(error)"
  }
}

/// The manifest sections the stage params are built from: defaults, the keys each encodes (stage keys
/// depend on them), strictness and ranges with the messages users see.
@Suite struct SettingsTests {
  @Test func embedDefaultsEncodeOnlyWhatTheEmbeddingUses() throws {
    #expect(try CanonicalJSON.string(decodeSection(EmbedSettings.self, "{}"))
      == #"{"kind":"loss_gradient","rollouts_per_task":1,"stride":5}"#)
    #expect(try CanonicalJSON.string(decodeSection(EmbedSettings.self, #"{"kind": "dropout"}"#))
      == #"{"dropout_passes":16,"dropout_rate":0.1,"kind":"dropout","rollouts_per_task":1,"stride":5}"#)
    #expect(try CanonicalJSON.string(decodeSection(EmbedSettings.self, #"{"condition_on_pretraining": true}"#))
      == #"{"condition_on_pretraining":true,"kind":"loss_gradient","rollouts_per_task":1,"stride":5}"#)
    // Dropout settings given for another embedding are accepted and left out of the key.
    #expect(try CanonicalJSON.string(decodeSection(EmbedSettings.self, #"{"dropout_passes": 4}"#))
      == #"{"kind":"loss_gradient","rollouts_per_task":1,"stride":5}"#)
  }

  @Test func embedRangesNameTheKey() {
    #expect(sectionFailure(EmbedSettings.self, #"{"rollouts_per_task": 0}"#) == "rollouts_per_task: must be ≥ 1, found 0")
    #expect(sectionFailure(EmbedSettings.self, #"{"stride": 0}"#) == "stride: must be ≥ 1, found 0")
    #expect(sectionFailure(EmbedSettings.self, #"{"dropout_passes": 1}"#) == "dropout_passes: must be ≥ 2, found 1")
    #expect(sectionFailure(EmbedSettings.self, #"{"dropout_rate": 1.5}"#) == "dropout_rate: must be in (0, 1), found 1.5")
    #expect(sectionFailure(EmbedSettings.self, #"{"rollouts_per_task": 1001}"#)
      == "rollouts_per_task: 1001 is over the limit of 1000 (the proxy pool grows by this per task, and selection "
      + "is quadratic in the pool); see docs/stages.md, \"Limits\"")
    #expect(sectionFailure(EmbedSettings.self, #"{"kind": "gradient"}"#) != nil)
    #expect(sectionFailure(EmbedSettings.self, #"{"strides": 5}"#) != nil)
  }

  @Test func finetuneEncodesAlphaOnlyForTheAdaptivePrior() throws {
    #expect(try CanonicalJSON.string(decodeSection(FinetuneSettings.self, "{}"))
      == #"{"batch_size":256,"learning_rate":0.001,"mitigation":"isolation","steps":3000}"#)
    #expect(try CanonicalJSON.string(decodeSection(FinetuneSettings.self, #"{"mitigation": "adaptive_prior"}"#))
      == #"{"alpha_lr":0.05,"alpha_penalty":0.01,"batch_size":256,"learning_rate":0.001,"#
      + #""mitigation":"adaptive_prior","prior_rehearsal":0,"steps":3000}"#)
    #expect(try CanonicalJSON.string(decodeSection(FinetuneSettings.self, #"{"mitigation": "none", "balance": "tasks"}"#))
      == #"{"balance":"tasks","batch_size":256,"learning_rate":0.001,"mitigation":"none","steps":3000}"#)
  }

  @Test func finetuneRangesNameTheKey() {
    #expect(sectionFailure(FinetuneSettings.self, #"{"steps": 0}"#) == "steps: must be ≥ 1, found 0")
    #expect(sectionFailure(FinetuneSettings.self, #"{"learning_rate": -1}"#) == "learning_rate: must be > 0, found -1.0")
    #expect(sectionFailure(FinetuneSettings.self, #"{"batch_size": 65537}"#)
      == "batch_size: 65537 is over the limit of 65536 (a minibatch is held in memory; the default is 256); "
      + "see docs/stages.md, \"Limits\"")
    #expect(sectionFailure(FinetuneSettings.self, #"{"alpha_penalty": -0.5}"#) == "alpha_penalty: must be ≥ 0")
    #expect(sectionFailure(FinetuneSettings.self, #"{"prior_rehearsal": -1}"#) == "prior_rehearsal: must be ≥ 0, found -1")
    #expect(sectionFailure(FinetuneSettings.self, #"{"mitigation": "adaptive_prior", "balance": "tasks"}"#)
      == "balance: 'tasks' is implemented for isolation and none; use balance: steps")
    #expect(sectionFailure(FinetuneSettings.self, #"{"steps": 10000001}"#)?.hasPrefix("steps: 10000001 is over the limit") == true)
  }

  @Test func evaluateDefaultsToTwentyEpisodes() throws {
    #expect(try CanonicalJSON.string(decodeSection(EvaluateSettings.self, "{}")) == #"{"episodes":20}"#)
    #expect(sectionFailure(EvaluateSettings.self, #"{"episodes": 0}"#) == "episodes: must be ≥ 1, found 0")
    #expect(sectionFailure(EvaluateSettings.self, #"{"episodes": 10001}"#)?.hasPrefix("episodes: 10001 is over the limit of 10000") == true)
    #expect(sectionFailure(EvaluateSettings.self, #"{"episode": 3}"#) != nil)
  }

  @Test func selectKeepsImportanceKeysFlat() throws {
    let select = try decodeSection(SelectSettings.self, #"{"is_temperature": 2, "min_weight": 0.5}"#)
    #expect(select.importance.temperature == 2 && select.minWeight == 0.5 && select.importance.clip == 30)
    #expect(select.importance.ratioNoiseVariance == 0.01)
    let json = try CanonicalJSON.string(select)
    #expect(json.contains(#""is_temperature":2"#) && json.contains(#""min_weight":0.5"#) && !json.contains("importance\""))
    #expect(try decodeSection(SelectSettings.self, json) == select)
    let separate = try decodeSection(SelectSettings.self, #"{"noise_variance": 0.5, "is_noise_variance": 0.25}"#)
    #expect(separate.importance.ratioNoiseVariance == 0.25 && separate.importance.noiseVariance == 0.5)
  }

  /// `gain_rank_tolerance` (issue #20) is encoded only when set, so the default's canonical params and
  /// every committed stage key stay as they were.
  @Test func gainRankToleranceIsEncodedOnlyWhenSet() throws {
    let plain = try decodeSection(SelectSettings.self, "{}")
    let plainJSON = try CanonicalJSON.string(plain)
    #expect(plain.gainRankTolerance == nil && !plainJSON.contains("gain_rank_tolerance"))
    let set = try decodeSection(SelectSettings.self, #"{"gain_rank_tolerance": 1e-9}"#)
    #expect(set.gainRankTolerance == 1e-9)
    let json = try CanonicalJSON.string(set)
    #expect(json.contains(#""gain_rank_tolerance":1e-09"#))
    #expect(try decodeSection(SelectSettings.self, json) == set)
    #expect(sectionFailure(SelectSettings.self, #"{"gain_rank_tolerance": 1}"#) == "gain_rank_tolerance: 1.0 is not in [0, 1)")
    #expect(sectionFailure(SelectSettings.self, #"{"gain_rank_tolerance": -0.1}"#) == "gain_rank_tolerance: -0.1 is not in [0, 1)")
  }

  @Test func selectRangesNameTheKey() {
    #expect(sectionFailure(SelectSettings.self, #"{"min_weight": 1}"#) == "min_weight: must be in [0, 1)")
    #expect(sectionFailure(SelectSettings.self, #"{"is_clip": 0}"#) == "is_clip: must be > 0, found 0.0")
    #expect(sectionFailure(SelectSettings.self, #"{"is_target_ess": 1.5}"#)
      == "is_target_ess: 1.5 is not a fraction of the pool in (0, 1]")
    #expect(sectionFailure(SelectSettings.self, #"{"strategy": "greedy"}"#) != nil)
    #expect(sectionFailure(SelectSettings.self, #"{"importance_weight": true}"#) != nil)
    #expect(sectionFailure(ImportanceSettings.self, #"{"is_temperature": 0}"#) == "is_temperature: must be > 0, found 0.0")
  }

  @Test func budgetRoundsAndDivisibility() throws {
    #expect(try decodeSection(Budget.self, "{}") == Budget(demos: 20, batch: 2))
    #expect(Budget(demos: 12, batch: 3).rounds == 4)
    #expect(sectionFailure(Budget.self, #"{"demos": 7, "batch": 2}"#)
      == "demos: 7 is not divisible by batch 2; make it a multiple")
    #expect(sectionFailure(Budget.self, #"{"batch": 0}"#) == "batch: must be ≥ 1, found 0")
    #expect(try CanonicalJSON.string(Budget(demos: 4, batch: 2)) == #"{"batch":2,"demos":4}"#)
  }
}

/// `--params-file` and `--param key=value` resolution.
@Suite struct ParamsResolverMergeTests {
  @Test func overridesSetDottedPathsAndParseJSONValues() throws {
    let document = try ParamsResolver.merged(
      fileText: #"{"a": {"b": 1}, "c": "x"}"#,
      overrides: ["a.d=[1, 2]", "c=reacher", "e.f.g=true", "a.b=2", "h=\"quoted\"", "i=1e-3"])
    #expect(try CanonicalJSON.string(document)
      == #"{"a":{"b":2,"d":[1,2]},"c":"reacher","e":{"f":{"g":true}},"h":"quoted","i":0.001}"#)
  }

  @Test func laterOverridesWin() throws {
    let document = try ParamsResolver.merged(fileText: nil, overrides: ["x=1", "x=2", "y.z=1", "y={}"])
    #expect(try CanonicalJSON.string(document) == #"{"x":2,"y":{}}"#)
  }

  @Test func valuesParseAsJSONOrElseAsText() {
    #expect(ParamsResolver.parseValue("200") == .number(200))
    #expect(ParamsResolver.parseValue("reacher") == .string("reacher"))
    #expect(ParamsResolver.parseValue("\"200\"") == .string("200"))
    #expect(ParamsResolver.parseValue("") == .string(""))
  }

  @Test func malformedInputsAreNamed() {
    #expect(throws: StageError.unreadableParamsFile(
      path: "p.json", reason: "not a JSON object (a YAML params file must be named *.yaml or *.yml)")) {
      try ParamsResolver.merged(fileText: "[1]", filePath: "p.json", overrides: [])
    }
    #expect(throws: StageError.malformedArgument(option: "--param", value: "steps", expected: "key=value")) {
      try ParamsResolver.merged(fileText: nil, overrides: ["steps"])
    }
    #expect(throws: StageError.malformedArgument(option: "--param", value: "a..b=1", expected: "a dotted key such as a.b=1")) {
      try ParamsResolver.merged(fileText: nil, overrides: ["a..b=1"])
    }
    #expect(throws: StageError.invalidParameter(
      path: "a", reason: "is not an object, so a.b cannot be set; set a as a whole (JSON)")
    ) { try ParamsResolver.merged(fileText: #"{"a": 3}"#, overrides: ["a.b=1"]) }
  }

  @Test func decodingErrorsBecomeDottedInvalidParameters() throws {
    #expect(throws: StageError.invalidParameter(path: "episodes", reason: "must be of type Int")) {
      try ParamsResolver.decode(EvaluateSettings.self, from: try JSONValue.parse(#"{"episodes": "many"}"#))
    }
    #expect(throws: StageError.invalidParameter(path: "episodes", reason: "must be ≥ 1, found 0")) {
      try ParamsResolver.decode(EvaluateSettings.self, from: try JSONValue.parse(#"{"episodes": 0}"#))
    }
    let (settings, canonical) = try ParamsResolver.decode(EvaluateSettings.self, from: try JSONValue.parse("{}"))
    #expect(settings.episodes == 20 && canonical == #"{"episodes":20}"#)
  }

  @Test func flattenedListsEveryLeafSorted() throws {
    let lines = try ParamsResolver.flattened(FinetuneSettings())
    #expect(lines.map(\.key) == ["batch_size", "learning_rate", "mitigation", "steps"])
    #expect(lines.map(\.value) == ["256", "0.001", "\"isolation\"", "3000"])
  }
}

/// The stage registry: names, roles and versions that stage keys and the CLI depend on.
@Suite struct StageRegistryTests {
  @Test func executablesAndOutputsPerKind() {
    #expect(StageKind.allCases.map(\.executableName)
      == ["amf-pretrain", "amf-embed", "amf-select", "amf-finetune", "amf-evaluate", "amf-report"])
    #expect(StageKind.allCases.map(\.outputRoles) == [
      ["demonstrations", "policy"], ["embeddings"], ["selection"], ["demonstrations", "policy"], ["evaluation"],
      ["report"],
    ])
    #expect(StageKind.pretrain.outputUsage == "--output demonstrations=PATH --output policy=PATH")
    #expect(StageKind.select.outputUsage == "--output PATH")
  }

  @Test func algorithmVersionsArePinned() {
    // Bumping one re-keys every run of that kind: a refactor must not change them.
    #expect(StageKind.allCases.map(\.algorithmVersion) == [1, 1, 1, 1, 1, 2])
  }

  @Test func inputRolesPerKind() {
    #expect(StageKind.pretrain.inputs.isEmpty)
    #expect(Set(StageKind.embed.inputs.map(\.role)) == ["policy", "demonstrations", "pretraining"])
    // The order of select's roles follows the strategies' declared inputs; the set is the contract.
    #expect(Set(StageKind.select.inputs.map(\.role)) == ["embeddings", "demonstrations", "pretraining"])
    #expect(StageKind.finetune.inputs.map(\.role).prefix(3) == ["prior", "demonstrations", "selection"])
    #expect(StageKind.evaluate.inputs.map(\.role) == ["policy", "demonstrations"])
    #expect(StageKind.report.inputs.map(\.role) == ["evaluation"])
    #expect(StageKind.allCases.allSatisfy { !$0.abstract.isEmpty && $0.abstract.hasSuffix(".") })
  }

  @Test func everyKindHasParameterHelp() throws {
    for kind in StageKind.allCases {
      let help = try #require(kind.parameterHelp, "\(kind)")
      #expect(!help.isEmpty, "\(kind)")
    }
  }
}
