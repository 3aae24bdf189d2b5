import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// A run's key is computed once (`ResolvedRun`); lock entries are built in one place
/// (`FinishedRun.lockEntry`); parameters that are not JSON are refused, never locked as `null`.
@Suite struct LockEntryTests {
  static let select = StageRunSpec(
    name: "select/seed-3/round-1", kind: "select", stageVersion: 1, paramsJSON: #"{"strategy":"amf"}"#, seed: 3,
    inputs: ["embeddings": InputReference(run: "embed", role: "embeddings")], outputRoles: ["selection"])

  /// The golden key of `StageGraphTests.goldenKey` (computed in Python), reached through `ResolvedRun`.
  @Test func resolvedRunCarriesTheGoldenKey() {
    let run = ResolvedRun(Self.select, inputHashes: ["embeddings": "abc"])
    #expect(run.key == "77d2448d0d17fa23b7dc4b797bb377859bcb4db8581e6b0d7c80093670c553b8")
    #expect(run.inputHashes == ["embeddings": "abc"])
  }

  @Test func resolvingWaitsForEveryProducer() {
    #expect(ResolvedRun.resolving(Self.select) { _ in nil } == nil)
    #expect(ResolvedRun.resolving(Self.select) { _ in ["policy": "p"] } == nil)  // wrong role
    let run = ResolvedRun.resolving(Self.select) { $0 == "embed" ? ["embeddings": "abc"] : nil }
    #expect(run?.key == "77d2448d0d17fa23b7dc4b797bb377859bcb4db8581e6b0d7c80093670c553b8")
  }

  @Test func theLockEntryRecordsEveryField() throws {
    let run = ResolvedRun(Self.select, inputHashes: ["embeddings": "abc"])
    let entry = try FinishedRun(run: run, outputs: ["selection": "def"]).lockEntry()
    #expect(entry == LockFile.Entry(
      kind: "select", key: run.key, stageVersion: 1, seed: 3, params: .object(["strategy": .string("amf")]),
      inputs: ["embeddings": "abc"], outputs: ["selection": "def"]))
  }

  @Test(arguments: [
    ("{not json", "invalid JSON at byte 1: expected a key"),
    ("", "invalid JSON at byte 0: unexpected end"),
    (#"{"a":1} x"#, "invalid JSON at byte 8: trailing characters"),
  ])
  func paramsThatAreNotJSONAreRefusedNamingTheRun(params: String, reason: String) {
    var spec = Self.select
    spec.paramsJSON = params
    let finished = FinishedRun(run: ResolvedRun(spec, inputHashes: [:]), outputs: [:])
    let expected = PipelineError.invalidParams(run: "select/seed-3/round-1", reason: reason)
    #expect(throws: expected) { _ = try finished.lockEntry() }
    #expect(throws: expected) { _ = try spec.parsedParams() }
    #expect("\(expected)".hasPrefix("stage run 'select/seed-3/round-1' has parameters that are not JSON (\(reason))"))
  }

  /// The staleness diff needs the run's parameters too: it refuses rather than comparing with `null`.
  @Test func paramChangesRefuseParamsThatAreNotJSON() throws {
    let entry = LockFile.Entry(kind: "select", key: "k", stageVersion: 1, seed: 3, params: .object(["strategy": .string("amf")]),
                               inputs: [:], outputs: [:])
    var spec = Self.select
    spec.paramsJSON = "{oops"
    #expect(throws: PipelineError.invalidParams(run: spec.name, reason: "invalid JSON at byte 1: expected a key")) {
      _ = try Planner.paramChanges(old: entry, new: spec)
    }
    spec.paramsJSON = #"{"strategy":"uniform","batch":2}"#
    spec.seed = 4
    #expect(try Planner.paramChanges(old: entry, new: spec).map(\.description) == [
      "seed 3 → 4", "batch absent → 2", #"strategy "amf" → "uniform""#,
    ])
  }

  static func finished(_ spec: StageRunSpec, _ inputs: [String: String], _ outputs: [String: String]) -> FinishedRun {
    FinishedRun(run: ResolvedRun(spec, inputHashes: inputs), outputs: outputs)
  }

  @Test func updatedKeepsRecordedEntriesReplacesChangedOnesAndDropsRunsGone() throws {
    let pretrain = StageRunSpec(name: "pretrain", kind: "pretrain", stageVersion: 2, paramsJSON: #"{"steps":5}"#, seed: 0,
                                inputs: [:], outputRoles: ["policy"])
    let evaluate = StageRunSpec(name: "evaluate", kind: "evaluate", stageVersion: 1, paramsJSON: "{}", seed: 0,
                                inputs: ["policy": InputReference(run: "pretrain", role: "policy")], outputRoles: ["evaluation"])
    let graph = try StageGraph([pretrain, evaluate])
    let done = Self.finished(pretrain, [:], ["policy": "p1"])
    // An old entry that records the same run is kept as it is, even with params that differ in form.
    var recorded = try done.lockEntry()
    recorded.params = .object(["steps": .number(5), "kept": .bool(true)])
    var previous = LockFile(manifest: "m", stages: ["pretrain": recorded])
    previous.reportFolder = "m.report"
    previous.stages["gone"] = recorded
    previous.stages["evaluate"] = LockFile.Entry(kind: "evaluate", key: "old", stageVersion: 1, seed: 0, params: .null,
                                                 inputs: ["policy": "p0"], outputs: ["evaluation": "e0"])
    let kept = try previous.updated(graph: graph, finished: ["pretrain": done])
    #expect(kept.stages["pretrain"] == recorded)
    #expect(kept.stages["evaluate"] == previous.stages["evaluate"])  // not finished now: old entry stays
    #expect(kept.stages["gone"] == nil)
    #expect(kept.reportFolder == "m.report" && kept.manifest == "m")
    // New outputs (same key) replace the entry.
    let redone = Self.finished(pretrain, [:], ["policy": "p2"])
    let evaluated = Self.finished(evaluate, ["policy": "p2"], ["evaluation": "e2"])
    let replaced = try previous.updated(graph: graph, finished: ["pretrain": redone, "evaluate": evaluated])
    #expect(replaced.stages["pretrain"] == (try redone.lockEntry()))
    #expect(replaced.stages["pretrain"]?.params == .object(["steps": .number(5)]))
    #expect(replaced.stages["evaluate"]?.key == evaluated.run.key)
    #expect(replaced.stages["evaluate"]?.inputs == ["policy": "p2"])
  }

  @Test func upToDateStatesBecomeFinishedRunsWithThePlannersKeys() throws {
    let graph = try StageGraph(TestPlans.chain(rounds: 1))
    let states: [(name: String, state: RunState)] = [
      ("pretrain/seed-0", .upToDate(key: "K0", outputs: ["demonstrations": "d", "policy": "p"])),
      ("select/seed-0/round-1", .upToDate(key: "K1", outputs: ["selection": "s"])),
      ("finetune/seed-0/round-1", .stale(.new, key: "K2")),
      ("evaluate/seed-0/round-1", .stale(.new, key: nil)),
    ]
    let finished = FinishedRun.upToDate(states, graph: graph)
    #expect(finished.keys.sorted() == ["pretrain/seed-0", "select/seed-0/round-1"])
    #expect(finished["select/seed-0/round-1"]?.run.key == "K1")
    #expect(finished["select/seed-0/round-1"]?.run.inputHashes == ["policy": "p"])
    #expect(finished["pretrain/seed-0"]?.outputs == ["demonstrations": "d", "policy": "p"])
  }

  /// End to end: a run with malformed params executes, but the lock refuses it; nothing is locked as null.
  @Test func aRunWithMalformedParamsIsNotLocked() async throws {
    var runs = TestPlans.chain(rounds: 1)
    let index = try #require(runs.firstIndex { $0.name == "evaluate/seed-0/round-1" })
    runs[index].paramsJSON = #"{"episodes":4"#
    let fixture = try StalenessTests.Fixture(runs)
    await #expect(throws: PipelineError.invalidParams(
      run: "evaluate/seed-0/round-1", reason: "invalid JSON at byte 13: unterminated object")) {
      try await fixture.run()
    }
    #expect(!FileManager.default.fileExists(atPath: fixture.lockURL.path))
  }
}
