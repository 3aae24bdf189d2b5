import AMFArtifacts
import AMFCore
import AMFPipeline
import AMFStages
import Foundation
import Testing

@testable import AMFStudy

// The contract between expansion and the stages: what the orchestrator passes is what each stage decodes.

/// An evaluation of 2 episodes per task with uniform targets; success fractions must be 0, 0.5 or 1.
func evaluation(success: [Double], demos: [Int], round: Int, environment: String) throws -> EvaluationRecord {
  let episodes = success.map { s in [s >= 0.5, s >= 1] }
  return try EvaluationRecord(
    environmentName: environment, round: round, targetWeights: Array(repeating: 1 / Double(success.count),
    count: success.count), episodeSuccess: episodes, episodeReturns: episodes.map { $0.map { $0 ? 0 : -1 } },
    demosPerTask: demos)
}

/// What the orchestrator passes is what the stages decode: every finetune and evaluate run of an expanded
/// arm round-trips through strict decoding to the same canonical JSON (so the stage key is stable).
@Suite struct FinetuneManifestTests {
  @Test func expandedParamsDecodeToTheSameCanonicalJSON() throws {
    let yaml = "name: x\nenv: {name: reacher}\nseeds: 3\nbudget: {demos: 4, batch: 2}\nscenario: targeted\n"
      + "finetune: {steps: 5, mitigation: adaptive_prior, prior_rehearsal: 2}\npretrain: {policy: mlp}\n"
    let runs = try arm(yaml).stageRuns()
    var checked = 0
    for run in runs where run.kind == "finetune" || run.kind == "evaluate" {
      let document = try JSONValue.parse(run.paramsJSON)
      let canonical = run.kind == "finetune"
        ? try ParamsResolver.decode(FinetuneParams.self, from: document).canonical
        : try ParamsResolver.decode(EvaluateParams.self, from: document).canonical
      #expect(canonical == run.paramsJSON, "\(run.name)")
      checked += 1
    }
    #expect(checked == 2 + 3)
    let finetune = try #require(runs.first { $0.name == "finetune/seed-3/round-2" })
    #expect(finetune.paramsJSON.contains(#""prior_rehearsal":2"#) && finetune.paramsJSON.contains(#""round":2"#))
  }
}

@Suite struct ReportManifestTests {
  /// The contract with ManifestExpansion: an arm manifest's `report` run decodes its own params strictly
  /// and accepts exactly the roles the expander wires (evaluations stand in for the evaluate runs).
  @Test func expandedReportRunAcceptsItsOwnParamsAndRoles() throws {
    let manifest = try arm("name: x\nenv: {name: reacher}\nseeds: 3..4\nbudget: {demos: 4, batch: 2}\n")
    let report = try #require(try manifest.stageRuns().last)
    #expect(report.kind == "report")
    let document = try ParamsResolver.merged(fileText: report.paramsJSON, overrides: [])
    let (params, canonical) = try ParamsResolver.decode(ReportParams.self, from: document)
    #expect(canonical == report.paramsJSON)
    var inputs = StageInputs()
    for role in report.inputs.keys {
      let round = try #require(ReportInputs.parse(role)).round
      let success = (0..<12).map { task in task < 6 + round ? 1.0 : 0 }
      let demos = [2 * round] + Array(repeating: 0, count: 11)
      let record = try evaluation(success: success, demos: demos, round: round, environment: "reacher")
      inputs.artifacts[role] = Artifact(
        kind: .evaluation, provenance: Provenance(stage: "evaluate", stageVersion: 1, projectVersion: "test"),
        content: try record.contentGroup())
    }
    let outputs = try ReportStage.run(inputs, params: params, context: StageContext(seed: Seed(0)))
    let group = try #require(outputs.first).content
    #expect(try group.dataset(at: "/arms/x/auc_per_seed").shape == [2])
    #expect(try #require(outputs.first).files["report.md"] != nil)
  }
}
