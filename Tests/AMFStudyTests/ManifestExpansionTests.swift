import AMFPipeline
import AMFTestSupport
import Foundation
import Testing

import AMFStages
@testable import AMFStudy

@Suite struct ManifestExpansionTests {
  private let oneSeedTwoRounds = "name: x\nenv: {name: reacher}\nseeds: 3\nbudget: {demos: 4, batch: 2}\n"

  @Test func runNamesInOrder() throws {
    let runs = try arm(oneSeedTwoRounds).stageRuns()
    #expect(runs.map(\.name) == [
      "pretrain/seed-3", "evaluate/seed-3/round-0",
      "embed/seed-3/round-1", "select/seed-3/round-1", "finetune/seed-3/round-1", "evaluate/seed-3/round-1",
      "embed/seed-3/round-2", "select/seed-3/round-2", "finetune/seed-3/round-2", "evaluate/seed-3/round-2",
      "report",
    ])
    #expect(runs.allSatisfy { $0.stageVersion == (StageKind(rawValue: $0.kind)?.algorithmVersion ?? 0) })
    #expect(runs.last?.stageVersion == 2 && runs.first?.stageVersion == 1)
    #expect(runs.dropLast().allSatisfy { $0.seed == 3 })
  }

  @Test func inputsAreWired() throws {
    let runs = Dictionary(uniqueKeysWithValues: try arm(oneSeedTwoRounds).stageRuns().map { ($0.name, $0) })
    func ref(_ run: String, _ role: String) -> InputReference { InputReference(run: run, role: role) }
    #expect(runs["pretrain/seed-3"]?.inputs == [:])
    #expect(runs["pretrain/seed-3"]?.outputRoles == ["demonstrations", "policy"])
    #expect(runs["evaluate/seed-3/round-0"]?.inputs == ["policy": ref("pretrain/seed-3", "policy")])
    #expect(runs["embed/seed-3/round-1"]?.inputs == ["policy": ref("pretrain/seed-3", "policy")])
    #expect(runs["embed/seed-3/round-2"]?.inputs == [
      "policy": ref("finetune/seed-3/round-1", "policy"),
      "demonstrations": ref("finetune/seed-3/round-1", "demonstrations"),
    ])
    #expect(runs["select/seed-3/round-2"]?.inputs == ["embeddings": ref("embed/seed-3/round-2", "embeddings")])
    #expect(runs["finetune/seed-3/round-1"]?.inputs == [
      "prior": ref("pretrain/seed-3", "policy"), "selection": ref("select/seed-3/round-1", "selection"),
    ])
    #expect(runs["finetune/seed-3/round-2"]?.inputs == [
      "prior": ref("pretrain/seed-3", "policy"), "selection": ref("select/seed-3/round-2", "selection"),
      "demonstrations": ref("finetune/seed-3/round-1", "demonstrations"),
    ])
    #expect(runs["evaluate/seed-3/round-2"]?.inputs == [
      "policy": ref("finetune/seed-3/round-2", "policy"),
      "demonstrations": ref("finetune/seed-3/round-2", "demonstrations"),
    ])
    #expect(runs["report"]?.inputs == [
      "evaluation/x/seed-3/round-0": ref("evaluate/seed-3/round-0", "evaluation"),
      "evaluation/x/seed-3/round-1": ref("evaluate/seed-3/round-1", "evaluation"),
      "evaluation/x/seed-3/round-2": ref("evaluate/seed-3/round-2", "evaluation"),
    ])
  }

  @Test func rebalancingReadsPretrainingDemonstrations() throws {
    let runs = try arm(oneSeedTwoRounds + "select: {strategy: rebalancing}\n").stageRuns()
    let select = try #require(runs.first { $0.name == "select/seed-3/round-1" })
    #expect(select.inputs["pretraining"] == InputReference(run: "pretrain/seed-3", role: "demonstrations"))
  }

  @Test func armsDifferingOnlyInSelectShareUpstreamStages() throws {
    let amf = try arm(oneSeedTwoRounds + "select: {strategy: amf}\nfinetune: {steps: 5}\n").stageRuns()
    let uniform = try arm(oneSeedTwoRounds + "select: {strategy: uniform}\nfinetune: {steps: 5}\n").stageRuns()
    let noIS = try arm(oneSeedTwoRounds + "select: {importance_weights: false}\nfinetune: {steps: 5}\n").stageRuns()
    func spec(_ runs: [StageRunSpec], _ name: String) -> StageRunSpec? { runs.first { $0.name == name } }
    for name in ["pretrain/seed-3", "evaluate/seed-3/round-0"] {
      #expect(spec(amf, name) == spec(uniform, name))
    }
    // Uniform reads no embeddings, so its arm has no embed runs.
    #expect(spec(uniform, "embed/seed-3/round-1") == nil && spec(amf, "embed/seed-3/round-1") != nil)
    #expect(spec(uniform, "select/seed-3/round-1")?.inputs.isEmpty == true)
    #expect(spec(amf, "pretrain/seed-3") == spec(noIS, "pretrain/seed-3"))
    #expect(spec(amf, "embed/seed-3/round-1")?.paramsJSON != spec(noIS, "embed/seed-3/round-1")?.paramsJSON)
    #expect(spec(amf, "select/seed-3/round-1")?.paramsJSON != spec(uniform, "select/seed-3/round-1")?.paramsJSON)
    let changedBudget = try arm("name: x\nenv: {name: reacher}\nseeds: 3\nbudget: {demos: 8, batch: 4}\n")
    #expect(try changedBudget.stageRuns().first == amf.first)
  }

  @Test func studyPrefixesArmsAndAddsOneReport() throws {
    let files = [
      "base.yaml": oneSeedTwoRounds,
      "a.yaml": "extends: base.yaml\nname: a\n",
      "b.yaml": "extends: base.yaml\nname: b\nselect: {strategy: uniform}\n",
      "study.yaml": "name: s\narms: [a.yaml, b.yaml]\n",
    ]
    try withManifests(files) { _, loader in
      let runs = try PipelineManifest.load("study.yaml", loader: loader).stageRuns()
      #expect(runs.count == 11 + 9 + 1)  // b (uniform) has no embed runs
      #expect(runs.first?.name == "a/pretrain/seed-3" && runs[11].name == "b/pretrain/seed-3")
      #expect(runs[10].name == "a/report" && runs[19].name == "b/report")
      #expect(runs.filter { !$0.name.contains("/") }.map(\.name) == ["report"])
      let report = try #require(runs.last)
      #expect(report.name == "report" && report.inputs.count == 6)
      #expect(report.inputs["evaluation/b/seed-3/round-2"] == InputReference(
        run: "b/evaluate/seed-3/round-2", role: "evaluation"))
      #expect(runs[0].paramsJSON == runs[11].paramsJSON)
    }
  }

  @Test func everyCommittedPipelineLoadsAndExpands() throws {
    let pipelines = repositoryRoot.appendingPathComponent("Pipelines")
    let loader = ManifestLoader(workingDirectory: repositoryRoot, pipelinesDirectory: pipelines)
    let files = try #require(FileManager.default.enumerator(atPath: pipelines.path)).compactMap { $0 as? String }
      .filter { $0.hasSuffix(".yaml") }.sorted()
    // 8 bases, 5 default arms, 43 studies with their arms, the smoke set; issue #21's 12 paper studies (55 files)
    #expect(files.count == 305)
    for file in files {
      let runs = try PipelineManifest.load(file, loader: loader).stageRuns()
      #expect(Set(runs.map(\.name)).count == runs.count, "\(file)")
    }
    let study = try PipelineManifest.load("studies/reacher-targeted.yaml", loader: loader).stageRuns()
    // amf, uncertainty and no-is embed every round; uniform and rebalancing do not (10 fewer runs per seed).
    #expect(study.count == 3 * (10 * 42 + 1) + 2 * (10 * 32 + 1) + 1)
    #expect(Set(study.filter { $0.kind == "pretrain" }.map(\.paramsJSON)).count == 1)
  }

  /// Issue #21's batch-size study: N = 20 in rounds of B = 1 (20 rounds) and B = 5 (4 rounds); amf embeds and
  /// selects every round, uniform does not embed. Its pre-training is the main reacher × mismatch study's.
  @Test func thePaperBatchStudyHasTheRoundsItsBatchesGive() throws {
    let pipelines = repositoryRoot.appendingPathComponent("Pipelines")
    let loader = ManifestLoader(workingDirectory: repositoryRoot, pipelinesDirectory: pipelines)
    let runs = try PipelineManifest.load("studies/paper/reacher-mismatch-batch.yaml", loader: loader).stageRuns()
    func count(_ arm: String, _ kind: String) -> Int { runs.filter { $0.name.hasPrefix(arm + "/" + kind + "/") }.count }
    #expect(count("amf-b1", "select") == 10 * 20 && count("amf-b1", "evaluate") == 10 * 21)
    #expect(count("amf-b5", "select") == 10 * 4 && count("amf-b5", "embed") == 10 * 4)
    #expect(count("uniform-b1", "finetune") == 10 * 20 && count("uniform-b1", "embed") == 0)
    let main = try PipelineManifest.load("studies/reacher-mismatch.yaml", loader: loader).stageRuns()
    #expect(Set(runs.filter { $0.kind == "pretrain" }.map(\.paramsJSON))
      == Set(main.filter { $0.kind == "pretrain" }.map(\.paramsJSON)))
  }

  @Test func smokeNoISSelectParamsGolden() throws {
    let pipelines = repositoryRoot.appendingPathComponent("Pipelines")
    let loader = ManifestLoader(workingDirectory: repositoryRoot, pipelinesDirectory: pipelines)
    let runs = try PipelineManifest.load("smoke/ablations/no-is.yaml", loader: loader).stageRuns()
    let select = try #require(runs.first { $0.name == "select/seed-0/round-1" })
    let outcome = Golden.check(select.paramsJSON + "\n", named: "smoke-no-is-select-params.json")
    #expect(outcome == .matches)
  }
}
