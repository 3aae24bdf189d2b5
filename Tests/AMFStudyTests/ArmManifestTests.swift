import AMFCore
import AMFEnvironments
import AMFPipeline
import Foundation
import Testing

import AMFStages
@testable import AMFStudy

@Suite struct ArmManifestTests {
  @Test func defaultsFilledFromAMFSpec() throws {
    let arm = try arm("name: a\nenv: {name: reacher}\n")
    #expect(arm.scenario == TaskScenario.targeted)
    #expect(arm.seeds.values == Array(0...9))
    #expect(arm.budget == Budget(demos: 20, batch: 2) && arm.budget.rounds == 10)
    #expect(arm.pretrain.policy == .mlp && arm.pretrain.demosPerTask == 10 && arm.pretrain.steps == 20_000)
    #expect(arm.pretrain.hidden == [64, 64] && arm.pretrain.activation == .tanh && arm.pretrain.batchSize == 256)
    #expect(arm.embed == EmbedSettings() && arm.embed.kind == .lossGradient && arm.embed.stride == 5)
    #expect(arm.select.strategy == .amf && arm.select.importance.importanceWeights && arm.select.importance.clip == 30)
    #expect(arm.finetune.steps == 3000 && arm.finetune.mitigation == .isolation)
    #expect(arm.evaluate.episodes == 20 && arm.report.bootstrapResamples == 10_000 && arm.report.confidence == 0.9)
    #expect(arm.env.goals == nil && arm.env.taskCount == 12)
  }

  @Test func environmentAndPolicyDependentDefaults() throws {
    let kitchen = try arm("name: k\nenv: {name: kitchen}\nscenario: balanced\n")
    #expect(kitchen.pretrain.hidden == [256, 256] && kitchen.env.taskCount == 5)
    let gp = try arm("name: g\nenv: {name: integrator2d}\npretrain: {policy: gp}\n")
    #expect(gp.pretrain.demosPerTask == 1 && gp.env.goals == 12)
    let allocation = try arm("name: g\nenv: {name: integrator2d, goals: 24}\nscenario: {name: allocation, k: 3}\n")
    #expect(allocation.scenario == TaskScenario.allocation(coveredCount: 3) && allocation.env.taskCount == 24)
  }

  @Test func equalAfterDefaultsMeansEqualCanonicalJSON() throws {
    let short = try arm("name: a\nenv: {name: reacher}\n")
    let long = try arm("name: a\nenv: {name: reacher}\nbudget: {demos: 20, batch: 2}\nselect: {is_clip: 30}\n")
    #expect(try CanonicalJSON.string(short) == CanonicalJSON.string(long))
  }

  @Test(arguments: [
    ("0..9", Array(0...9)), ("3..3", [3]), ("[4, 1, 7]", [4, 1, 7]), ("5", [5]), ("\"2..4\"", [2, 3, 4]),
  ])
  func seedsParse(text: String, expected: [Int]) throws {
    #expect(try arm("name: a\nenv: {name: reacher}\nseeds: \(text)\n").seeds.values == expected)
  }

  @Test(arguments: ["9..0", "0...9", "a..b", "[1, 1]", "-1", "[]"])
  func badSeedsAreInvalid(text: String) throws {
    let error = try #require(armError("name: a\nenv: {name: reacher}\nseeds: \(text)\n"))
    guard case .invalidValue(let location, let path, _) = error else {
      Issue.record("expected invalidValue, got \(error)")
      return
    }
    #expect(path == "seeds" && location.line == 3 && location.column == 8)
  }

  @Test func invalidEnumNamesFieldAndListsValues() throws {
    let error = try #require(armError("name: a\nenv: {name: reacher}\nselect: {strategy: amff}\n"))
    guard case .invalidValue(let location, let path, let reason) = error else {
      Issue.record("expected invalidValue, got \(error)")
      return
    }
    #expect(path == "select.strategy" && location.line == 3 && location.column == 20)
    #expect(reason == "'amff' is not one of amf, uncertainty, uniform, rebalancing; did you mean 'amf'?")
    let mitigation = try #require(armError("name: a\nenv: {name: reacher}\nfinetune: {mitigation: off}\n"))
    let expected = "'finetune.mitigation': 'off' is not one of isolation, adaptive_prior, none"
    #expect(mitigation.description.contains(expected))
  }

  @Test func budgetNotDivisible() throws {
    let error = try #require(armError("name: a\nenv: {name: reacher}\nbudget: {demos: 5, batch: 2}\n"))
    guard case .invalidValue(_, let path, let reason) = error else {
      Issue.record("expected invalidValue, got \(error)")
      return
    }
    #expect(path == "budget.demos" && reason.contains("not divisible by batch 2"))
  }

  @Test func unknownKeySuggestsClosest() throws {
    let error = try #require(armError("name: a\nenv: {name: reacher}\nselect: {importance_weight: false}\n"))
    guard case .unknownKey(let location, let path, _, let suggestion) = error else {
      Issue.record("expected unknownKey, got \(error)")
      return
    }
    #expect(path == "select.importance_weight" && suggestion == "importance_weights" && location.column == 10)
  }

  @Test func scenarioMustFitEnvironment() throws {
    let targeted = try #require(armError("name: a\nenv: {name: kitchen}\n"))
    #expect(targeted.description.contains("targeted needs at least 11 tasks"))
    #expect(armError("name: a\nenv: {name: reacher}\nscenario: {name: allocation, k: 3}\n") == nil)
    let allocation = try #require(armError("name: a\nenv: {name: reacher}\nscenario: {name: allocation, k: 13}\n"))
    #expect(allocation.description.contains("'scenario.k': must be ≤ the task count 12 of reacher, found 13"), "\(allocation)")
    let missingK = try #require(armError("name: a\nenv: {name: integrator2d}\nscenario: allocation\n"))
    #expect(missingK.description.contains("allocation needs k"))
    let goals = try #require(armError("name: a\nenv: {name: reacher, goals: 12}\n"))
    #expect(goals.description.contains("'env.goals': only integrator2d has goals"))
    let noise = try #require(armError("name: a\nenv: {name: reacher, expert_noise: {12: 0.5}}\n"))
    #expect(noise.description.contains("task 12 does not exist"))
  }

  @Test func studyManifestLoadsItsArms() throws {
    let files = [
      "Pipelines/base.yaml": "name: base\nenv: {name: reacher}\nseeds: 0\nbudget: {demos: 2, batch: 2}\n",
      "Pipelines/arms/a.yaml": "name: a\nextends: ../base.yaml\n",
      "Pipelines/arms/b.yaml": "name: b\nextends: ../base.yaml\nselect: {strategy: uniform}\n",
      "study.yaml": "name: s\narms: [Pipelines/arms/a.yaml, arms/b.yaml]\nreport: {confidence: 0.95}\n",
      "bad-study.yaml": "name: s\narms: [Pipelines/arms/a.yaml]\nselect: {strategy: amf}\n",
      "twice.yaml": "name: s\narms: [Pipelines/arms/a.yaml, Pipelines/arms/a.yaml]\n",
    ]
    try withManifests(files) { folder, loader in
      guard case .study(let study, let arms) = try PipelineManifest.load("study.yaml", loader: loader) else {
        Issue.record("expected a study")
        return
      }
      #expect(study.name == "s" && study.report.confidence == 0.95)
      #expect(arms.map(\.name) == ["a", "b"] && arms[1].select.strategy == .uniform)
      #expect(throws: ManifestError.unknownKey(
        SourceLocation(file: folder.file("bad-study.yaml").path, line: 3, column: 1), path: "select",
        allowed: ["arms", "description", "expert", "extends", "name", "report"], suggestion: nil)) {
        try PipelineManifest.load("bad-study.yaml", loader: loader)
      }
      #expect(throws: ManifestError.invalidValue(
        SourceLocation(file: folder.file("twice.yaml").path, line: 2, column: 31), path: "arms[1]",
        reason: "two arms are named 'a'; arm names must be unique")) {
        try PipelineManifest.load("twice.yaml", loader: loader)
      }
    }
  }
}
