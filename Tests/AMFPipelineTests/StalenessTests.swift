import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// Every stale reason, the no-op rerun, and exact reruns after a change, on the in-process runner.
@Suite struct StalenessTests {
  final class Fixture {
    let folder: TemporaryDirectory
    let store: Store
    let lockURL: URL
    let runner = InProcessRunner()
    var runs: [StageRunSpec]

    init(_ runs: [StageRunSpec]) throws {
      folder = try TemporaryDirectory("amf-staleness")
      store = Store(root: folder.file("store"))
      lockURL = folder.file("test.lock.json")
      self.runs = runs
    }

    deinit { folder.remove() }

    var lock: LockFile { (try? LockFile.read(lockURL, manifest: "test")) ?? LockFile(manifest: "test") }

    func states(forced: Set<String> = []) throws -> [String: RunState] {
      let planner = Planner(graph: try StageGraph(runs), store: store, lock: lock, hasher: FileBytesHasher(), forced: forced)
      return Dictionary(uniqueKeysWithValues: try planner.states().map { ($0.name, $0.state) })
    }

    func reason(_ name: String, forced: Set<String> = []) throws -> String? {
      if case .stale(let reason, _)? = try states(forced: forced)[name] { return reason.description }
      return nil
    }

    @discardableResult
    func run(forced: Set<String> = [], jobs: Int = 1, keepGoing: Bool = false) async throws -> RunSummary {
      runner.reset()
      let graph = try StageGraph(runs)
      let planner = Planner(graph: graph, store: store, lock: lock, hasher: FileBytesHasher(), forced: forced)
      let executor = Executor(graph: graph, store: store, hasher: FileBytesHasher(), runner: runner,
                              context: RunContext(executable: "test", executableSHA256: "-", projectVersion: "-", host: "h"))
      return try await executor.run(states: try planner.states(), previousLock: lock, lockURL: lockURL, jobs: jobs,
                                    keepGoing: keepGoing)
    }
  }

  @Test func freshRunThenNothing() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 2))
    #expect(try fixture.reason("report") == "new")
    try await fixture.run()
    #expect(fixture.runner.executedNames.count == 8)
    #expect(fixture.lock.stages.count == 8)
    try await fixture.run()
    #expect(fixture.runner.executedNames.isEmpty)
    #expect(try fixture.states().values.allSatisfy { if case .upToDate = $0 { true } else { false } })
  }

  /// Changing round 2's finetune steps reruns exactly it and what reads from it, nothing upstream.
  @Test func paramChangeRerunsExactlyItsDependents() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 3))
    try await fixture.run()
    fixture.runs = TestPlans.chain(rounds: 3, finetuneSteps: { _, round in round == 2 ? 60 : 50 })
    #expect(try fixture.reason("finetune/seed-0/round-2") == "params changed (steps 50 → 60)")
    #expect(try fixture.reason("evaluate/seed-0/round-2") == "input changed (policy)")
    #expect(try fixture.reason("finetune/seed-0/round-1") == nil)
    try await fixture.run()
    #expect(fixture.runner.executedNames == [
      "finetune/seed-0/round-2", "evaluate/seed-0/round-2", "select/seed-0/round-3", "finetune/seed-0/round-3",
      "evaluate/seed-0/round-3", "report",
    ])
  }

  @Test func stageVersionChange() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    fixture.runs[0].stageVersion = 2
    #expect(try fixture.reason("pretrain/seed-0") == "stage version changed (1 → 2)")
  }

  @Test func artifactMissingAndCorrupt() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let states = try fixture.states()
    let key = try #require(states["evaluate/seed-0/round-1"]?.key)
    let url = fixture.store.outputURL(key: key, role: "evaluation", roles: ["evaluation"])
    try Data("tampered".utf8).write(to: url)
    // Bytes other than those its run wrote: stale for that run, and so unknown to its dependents.
    #expect(try fixture.reason("evaluate/seed-0/round-1")?.hasPrefix("artifact is not what its run wrote") == true)
    #expect(try fixture.reason("report") == "input changed (evaluation/seed-0/round-1)")
    try FileManager.default.removeItem(at: url)
    #expect(try fixture.reason("evaluate/seed-0/round-1") == "artifact missing")
    try await fixture.run()
    #expect(fixture.runner.executedNames == ["evaluate/seed-0/round-1"])
  }

  /// A record written before issue #17 has no byte digests: a hasher that refuses the file stands for an
  /// artifact whose stored hash does not match.
  @Test func artifactCorruptIsRebuilt() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let key = try #require(try fixture.states()["pretrain/seed-0"]?.key)
    var record = try #require(RunRecord.read(fixture.store.recordURL(key: key)))
    record.outputs = nil
    try record.write(to: fixture.store.recordURL(key: key))
    struct Refusing: ContentHasher {
      let refused: String
      func contentHash(of url: URL) throws -> String {
        if url.path == refused { throw PipelineError.unreadable(path: url.path, reason: "hash mismatch") }
        return try FileBytesHasher().contentHash(of: url)
      }
      func save() throws {}
    }
    let refused = fixture.store.outputURL(key: key, role: "policy", roles: ["demonstrations", "policy"]).path
    let planner = Planner(graph: try StageGraph(fixture.runs), store: fixture.store, lock: fixture.lock,
                          hasher: Refusing(refused: refused))
    let state = try planner.states().first { $0.name == "pretrain/seed-0" }?.state
    #expect(state == .stale(.artifactCorrupt, key: key))
  }

  @Test func forcedAndIncomplete() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    #expect(try fixture.reason("select/seed-0/round-1", forced: ["select/seed-0/round-1"]) == "forced")
    try await fixture.run(forced: ["select/seed-0/round-1"])
    // Forcing reruns the run; identical output means nothing downstream reruns (early cutoff).
    #expect(fixture.runner.executedNames == ["select/seed-0/round-1"])
    let key = try #require(try fixture.states()["evaluate/seed-0/round-1"]?.key)
    try FileManager.default.removeItem(at: fixture.store.outputURL(key: key, role: "evaluation", roles: ["evaluation"]))
    // A marker of another host (a Slurm job on another node) cannot be checked from here: not stale.
    try Data("999999 another-node\n".utf8).write(to: fixture.store.markerURL(key: key))
    #expect(try fixture.reason("evaluate/seed-0/round-1") == "artifact missing")
    // One of this host whose process is gone is.
    try Data("999999 \(ProcessInfo.processInfo.hostName)\n".utf8).write(to: fixture.store.markerURL(key: key))
    #expect(try fixture.reason("evaluate/seed-0/round-1") == "incomplete")
    try await fixture.run()
    #expect(!FileManager.default.fileExists(atPath: fixture.store.markerURL(key: key).path))
  }

  @Test func seedChangeIsAParamChange() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    fixture.runs[0].seed = 5
    #expect(try fixture.reason("pretrain/seed-0") == "params changed (seed 0 → 5)")
  }

  /// Two arms with the same pre-training: the second finds it at its key.
  @Test func armsSharingPretrainComputeItOnce() async throws {
    let runs = TestPlans.chain(rounds: 1, prefix: "a/")
    let other = TestPlans.chain(rounds: 1, prefix: "b/", selectStrategy: "uniform").filter { $0.kind != "pretrain" }
    let fixture = try Fixture(runs + other.map { run in
      var run = run
      run.name = run.name.replacingOccurrences(of: "report", with: "b/report")
      return run
    })
    try await fixture.run(jobs: 2)
    #expect(fixture.runner.executedNames.filter { $0.hasPrefix("pretrain") }.count == 1)
    #expect(fixture.runner.executedNames.count == 1 + 2 * 4)
  }

  @Test func failureSkipsDependentsAndKeepGoingRunsTheRest() async throws {
    let fixture = try Fixture(TestPlans.chain(seeds: [0, 1], rounds: 1))
    fixture.runner.failing = ["finetune/seed-0/round-1"]
    let stopped = try await fixture.run(jobs: 1)
    let outcome = Dictionary(uniqueKeysWithValues: stopped.outcomes.map { ($0.name, $0.outcome) })
    #expect(outcome["evaluate/seed-0/round-1"] == .skipped(reason: "upstream finetune/seed-0/round-1 did not succeed"))
    #expect(stopped.failures.map(\.name) == ["finetune/seed-0/round-1"])
    let kept = try await fixture.run(jobs: 1, keepGoing: true)
    let keptOutcome = Dictionary(uniqueKeysWithValues: kept.outcomes.map { ($0.name, $0.outcome) })
    #expect(keptOutcome["evaluate/seed-1/round-1"]?.isSuccess == true)
    #expect(keptOutcome["report"] == .skipped(reason: "upstream evaluate/seed-0/round-1 did not succeed"))
  }

  @Test func lockRecordsParamsAndHashes() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let entry = try #require(fixture.lock.stages["finetune/seed-0/round-1"])
    #expect(entry.params == .object(["round": .number(1), "steps": .number(50)]))
    #expect(entry.inputs.keys.sorted() == ["prior", "selection"])
    #expect(entry.outputs.keys.sorted() == ["policy"])
    let text = try String(contentsOf: fixture.lockURL, encoding: .utf8)
    #expect(text.contains("\"stage_version\" : 1"))
  }
}
