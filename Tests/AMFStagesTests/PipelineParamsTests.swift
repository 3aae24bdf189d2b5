import AMFCore
import AMFPipeline
import Testing

@testable import AMFStages

/// One params file for a whole pipeline (issue #22): each stage keeps its own keys, reads the importance
/// settings from `select`, and still rejects a key no stage reads.
@Suite struct PipelineParamsTests {
  static let pipeline = try! JSONValue.parse("""
    {"env": {"name": "reacher"}, "scenario": "mismatch", "pretrain": {"steps": 200},
     "embed": {"stride": 5}, "select": {"strategy": "amf", "importance_weights": false, "noise_variance": 0.5},
     "finetune": {"steps": 100}, "evaluate": {"episodes": 4}, "batch": 2, "task_count": 12, "policy": "mlp",
     "report": {"confidence": 0.9}}
    """)

  static func keys(_ value: JSONValue) -> [String] {
    guard case .object(let members) = value else { return [] }
    return members.keys.sorted()
  }

  @Test func eachStageKeepsItsOwnSections() throws {
    #expect(Self.keys(try PipelineParams.project(Self.pipeline, for: .pretrain)) == ["env", "pretrain", "scenario"])
    #expect(Self.keys(try PipelineParams.project(Self.pipeline, for: .select)) == ["batch", "scenario", "select", "task_count"])
    #expect(Self.keys(try PipelineParams.project(Self.pipeline, for: .finetune)) == ["env", "finetune", "policy", "scenario"])
    #expect(Self.keys(try PipelineParams.project(Self.pipeline, for: .report)) == ["report"])
  }

  @Test func embedReadsTheImportanceKeysOfSelect() throws {
    let embed = try PipelineParams.project(Self.pipeline, for: .embed)
    #expect(Self.keys(embed) == ["embed", "env", "importance", "scenario"])
    let params = try ParamsResolver.decode(EmbedParams.self, from: embed).params
    #expect(params.importance.importanceWeights == false)
    #expect(params.importance.noiseVariance == 0.5)
    // `strategy` is select's own key, not an importance setting: embed does not see it.
    guard case .object(let members) = embed, case .object(let importance)? = members["importance"] else {
      Issue.record("no importance section")
      return
    }
    #expect(importance.keys.sorted() == ["importance_weights", "noise_variance"])
  }

  @Test func theOrchestratorsOwnParamsAreUnchanged() throws {
    // What `amf-pipeline` passes the embed stage (its canonical params) projects to itself, so every
    // stage key stays what it was.
    let canonical = try CanonicalJSON.string(EmbedParams(importance: ImportanceSettings(), round: 3))
    let document = try JSONValue.parse(canonical)
    #expect(try PipelineParams.project(document, for: .embed) == document)
    #expect(try ParamsResolver.decode(EmbedParams.self, from: PipelineParams.project(document, for: .embed)).canonical == canonical)
  }

  @Test func aKeyNoStageReadsIsAnErrorWithASuggestion() {
    let typo = try! JSONValue.parse(#"{"env": {"name": "reacher"}, "finetnue": {"steps": 1}}"#)
    #expect(throws: StageError.self) { try PipelineParams.project(typo, for: .pretrain) }
    do {
      _ = try PipelineParams.project(typo, for: .pretrain)
    } catch {
      #expect("\(error)".contains("finetnue"))
      #expect("\(error)".contains("did you mean 'finetune'?"))
    }
  }

  @Test func aTypoInsideAnotherStagesSectionFailsEveryStage() {
    let typo = try! JSONValue.parse(#"{"env": {"name": "reacher"}, "finetune": {"stpes": 1}}"#)
    do {
      _ = try PipelineParams.project(typo, for: .pretrain)
      Issue.record("accepted finetune.stpes")
    } catch {
      #expect("\(error)".contains("stpes"))
      #expect("\(error)".contains("amf-finetune"))
    }
  }

  @Test func bothNamesOfOneConceptAreAnError() {
    let both = try! JSONValue.parse(#"{"select": {"is_clip": 10}, "importance": {"is_clip": 10}}"#)
    #expect(throws: StageError.self) { try PipelineParams.project(both, for: .embed) }
  }

  @Test func everyStageKnowsItsKeys() {
    #expect(StageKind.embed.paramKeys.sorted() == ["embed", "env", "importance", "round", "scenario"])
    #expect(StageKind.select.paramKeys.sorted() == ["batch", "round", "scenario", "select", "target_weights", "task_count"])
    #expect(StageKind.report.paramKeys.sorted() == ["arms", "report"])
  }

  /// The same document written as YAML (named *.yaml) gives every stage the same params as the JSON.
  @Test func aYAMLParamsFileReadsAsTheJSON() throws {
    let yaml = """
      # one arm's settings, in the manifest's style
      env: {name: reacher}
      scenario: mismatch
      pretrain: {steps: 200}
      embed: {stride: 5}
      select: {strategy: amf, importance_weights: false, noise_variance: 0.5}
      finetune: {steps: 100}
      evaluate: {episodes: 4}
      batch: 2
      task_count: 12
      policy: mlp
      report: {confidence: 0.9}
      """
    let fromYAML = try ParamsResolver.merged(fileText: yaml, filePath: "arm.yaml", overrides: [])
    #expect(fromYAML == Self.pipeline)
    #expect(throws: StageError.self) { try ParamsResolver.merged(fileText: yaml, filePath: "arm.json", overrides: []) }
    #expect(throws: StageError.self) { try ParamsResolver.merged(fileText: "- a\n- b\n", filePath: "arm.yml", overrides: []) }
    // Quoted scalars stay strings; plain ones are typed.
    let typed = try ParamsResolver.merged(fileText: "a: '12'\nb: 12\nc: true\nd: ~\n", filePath: "t.yaml", overrides: [])
    #expect(typed == .object(["a": .string("12"), "b": .number(12), "c": .bool(true), "d": .null]))
  }
}
