import AMFCore
import AMFPipeline
import Foundation
import Testing

@testable import AMFStudy

/// The plans behind the pipeline benchmarks (`amf-bench pipeline-plan`) and their DVC and Snakemake twins.
@Suite struct BenchmarkPlansTests {
  static let tiny = BenchmarkPlans.Study(arms: ["amf", "uniform"], seeds: 1, rounds: 1, floats: 0)

  @Test func armNamesAreTheBuiltInsThenNumbered() {
    #expect(BenchmarkPlans.armNames(2) == ["amf", "uniform"])
    #expect(BenchmarkPlans.armNames(7) == ["amf", "uniform", "uncertainty", "no-is", "rebalancing", "arm-5", "arm-6"])
    #expect(BenchmarkPlans.selectMembers(arm: "rebalancing") == #""importance_weights":true,"rebalance":true,"strategy":"amf""#)
    #expect(BenchmarkPlans.selectMembers(arm: "arm-5") == #""strategy":"arm-5""#)
  }

  @Test func paramsAreSortedMembersPlusTheFakeStageKnob() {
    #expect(BenchmarkPlans.params([#""steps":5"#, #""batch":2"#, ""], floats: 0) == #"{"batch":2,"steps":5}"#)
    #expect(BenchmarkPlans.params([], floats: 3) == #"{"fake_floats":3}"#)
  }

  @Test func theStudyHasTheDocumentedRunCount() {
    // arms × seeds × (1 + 4 × rounds) + arms + 1.
    let full = BenchmarkPlans.study(.init(arms: BenchmarkPlans.armNames(5), seeds: 10, rounds: 10, floats: 0))
    #expect(full.count == 2_056)
    #expect(BenchmarkPlans.study(Self.tiny).count == 2 * 1 * 5 + 2 + 1)
  }

  @Test func tinyStudyRunsInOrderWithTheirInputs() throws {
    let runs = BenchmarkPlans.study(Self.tiny)
    #expect(runs.map(\.name) == [
      "amf/pretrain/seed-0", "amf/seed-0/round-1/embed", "amf/seed-0/round-1/select", "amf/seed-0/round-1/finetune",
      "amf/seed-0/round-1/evaluate", "amf/report",
      "uniform/pretrain/seed-0", "uniform/seed-0/round-1/embed", "uniform/seed-0/round-1/select",
      "uniform/seed-0/round-1/finetune", "uniform/seed-0/round-1/evaluate", "uniform/report", "study/report",
    ])
    // One key for every arm's pretrain: same kind, params and seed.
    #expect(runs[0].paramsJSON == runs[6].paramsJSON && runs[0].paramsJSON == #"{"demos_per_task":10,"steps":5000}"#)
    let finetune = runs[3]
    #expect(finetune.inputs["prior"] == InputReference(run: "amf/pretrain/seed-0", role: "policy"))
    #expect(finetune.inputs["selection"] == InputReference(run: "amf/seed-0/round-1/select", role: "selection"))
    #expect(finetune.outputRoles == ["demonstrations", "policy"])
    #expect(runs[2].paramsJSON == #"{"batch":2,"importance_weights":true,"strategy":"amf","round":1}"#)
    #expect(runs[8].paramsJSON == #"{"batch":2,"importance_weights":false,"strategy":"uniform","round":1}"#)
    let study = try #require(runs.last)
    #expect(study.inputs.count == 2 && study.inputs["evaluation.1"]?.run == "uniform/seed-0/round-1/evaluate")
    _ = try StageGraph(runs)
  }

  @Test func trivialPlansAreIndependentOrChained() {
    let independent = BenchmarkPlans.trivial(runs: 3, chained: false, floats: 0)
    #expect(independent.map(\.name) == ["trivial/00000", "trivial/00001", "trivial/00002"])
    #expect(independent.allSatisfy { $0.inputs.isEmpty && $0.kind == "evaluate" })
    #expect(independent[2].paramsJSON == #"{"index":2}"#)
    let chain = BenchmarkPlans.trivial(runs: 3, chained: true, floats: 8)
    #expect(chain[0].inputs.isEmpty)
    #expect(chain[2].inputs == ["policy": InputReference(run: "trivial/00001", role: "evaluation")])
    #expect(chain[1].paramsJSON == #"{"fake_floats":8,"index":1}"#)
  }

  @Test func peersFoldTheSharedPretrainIntoOneFolderPerSeed() {
    #expect(PeerPipelines.peerName("amf/pretrain/seed-3") == "pretrain/seed-3")
    #expect(PeerPipelines.peerName("amf/seed-3/round-1/embed") == "amf/seed-3/round-1/embed")
    #expect(PeerPipelines.path(run: "uniform/pretrain/seed-0", role: "policy") == "out/pretrain/seed-0/policy.bin")
  }

  @Test func dvcHasOneStagePerPeerName() throws {
    let text = try PeerPipelines.dvc(BenchmarkPlans.study(Self.tiny), bytes: 4)
    struct File: Decodable {
      struct Stage: Decodable { var cmd: String; var deps: [String]?; var outs: [String] }
      var stages: [String: Stage]
    }
    let file = try JSONDecoder().decode(File.self, from: Data(text.utf8))
    // 13 runs, the two pretrains fold into one.
    #expect(file.stages.count == 12)
    let pretrain = try #require(file.stages["pretrain_seed-0"])
    #expect(pretrain.deps == nil && pretrain.outs == ["out/pretrain/seed-0/demonstrations.bin", "out/pretrain/seed-0/policy.bin"])
    #expect(pretrain.cmd == "mkdir -p out/pretrain/seed-0 && head -c 4 /dev/urandom > out/pretrain/seed-0/demonstrations.bin"
      + " && head -c 4 /dev/urandom > out/pretrain/seed-0/policy.bin # pretrain seed=0 {\"demos_per_task\":10,\"steps\":5000}")
    let evaluate = try #require(file.stages["uniform_seed-0_round-1_evaluate"])
    #expect(evaluate.deps == ["out/uniform/seed-0/round-1/finetune/policy.bin"])
  }

  @Test func snakefileListsArmsSeedsRoundsAndBytes() {
    let text = PeerPipelines.snakefile(Self.tiny, bytes: 16)
    #expect(text.hasPrefix("# Generated by `amf-bench pipeline-plan --format snakemake`"))
    #expect(text.contains("ARMS = [\"amf\", \"uniform\"]\nSEEDS = range(1)\nROUNDS = range(1, 2)\nBYTES = 16\n"))
    #expect(text.components(separatedBy: "\nrule ").count - 1 == 8)
  }
}

/// The parameter limits live in AMFCore; the seed limit must be the engine's.
@Suite struct LimitAgreementTests {
  @Test func maxSeedIsTheEnginesLimit() {
    #expect(ManifestLimits.maxSeed == Int(InputLimits.maxSeed))
    #expect(ManifestLimits.maxSeed == 9_007_199_254_740_992)
  }
}
