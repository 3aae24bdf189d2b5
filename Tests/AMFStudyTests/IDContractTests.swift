import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPipeline
import AMFPolicy
import AMFSelection
import Foundation
import Testing

@testable import AMFStages
@testable import AMFStudy

/// One contract per ID (issue #18): every case written in a manifest reaches the stage params as the same
/// value, and the artifact the stage writes from those params records it, read back as the same case.
@Suite struct IDContractTests {
  /// A one-seed, one-round arm of `env` with extra manifest lines.
  static func runs(env: String = "integrator2d", _ lines: String) throws -> [StageRunSpec] {
    try arm("name: a\nenv: {name: \(env)}\nseeds: 0\nbudget: {demos: 2, batch: 2}\n" + lines).stageRuns()
  }

  /// The params of the run named `name`, decoded as a stage decodes them.
  static func params<P: Codable>(_: P.Type, _ runs: [StageRunSpec], _ name: String) throws -> P {
    let run = try #require(runs.first { $0.name == name })
    return try ParamsResolver.decode(P.self, from: ParamsResolver.merged(fileText: run.paramsJSON, overrides: [])).params
  }

  static func artifact(_ kind: ArtifactKind, _ outputs: [StageOutput], role: String) throws -> Artifact {
    Artifact(
      kind: kind, provenance: Provenance(stage: "test", stageVersion: 1, paramsJSON: "{}", seed: 0),
      content: try #require(outputs.first { $0.role == role }).content)
  }

  static func pretrain(_ params: PretrainParams) throws -> (demonstrations: Artifact, policy: Artifact) {
    let outputs = try PretrainStage.run(StageInputs(), params: params, context: StageContext(seed: Seed(0)))
    return (try artifact(.demonstrations, outputs, role: "demonstrations"), try artifact(.policy, outputs, role: "policy"))
  }

  /// `env.name`: manifest → pretrain params → the demonstrations' `@env_name` (in-process environments).
  @Test(arguments: EnvironmentID.allCases)
  func environment(id: EnvironmentID) throws {
    let runs = try Self.runs(env: id.rawValue, "scenario: balanced\npretrain: {policy: gp}\n")
    let params = try Self.params(PretrainParams.self, runs, "pretrain/seed-0")
    #expect(params.env.name == id && params.env.taskCount == id.taskCount())
    let select = try Self.params(SelectParams.self, runs, "select/seed-0/round-1")
    #expect(select.taskCount == id.taskCount())
    guard EnvironmentID.inProcess.contains(id) else { return }  // metaworld's expert needs Python
    let set = try DemonstrationSet(try Self.pretrain(params).demonstrations)
    #expect(EnvironmentID(rawValue: set.environmentName) == id)
  }

  /// `scenario`: manifest → params of every stage that reads it, the same case.
  @Test(arguments: TaskScenario.Name.allCases)
  func scenario(name: TaskScenario.Name) throws {
    let scenario = try TaskScenario(name, coveredCount: name == .allocation ? 3 : nil)
    let written = name == .allocation ? "{name: allocation, k: 3}" : name.rawValue
    let runs = try Self.runs("scenario: \(written)\nselect: {strategy: uniform}\n")
    #expect(try Self.params(PretrainParams.self, runs, "pretrain/seed-0").scenario == scenario)
    #expect(try Self.params(SelectParams.self, runs, "select/seed-0/round-1").scenario == scenario)
    #expect(try Self.params(EvaluateParams.self, runs, "evaluate/seed-0/round-1").scenario == scenario)
  }

  /// `select.strategy`: manifest → select params and the inputs the strategy declares → the selection's
  /// `@strategy`.
  @Test(arguments: StrategyID.allCases)
  func strategy(id: StrategyID) throws {
    let runs = try Self.runs("scenario: mismatch\npretrain: {policy: gp}\nselect: {strategy: \(id.rawValue)}\n")
    let select = try #require(runs.first { $0.name == "select/seed-0/round-1" })
    let required = id.inputs.filter(\.isRequired).map(\.rawValue)
    #expect(Set(select.inputs.keys) == Set(required), "round 1 has no collected demonstrations")
    #expect(runs.contains { $0.kind == "embed" } == id.inputs.contains(.embeddings))
    let params = try Self.params(SelectParams.self, runs, select.name)
    #expect(params.select.strategy == id)
    let (demonstrations, policy) = try Self.pretrain(try Self.params(PretrainParams.self, runs, "pretrain/seed-0"))
    var inputs = StageInputs()
    if id.inputs.contains(.embeddings) {
      let embed = try Self.params(EmbedParams.self, runs, "embed/seed-0/round-1")
      let outputs = try EmbedStage.run(
        StageInputs(artifacts: ["policy": policy]), params: embed, context: StageContext(seed: Seed(0)))
      inputs.artifacts["embeddings"] = try Self.artifact(.embeddings, outputs, role: "embeddings")
    }
    if id.inputs.contains(.pretrainingCounts) { inputs.artifacts["pretraining"] = demonstrations }
    let outputs = try SelectStage.run(inputs, params: params, context: StageContext(seed: Seed(0)))
    let record = try SelectionRecord(try Self.artifact(.selection, outputs, role: "selection"))
    #expect(StrategyID(rawValue: record.strategy) == id)
  }

  /// A strategy's required inputs are required by the select stage too.
  @Test func selectStageRequiresTheDeclaredInputs() throws {
    var params = SelectParams(taskCount: 12, scenario: .mismatch)
    params.select.strategy = .rebalancing
    #expect(throws: StageError.missingInput(role: "pretraining")) {
      try SelectStage.run(StageInputs(), params: params, context: StageContext(seed: Seed(0)))
    }
  }

  /// `embed.kind`: manifest → embed params → the embeddings' `@kind` and `@space`; a GP π₀ gives the function
  /// space.
  @Test(arguments: EmbeddingKind.allCases)
  func embeddingKind(kind: EmbeddingKind) throws {
    let runs = try Self.runs(
      "scenario: mismatch\npretrain: {steps: 20, hidden: [8], demos_per_task: 1}\nembed: {kind: \(kind.rawValue)}\n")
    let params = try Self.params(EmbedParams.self, runs, "embed/seed-0/round-1")
    #expect(params.embed.kind == kind)
    let policy = try Self.pretrain(try Self.params(PretrainParams.self, runs, "pretrain/seed-0")).policy
    let outputs = try EmbedStage.run(
      StageInputs(artifacts: ["policy": policy]), params: params, context: StageContext(seed: Seed(0)))
    let set = try EmbeddingSet(try Self.artifact(.embeddings, outputs, role: "embeddings"))
    #expect(EmbeddingKind(rawValue: set.kind) == kind && set.space == .weight)
  }

  @Test func gpEmbeddingsAreInFunctionSpace() throws {
    let runs = try Self.runs("scenario: mismatch\npretrain: {policy: gp}\n")
    let policy = try Self.pretrain(try Self.params(PretrainParams.self, runs, "pretrain/seed-0")).policy
    let outputs = try EmbedStage.run(
      StageInputs(artifacts: ["policy": policy]), params: try Self.params(EmbedParams.self, runs, "embed/seed-0/round-1"),
      context: StageContext(seed: Seed(0)))
    let set = try EmbeddingSet(try Self.artifact(.embeddings, outputs, role: "embeddings"))
    #expect(set.space == .function && set.kernel != nil && set.kind == "gp_rbf")
  }

  /// `pretrain.activation`: manifest → pretrain params → the policy's stored architecture.
  @Test(arguments: MLPActivation.allCases)
  func activation(activation: MLPActivation) throws {
    let runs = try Self.runs(
      "scenario: mismatch\npretrain: {steps: 5, hidden: [4], demos_per_task: 1, activation: \(activation.rawValue)}\n")
    let params = try Self.params(PretrainParams.self, runs, "pretrain/seed-0")
    #expect(params.pretrain.activation == activation)
    let policy = try Self.pretrain(params).policy
    let checkpoint = try PolicyCheckpoint(artifactContent: policy.content, file: "p.h5")
    #expect(checkpoint.mlpPolicy?.architecture.activation == activation)
  }

  /// `pretrain.policy`: manifest → pretrain and finetune params → the policy's `family` attribute.
  @Test(arguments: PolicyKind.allCases)
  func policyFamily(kind: PolicyKind) throws {
    let runs = try Self.runs(
      "scenario: mismatch\npretrain: {policy: \(kind.rawValue), steps: 5, hidden: [4], demos_per_task: 1}\n")
    let params = try Self.params(PretrainParams.self, runs, "pretrain/seed-0")
    #expect(params.pretrain.policy == kind)
    #expect(try Self.params(FinetuneParams.self, runs, "finetune/seed-0/round-1").policy == kind)
    let policy = try Self.pretrain(params).policy
    let family = try policy.content.attribute("family").scalarString(object: "family")
    #expect(PolicyKind(rawValue: family) == kind)
    #expect(try PolicyCheckpoint(artifactContent: policy.content, file: "p.h5").family == kind)
  }

  /// A misspelt value of every enumerated manifest key is rejected at its line and column, naming the closest.
  @Test(arguments: [
    ("env: {name: reachr}\n", "env.name", "reacher"), ("scenario: targetted\n", "scenario", "targeted"),
    ("select: {strategy: rebalance}\n", "select.strategy", "rebalancing"),
    ("embed: {kind: last_layr}\n", "embed.kind", "last_layer"),
    ("pretrain: {activation: rellu}\n", "pretrain.activation", "relu"),
    ("pretrain: {policy: gpp}\n", "pretrain.policy", "gp"),
  ])
  func misspeltValuesSayDidYouMean(line: String, path: String, closest: String) throws {
    let yaml = "name: a\n" + (line.hasPrefix("env") ? line : "env: {name: reacher}\n" + line)
    let error = try #require(armError(yaml))
    guard case .invalidValue(_, let found, let reason) = error else {
      Issue.record("expected invalidValue, got \(error)")
      return
    }
    #expect(found == path && reason.hasSuffix("did you mean '\(closest)'?"), "\(error)")
  }

  /// `--help` gives every parameter of every stage one line of meaning, and every enumerated one its values.
  @Test func everyParameterKeyHasAMeaning() throws {
    var keys: [String] = []
    for params in [
      try ParamsResolver.flattened(PretrainParams()), try ParamsResolver.flattened(EmbedParams()),
      try ParamsResolver.flattened(SelectParams()), try ParamsResolver.flattened(FinetuneParams()),
      try ParamsResolver.flattened(EvaluateParams()), try ParamsResolver.flattened(ReportParams()),
    ] { keys += params.map(\.key) }
    for key in keys + ParameterChoices.all.map(\.key) {
      #expect(ParameterMeanings.meaning(of: key) != nil, "\(key) has no meaning")
    }
    let help = try #require(StageKind.select.parameterHelp)
    #expect(help.contains("select.strategy: amf | uncertainty | uniform | rebalancing"))
    #expect(help.contains("  task_count                     12\n      |C|, the candidate tasks"))
  }
}
