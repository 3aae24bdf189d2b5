import AMFCore
import AMFPipeline
import Foundation
import Testing

import AMFStages
@testable import AMFStudy

/// Every count and size a manifest or `--param` sets has an upper limit, checked when decoded, before any
/// work (issue #17; docs/stages.md, "Limits"): the error names the key, the value, the limit and why.
@Suite struct ManifestLimitTests {
  static let base = "name: a\nenv: {name: reacher}\n"

  /// (YAML line appended to an arm, the key path reported, the text the reason contains).
  static let overLimit: [(String, String, String)] = [
    ("budget: {demos: 2000000000}", "budget.demos", "2000000000 is over the limit of 100000"),
    ("budget: {demos: 2000, batch: 2000}", "budget.batch", "2000 is over the limit of 1000"),
    ("pretrain: {steps: 10000001}", "pretrain.steps", "10000001 is over the limit of 10000000"),
    ("pretrain: {demos_per_task: 20000}", "pretrain.demos_per_task", "over the limit of 10000"),
    ("pretrain: {batch_size: 100000}", "pretrain.batch_size", "over the limit of 65536"),
    ("pretrain: {hidden: [4096]}", "pretrain.hidden", "over the limit of 8 layers of at most 2048 units"),
    ("pretrain: {hidden: [8, 8, 8, 8, 8, 8, 8, 8, 8]}", "pretrain.hidden", "over the limit of 8 layers"),
    ("embed: {rollouts_per_task: 5000}", "embed.rollouts_per_task", "over the limit of 1000"),
    ("embed: {kind: dropout, dropout_passes: 1001}", "embed.dropout_passes", "over the limit of 1000"),
    ("finetune: {steps: 99999999}", "finetune.steps", "over the limit of 10000000"),
    ("finetune: {batch_size: 70000}", "finetune.batch_size", "over the limit of 65536"),
    ("finetune: {mitigation: adaptive_prior, prior_rehearsal: 1001}", "finetune.prior_rehearsal",
     "over the limit of 1000"),
    ("evaluate: {episodes: 10001}", "evaluate.episodes", "10001 is over the limit of 10000"),
    ("report: {bootstrap_resamples: 1000001}", "report.bootstrap_resamples", "over the limit of 1000000"),
    ("seeds: 0..100000000", "seeds", "range 0..100000000 has 100000001 seeds, over the limit of 10000 per arm"),
    ("seeds: [9007199254740993]", "seeds", "seed 9007199254740993 is over the limit of 2^53"),
    ("seeds: -5..3", "seeds", "seeds must be ≥ 0, found -5"),
  ]

  @Test(arguments: overLimit)
  func valuesOverTheirLimitAreRefusedNamingKeyLimitAndWhy(yaml: String, path: String, reason: String) throws {
    let error = try #require(armError(Self.base + yaml + "\n"))
    guard case .invalidValue(let location, let found, let text) = error else {
      Issue.record("expected invalidValue, got \(error)")
      return
    }
    #expect(found == path && location.line == 3)
    #expect(text.contains(reason), "\(text)")
    #expect(text.contains("Limits") || path == "seeds", "\(text)")
    #expect(!error.description.contains("\n"))
  }

  @Test func integrator2dGoalsAreLimited() throws {
    let error = try #require(armError("name: a\nenv: {name: integrator2d, goals: 1001}\nscenario: mismatch\n"))
    #expect(error.description.contains("'env.goals'") && error.description.contains("over the limit of 1000"))
  }

  /// The values at each limit are accepted (these only decode, nothing runs).
  @Test func valuesAtTheLimitDecode() throws {
    let seeds = try arm(Self.base + "seeds: 0..9999\nbudget: {demos: 2, batch: 2}\n")
    #expect(seeds.seeds.values.count == 10_000 && seeds.stageRunCount == 10_000 * 6 + 1)
    let sizes = try arm(
      Self.base + "seeds: 0\nbudget: {demos: 100000, batch: 1000}\npretrain: {hidden: [2048, 8, 8, 8, 8, 8, 8, 8]}\n"
        + "evaluate: {episodes: 10000}\n")
    #expect(sizes.budget.rounds == 100 && sizes.pretrain.hidden.count == 8)
  }

  /// A manifest that expands to too many stage runs is refused by counting, before any run is made.
  @Test func stageRunsAreCountedAndLimitedBeforeExpansion() throws {
    let within = try arm(Self.base + "seeds: 0..9\n")
    #expect(within.stageRunCount == 10 * (2 + 10 * 4) + 1)
    #expect(try within.stageRuns().count == within.stageRunCount)
    let uniform = try arm(Self.base + "seeds: 0..1\nselect: {strategy: uniform}\n")
    #expect(try uniform.stageRuns().count == uniform.stageRunCount)
    let error = try #require(armError(Self.base + "seeds: 0..9999\nbudget: {demos: 1000, batch: 1}\n"))
    guard case .limitExceeded(let location, let reason) = error else {
      Issue.record("expected limitExceeded, got \(error)")
      return
    }
    #expect(location.line == 1)
    #expect(reason.contains("expands to \(10_000 * (2 + 1000 * 4) + 1) stage runs, over the limit of 100000"))
  }

  @Test func aStudyCountsEveryArm() throws {
    let files = [
      "study.yaml": "name: s\narms: [a.yaml, b.yaml]\n",
      "a.yaml": "name: a\nenv: {name: reacher}\nseeds: 0..999\nbudget: {demos: 100, batch: 2}\n",
      "b.yaml": "name: b\nenv: {name: reacher}\nseeds: 0..999\nbudget: {demos: 100, batch: 2}\n",
    ]
    try withManifests(files) { _, loader in
      do {
        _ = try PipelineManifest.load("study.yaml", loader: loader)
        Issue.record("a study of 404003 stage runs loaded")
      } catch let error as ManifestError {
        // Per arm: 1000 seeds × (pretrain, round-0 evaluation, 50 rounds × 4) and its report; one study report.
        let runs: Int = 2 * (1000 * (2 + 50 * 4) + 1) + 1
        #expect(error.description.contains("expands to \(runs) stage runs"), "\(error)")
      }
    }
  }

  /// A hand-run stage's `--param` goes through the same checks (a select with batch 100000 ran for minutes).
  @Test(arguments: [
    ("batch=100000", "batch"), ("round=100001", "round"), ("task_count=5000", "task_count"),
  ])
  func handRunParamsOverTheLimitAreRefused(override: String, path: String) throws {
    let document = try ParamsResolver.merged(fileText: nil, overrides: [override])
    #expect(throws: StageError.self) { _ = try ParamsResolver.decode(SelectParams.self, from: document) }
    do {
      _ = try ParamsResolver.decode(SelectParams.self, from: document)
    } catch let StageError.invalidParameter(found, reason) {
      #expect(found == path && reason.contains("over the limit of"), "\(reason)")
    }
  }

  /// Every committed manifest is within the limits (they reject nothing the repository runs), and the run
  /// count computed without expanding is the expanded one.
  @Test func everyCommittedManifestIsWithinTheLimits() throws {
    let root = repositoryRoot.appendingPathComponent("Pipelines")
    let loader = ManifestLoader(workingDirectory: repositoryRoot, pipelinesDirectory: root)
    let walker = FileManager.default.enumerator(atPath: root.path)
    var count = 0
    while let path = walker?.nextObject() as? String {
      guard path.hasSuffix(".yaml") else { continue }
      let manifest = try PipelineManifest.load(root.appendingPathComponent(path).path, loader: loader)
      #expect(manifest.stageRunCount <= InputLimits.stageRuns, "\(path)")
      #expect(try manifest.stageRuns().count == manifest.stageRunCount, "\(path)")
      count += 1
    }
    #expect(count > 20)
  }
}
