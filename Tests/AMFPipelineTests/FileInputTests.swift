import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// File inputs (`StageRunSpec.files`): a file outside the store whose content hash enters the reading run's
/// key. Changing the file's bytes makes that run and its downstream stale (and nothing else); moving it
/// changes no key; the executor passes it as `--input ROLE=PATH` and refuses a file changed after planning;
/// the lock records its path and hash; plans and locks without file inputs read and write as before.
@Suite(.serialized) struct FileInputTests {
  /// `TestPlans.chain` whose finetune runs also read `file` as `recorded`.
  ///
  ///     recorded.h5 ─recorded─▶ finetune/r1, finetune/r2
  static func chain(reading file: FileInput?, rounds: Int = 2) -> [StageRunSpec] {
    TestPlans.chain(rounds: rounds).map { run in
      var run = run
      if run.kind == "finetune", let file { run.files = ["recorded": file] }
      return run
    }
  }

  final class Fixture {
    let folder: TemporaryDirectory
    let store: Store
    let lockURL: URL
    let recordedURL: URL
    let runner = InProcessRunner()

    init() throws {
      folder = try TemporaryDirectory("amf-file-input")
      store = Store(root: folder.file("store"))
      lockURL = folder.file("pipelines/test.lock.json")
      recordedURL = folder.file("data/recorded.h5")
      try FileManager.default.createDirectory(at: recordedURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    }

    deinit { folder.remove() }

    /// Writes `text` to the recorded file and returns it as a file input.
    func record(_ text: String, at url: URL? = nil) throws -> FileInput {
      let url = url ?? recordedURL
      try Data(text.utf8).write(to: url)
      return FileInput(path: url.path, contentHash: try FileBytesHasher().contentHash(of: url))
    }

    var lock: LockFile { (try? LockFile.read(lockURL, manifest: "test")) ?? LockFile(manifest: "test") }

    func states(_ runs: [StageRunSpec]) throws -> [String: RunState] {
      let planner = Planner(graph: try StageGraph(runs), store: store, lock: lock, hasher: FileBytesHasher())
      return Dictionary(uniqueKeysWithValues: try planner.states().map { ($0.name, $0.state) })
    }

    func reason(_ name: String, _ runs: [StageRunSpec]) throws -> String? {
      if case .stale(let reason, _)? = try states(runs)[name] { return reason.description }
      return nil
    }

    /// Plans `runs`, then (after `between`, e.g. an edit of the file) executes them.
    @discardableResult
    func run(_ runs: [StageRunSpec], between: () throws -> Void = {}) async throws -> RunSummary {
      runner.reset()
      let graph = try StageGraph(runs)
      let states = try Planner(graph: graph, store: store, lock: lock, hasher: FileBytesHasher()).states()
      try between()
      let executor = Executor(
        graph: graph, store: store, hasher: FileBytesHasher(), runner: runner,
        context: RunContext(executable: "test", executableSHA256: "-", projectVersion: "-", host: "h"))
      return try await executor.run(states: states, previousLock: lock, lockURL: lockURL, jobs: 1, keepGoing: false)
    }
  }

  @Test func theFileHashIsAnInputHashOfTheKeyAndThePathIsNot() {
    let spec = Self.chain(reading: FileInput(path: "/data/a.h5", contentHash: String(repeating: "a", count: 64)))[2]
    #expect(spec.kind == "finetune")
    let producers: (String) -> [String: String]? = { _ in ["policy": "p", "selection": "s"] }
    let hashes = Planner.inputHashes(of: spec, outputs: producers)
    #expect(hashes == ["prior": "p", "selection": "s", "recorded": String(repeating: "a", count: 64)])
    let key = ResolvedRun.resolving(spec, outputs: producers)?.key
    #expect(key == StageKey.compute(for: spec, inputHashes: hashes ?? [:]))
    var moved = spec
    moved.files["recorded"]?.path = "/elsewhere/b.h5"
    #expect(ResolvedRun.resolving(moved, outputs: producers)?.key == key)
    var changed = spec
    changed.files["recorded"]?.contentHash = String(repeating: "b", count: 64)
    #expect(ResolvedRun.resolving(changed, outputs: producers)?.key != key)
    // Without the file the run is the plain chain's, key and all.
    let plain = TestPlans.chain(rounds: 2)[2]
    #expect(Planner.inputHashes(of: plain, outputs: producers) == ["prior": "p", "selection": "s"])
  }

  @Test func aFileInputIsNoEdgeButMustBeAbsoluteHashedAndAloneInItsRole() throws {
    let hash = String(repeating: "c", count: 64)
    let graph = try StageGraph(Self.chain(reading: FileInput(path: "/data/a.h5", contentHash: hash)))
    #expect(graph.upstream["finetune/seed-0/round-1"] == ["pretrain/seed-0", "select/seed-0/round-1"])
    var runs = Self.chain(reading: FileInput(path: "data/a.h5", contentHash: hash))
    #expect(throws: PipelineError.invalidFileInput(
      run: "finetune/seed-0/round-1", role: "recorded",
      reason: "has path 'data/a.h5'; file inputs need an absolute path")) { try StageGraph(runs) }
    runs = Self.chain(reading: FileInput(path: "/data/a.h5", contentHash: "abc"))
    #expect(throws: PipelineError.invalidFileInput(
      run: "finetune/seed-0/round-1", role: "recorded",
      reason: "has content hash 'abc', not a SHA-256 (64 lowercase hex digits)")) { try StageGraph(runs) }
    runs = Self.chain(reading: FileInput(path: "/data/a.h5", contentHash: hash))
    runs[2].files = ["prior": FileInput(path: "/data/a.h5", contentHash: hash)]
    #expect(throws: PipelineError.invalidFileInput(
      run: "finetune/seed-0/round-1", role: "prior", reason: "is also another run's output; a role reads one of them")) {
      try StageGraph(runs)
    }
  }

  /// The stage gets the file as an input; the lock records its path (relative to the lock) and hash; new
  /// bytes rerun exactly the finetune runs and their downstream, with the reason `input changed (recorded)`.
  @Test func changedBytesRerunExactlyTheReadersAndTheirDownstream() async throws {
    let fixture = try Fixture()
    let first = try fixture.record("demos v1")
    let summary = try await fixture.run(Self.chain(reading: first))
    #expect(summary.failures.isEmpty && fixture.runner.executedNames.count == 8)
    let entry = try #require(fixture.lock.stages["finetune/seed-0/round-1"])
    #expect(entry.files == ["recorded": "../data/recorded.h5"])
    #expect(entry.inputs["recorded"] == first.contentHash)
    #expect(fixture.lock.stages["select/seed-0/round-1"]?.files == [:])
    // The in-process runner writes the hash of every input it was given into its output.
    let policy = fixture.store.outputURL(key: entry.key, role: "policy", roles: ["policy"])
    #expect(try String(contentsOf: policy, encoding: .utf8).contains("recorded=\(first.contentHash)"))

    let second = try fixture.record("demos v2")
    let runs = Self.chain(reading: second)
    #expect(try fixture.reason("finetune/seed-0/round-1", runs) == "input changed (recorded)")
    #expect(try fixture.reason("evaluate/seed-0/round-1", runs) == "input changed (policy)")
    // Behind a stale producer the file still counts among the changed inputs.
    #expect(try fixture.reason("finetune/seed-0/round-2", runs) == "input changed (recorded, selection)")
    #expect(try fixture.reason("select/seed-0/round-1", runs) == nil)
    #expect(try fixture.reason("pretrain/seed-0", runs) == nil)
    try await fixture.run(runs)
    #expect(fixture.runner.executedNames == [
      "finetune/seed-0/round-1", "evaluate/seed-0/round-1", "select/seed-0/round-2", "finetune/seed-0/round-2",
      "evaluate/seed-0/round-2", "report",
    ])
    #expect(fixture.lock.stages["finetune/seed-0/round-2"]?.inputs["recorded"] == second.contentHash)

    // The same bytes again: the first keys, whose outputs are still in the store; nothing runs.
    try await fixture.run(Self.chain(reading: try fixture.record("demos v1")))
    #expect(fixture.runner.executedNames.isEmpty)
  }

  /// Moving the file changes no key: nothing reruns, and the lock records the new path.
  @Test func aMovedFileRerunsNothingAndTheLockFollowsIt() async throws {
    let fixture = try Fixture()
    try await fixture.run(Self.chain(reading: try fixture.record("demos")))
    let moved = try fixture.record("demos", at: fixture.folder.file("pipelines/recorded.h5"))
    try await fixture.run(Self.chain(reading: moved))
    #expect(fixture.runner.executedNames.isEmpty)
    #expect(fixture.lock.stages["finetune/seed-0/round-2"]?.files == ["recorded": "recorded.h5"])
  }

  /// A file edited after planning is not read under the old key: the run fails naming the file, and its
  /// downstream is skipped.
  @Test func aFileChangedAfterPlanningIsRefused() async throws {
    let fixture = try Fixture()
    let planned = try fixture.record("demos v1")
    let summary = try await fixture.run(Self.chain(reading: planned)) { _ = try fixture.record("demos v2") }
    #expect(!fixture.runner.executedNames.contains("finetune/seed-0/round-1"))
    let failed = try #require(summary.failures.first)
    #expect(failed.name == "finetune/seed-0/round-1")
    guard case .errored(let message) = failed.outcome else {
      Issue.record("expected an orchestrator error, got \(failed.outcome)")
      return
    }
    #expect(message.contains(fixture.recordedURL.path) && message.contains("changed after the plan was made"), "\(message)")
  }

  @Test func plansAndLocksWithoutFileInputsEncodeAsBefore() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let plain = TestPlans.chain(rounds: 1)[2]
    let json = String(decoding: try encoder.encode(plain), as: UTF8.self)
    #expect(!json.contains("files"))
    #expect(try JSONDecoder().decode(StageRunSpec.self, from: Data(json.utf8)) == plain)
    let entry = LockFile.Entry(kind: "k", key: "x", stageVersion: 1, seed: 0, params: .null, inputs: [:], outputs: [:])
    #expect(!String(decoding: try encoder.encode(entry), as: UTF8.self).contains("files"))
  }

  @Test func plansAndLocksWithFileInputsRoundTrip() throws {
    let folder = try TemporaryDirectory("amf-file-input-plan")
    defer { folder.remove() }
    let hash = String(repeating: "d", count: 64)
    let runs = Self.chain(reading: FileInput(path: "/data/a.h5", contentHash: hash))
    let planURL = folder.file("p.plan.json")
    try Data(try DagRenderer.render(try StageGraph(runs), name: "p", format: .json).utf8).write(to: planURL)
    #expect(try PlanFile.read(planURL).runs == (try StageGraph(runs)).order)
    let json = try JSONValue.parse(try Data(contentsOf: planURL))
    guard case .object(let root) = json, case .array(let items)? = root["runs"] else {
      Issue.record("not a plan")
      return
    }
    #expect(items.compactMap(StageRunSpec.init(json:)) == (try StageGraph(runs)).order)  // the fast path

    var lock = LockFile(manifest: "m")
    lock.stages["f"] = LockFile.Entry(
      kind: "finetune", key: hash, stageVersion: 1, seed: 0, params: .null, inputs: ["recorded": hash],
      outputs: ["policy": hash], files: ["recorded": "../data/a.h5"])
    let lockURL = folder.file("m.lock.json")
    try lock.write(to: lockURL)
    #expect(try LockFile.read(lockURL, manifest: "m") == lock)
    #expect(try JSONDecoder().decode(LockFile.self, from: Data(contentsOf: lockURL)) == lock)
    try Data(#"{"schema":1,"manifest":"m","stages":{"f":{"kind":"k","key":"\#(hash)","stage_version":1,"seed":0,"inputs":{},"outputs":{},"files":{"recorded":7}}}}"#.utf8)
      .write(to: lockURL)
    #expect(throws: (any Error).self) { try LockFile.read(lockURL, manifest: "m") }
  }

  @Test(arguments: [
    ("/a/b/data/x.h5", "/a/b", "data/x.h5"),
    ("/a/b/x.h5", "/a/b/c/d", "../../x.h5"),
    ("/a/x.h5", "/a/./b/../b", "../x.h5"),
    ("/x.h5", "/a/b", "/x.h5"),
  ])
  func lockPathsAreRelativeToTheLockFolder(file: String, folder: String, expected: String) {
    #expect(FileInput(path: file, contentHash: "").path(relativeTo: URL(fileURLWithPath: folder)) == expected)
  }

  @Test func theDagShowsTheFile() throws {
    let hash = String(repeating: "e", count: 64)
    let graph = try StageGraph(Self.chain(reading: FileInput(path: "/data/a.h5", contentHash: hash), rounds: 1))
    #expect(DagRenderer.text(graph).contains("finetune/seed-0/round-1\n    prior ← pretrain/seed-0.policy\n    "
      + "recorded ← file /data/a.h5\n    selection ← select/seed-0/round-1.selection"))
    #expect(DagRenderer.dot(graph, name: "p").contains("\"/data/a.h5\" -> \"finetune/seed-0/round-1\" [label=\"recorded\"];"))
    #expect(DagRenderer.mermaid(graph).contains("  f0[/\"/data/a.h5\"/]"))
  }

  /// A queued Slurm job covers a run only for the same file bytes.
  @Test func theSlurmDefinitionHoldsTheFileHash() throws {
    let one = SlurmSubmitter.definitions(
      of: try StageGraph(Self.chain(reading: FileInput(path: "/a.h5", contentHash: String(repeating: "1", count: 64)))))
    let two = SlurmSubmitter.definitions(
      of: try StageGraph(Self.chain(reading: FileInput(path: "/a.h5", contentHash: String(repeating: "2", count: 64)))))
    #expect(one["select/seed-0/round-1"] == two["select/seed-0/round-1"])
    #expect(one["finetune/seed-0/round-1"] != two["finetune/seed-0/round-1"])
    #expect(one["report"] != two["report"])
  }
}
