import Testing

@testable import AMFPipeline

@Suite struct StageGraphTests {
  private func spec(_ name: String, _ inputs: [String: String] = [:]) -> StageRunSpec {
    StageRunSpec(name: name, kind: name, stageVersion: 1, paramsJSON: "{}", seed: 0,
                 inputs: inputs.mapValues { InputReference(run: $0, role: "out") }, outputRoles: ["out"])
  }

  /// Diamond listed out of order:   a ─▶ b ─▶ d
  ///                                 └─▶ c ─┘
  /// Ties (b, c) keep the listed order (c before b here).
  @Test func diamondOrderIsTopologicalAndStable() throws {
    let graph = try StageGraph([spec("d", ["x": "b", "y": "c"]), spec("c", ["x": "a"]), spec("b", ["x": "a"]), spec("a")])
    #expect(graph.order.map(\.name) == ["a", "c", "b", "d"])
    #expect(graph.upstream["d"] == ["c", "b"])
    #expect(graph.closure(downstreamOf: ["b"]) == ["b", "d"])
    #expect(graph.closure(upstreamOf: ["b"]) == ["a", "b"])
    #expect(graph.closure(upstreamOf: ["d"]) == ["a", "c", "b", "d"])
    #expect(graph.closure(upstreamOf: ["a"]) == ["a"])
  }

  /// A Slurm job plans its run's ancestors only: round 2's fine-tuning needs pre-training and round 1.
  @Test func upstreamClosureOfAChain() throws {
    let graph = try StageGraph(TestPlans.chain(rounds: 2))
    #expect(graph.closure(upstreamOf: ["finetune/seed-0/round-2"]) == [
      "pretrain/seed-0", "select/seed-0/round-1", "finetune/seed-0/round-1", "select/seed-0/round-2",
      "finetune/seed-0/round-2",
    ])
  }

  @Test func chainPlanOrder() throws {
    let graph = try StageGraph(TestPlans.chain(rounds: 2))
    #expect(graph.order.map(\.name) == [
      "pretrain/seed-0", "select/seed-0/round-1", "finetune/seed-0/round-1", "evaluate/seed-0/round-1",
      "select/seed-0/round-2", "finetune/seed-0/round-2", "evaluate/seed-0/round-2", "report",
    ])
  }

  @Test func cycleIsNamed() {
    #expect(throws: PipelineError.cycle(path: ["b", "a", "b"])) {
      _ = try StageGraph([spec("a", ["x": "b"]), spec("b", ["x": "a"])])
    }
  }

  @Test func duplicateNameAndUnknownInput() {
    #expect(throws: PipelineError.duplicateRun(name: "a")) { _ = try StageGraph([spec("a"), spec("a")]) }
    #expect(throws: PipelineError.unknownInput(run: "b", role: "x", reference: InputReference(run: "zz", role: "out"))) {
      _ = try StageGraph([spec("b", ["x": "zz"])])
    }
  }

  @Test func keyDependsOnEveryPart() {
    let run = spec("a")
    let base = StageKey.compute(for: run, inputHashes: [:])
    var other = run
    other.seed = 1
    #expect(StageKey.compute(for: other, inputHashes: [:]) != base)
    other = run
    other.stageVersion = 2
    #expect(StageKey.compute(for: other, inputHashes: [:]) != base)
    #expect(StageKey.compute(for: run, inputHashes: ["x": "h"]) != base)
    #expect(StageKey.compute(for: run, inputHashes: [:]) == base)
    #expect(base.count == 64)
  }

  /// The key's canonical material is pinned: a change to it changes every key in every store.
  /// Expected value computed independently: `hashlib.sha256(json.dumps({"inputs": {"embeddings": "abc"},
  /// "params": "{\"strategy\":\"amf\"}", "seed": 3, "stage": "select", "version": 1}, sort_keys=True,
  /// separators=(",", ":")).encode()).hexdigest()` in Python.
  @Test func goldenKey() {
    let run = StageRunSpec(name: "x", kind: "select", stageVersion: 1, paramsJSON: #"{"strategy":"amf"}"#, seed: 3,
                           inputs: [:], outputRoles: ["selection"])
    #expect(StageKey.compute(for: run, inputHashes: ["embeddings": "abc"])
      == "77d2448d0d17fa23b7dc4b797bb377859bcb4db8581e6b0d7c80093670c553b8")
  }

  /// The hand-written key material equals `JSONEncoder`'s canonical JSON, even for awkward strings.
  @Test func handWrittenMaterialEqualsCanonicalJSON() {
    let awkward = "a\"b\\c/d\ne\tf\u{01}g\u{1F}h θ 🤖\r\u{08}\u{0C}"
    let run = StageRunSpec(name: "x", kind: awkward, stageVersion: 12, paramsJSON: #"{"k":"v/\"w\""}"# + awkward,
                           seed: UInt64.max, inputs: [:], outputRoles: [])
    let hashes = ["b": awkward, "a": "h1", "ä": "h2", "Z": "h3"]
    let reference = StageKey.digest(StageKey.referenceMaterial(for: run, inputHashes: hashes))
    #expect(StageKey.compute(for: run, inputHashes: hashes) == reference)
  }
}
