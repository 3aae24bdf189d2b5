import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// The executor's pieces on their own: input paths from finished runs, one execution under its key
/// lock (reuse, forcing, failure and its run record), and the summary and log of a whole run.
@Suite struct ExecutorPiecesTests {
  final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var all: [String] { lock.withLock { stored } }
  }

  static func executor(_ fixture: StalenessTests.Fixture, lines: Lines = Lines()) throws -> Executor {
    Executor(graph: try StageGraph(fixture.runs), store: fixture.store, hasher: FileBytesHasher(), runner: fixture.runner,
             context: RunContext(executable: "test", executableSHA256: "-", projectVersion: "-", host: "h"),
             log: { lines.append($0) })
  }

  static let pretrain = TestPlans.chain(rounds: 1)[0]

  @Test func inputPathsAreTheProducersOutputsAtTheProducersKeys() throws {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    let executor = try Self.executor(fixture)
    let produced = FinishedRun(run: ResolvedRun(Self.pretrain, inputHashes: [:], key: "K0"),
                               outputs: ["demonstrations": "d", "policy": "p"])
    let finetune = try #require(fixture.runs.first { $0.name == "finetune/seed-0/round-1" })
    let urls = executor.inputURLs(of: finetune, finished: ["pretrain/seed-0": produced])
    // The selection's producer has not finished: only the prior is known.
    #expect(urls == ["prior": fixture.store.outputURL(key: "K0", role: "policy", roles: ["demonstrations", "policy"])])
    #expect(urls["prior"]?.lastPathComponent.hasPrefix("K0") == true)
  }

  @Test func anExecutionComputesOnceThenReuses() async throws {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    let executor = try Self.executor(fixture)
    let run = ResolvedRun(Self.pretrain, inputHashes: [:])
    let first = try await executor.execute(run, inputURLs: [:], forced: false).get()
    guard case .succeeded = first.1 else { Issue.record("expected a computation, got \(first.1)"); return }
    #expect(first.0.keys.sorted() == ["demonstrations", "policy"])
    let policy = fixture.store.outputURL(key: run.key, role: "policy", roles: Self.pretrain.outputRoles)
    #expect(first.0["policy"] == (try FileBytesHasher().contentHash(of: policy)))
    // Not forced: the outputs at the key are used. Forced: this executor computed the key already.
    #expect(try await executor.execute(run, inputURLs: [:], forced: false).get().1 == .reused)
    #expect(try await executor.execute(run, inputURLs: [:], forced: true).get().1 == .reused)
    #expect(fixture.runner.executedNames == ["pretrain/seed-0"])
    // A new executor (a new `run --force`) recomputes it.
    let again = try await Self.executor(fixture).execute(run, inputURLs: [:], forced: true).get()
    guard case .succeeded = again.1 else { Issue.record("expected a recomputation, got \(again.1)"); return }
    #expect(fixture.runner.executedNames == ["pretrain/seed-0", "pretrain/seed-0"])
    #expect(again.0 == first.0)
    let record = try #require(RunRecord.read(fixture.store.recordURL(key: run.key)))
    #expect(record.status == .succeeded && record.key == run.key && record.name == "pretrain/seed-0")
    #expect(record.exitCode == 0 && record.host == "h" && record.executable == "test")
    #expect(!FileManager.default.fileExists(atPath: fixture.store.markerURL(key: run.key).path))
  }

  @Test func aFailedExecutionIsRecordedAsFailed() async throws {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    fixture.runner.failing = ["pretrain/seed-0"]
    let run = ResolvedRun(Self.pretrain, inputHashes: [:])
    let result = try await Self.executor(fixture).execute(run, inputURLs: [:], forced: false)
    let log = fixture.store.logURL(key: run.key).path
    #expect(throws: PipelineError.stageFailed(name: "pretrain/seed-0", exitCode: 3, log: log)) { try result.get() }
    let record = try #require(RunRecord.read(fixture.store.recordURL(key: run.key)))
    #expect(record.status == .failed && record.exitCode == 3 && record.outputs == nil)
    #expect(RunRecord.verification(at: fixture.store.recordURL(key: run.key))?.succeeded == false)
  }

  /// A stage that exits 0 without writing its outputs fails naming the first missing role.
  @Test func exitZeroWithoutOutputsIsAMissingOutput() async throws {
    final class Silent: StageRunner, @unchecked Sendable {
      func run(_ invocation: StageInvocation) async throws -> Int32 { 0 }
      func terminateAll() {}
    }
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    let executor = Executor(
      graph: try StageGraph(fixture.runs), store: fixture.store, hasher: FileBytesHasher(), runner: Silent(),
      context: RunContext(executable: "test", executableSHA256: "-", projectVersion: "-", host: "h"))
    let run = ResolvedRun(Self.pretrain, inputHashes: [:])
    let result = await executor.execute(run, inputURLs: [:], forced: false)
    let path = fixture.store.outputURL(key: run.key, role: "demonstrations", roles: Self.pretrain.outputRoles).path
    #expect(throws: PipelineError.missingOutput(
      name: "pretrain/seed-0", role: "demonstrations", path: path,
      reason: "the stage exited 0 but this output is missing or not a valid artifact")) { try result.get() }
    #expect(RunRecord.read(fixture.store.recordURL(key: run.key))?.status == .failed)
  }

  /// A whole run: the log numbers each launch, the summary lists every run in graph order, the lock
  /// holds one entry per run whose key is the one the log's runs were computed under.
  @Test func aRunLogsCountsAndLocksEveryRun() async throws {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    let lines = Lines()
    let executor = try Self.executor(fixture, lines: lines)
    let planner = Planner(graph: try StageGraph(fixture.runs), store: fixture.store, lock: fixture.lock,
                          hasher: FileBytesHasher())
    let summary = try await executor.run(states: try planner.states(), previousLock: fixture.lock,
                                         lockURL: fixture.lockURL, jobs: 1, keepGoing: false)
    let names = ["pretrain/seed-0", "select/seed-0/round-1", "finetune/seed-0/round-1", "evaluate/seed-0/round-1", "report"]
    #expect(summary.outcomes.map(\.name) == names)
    #expect(summary.outcomes.allSatisfy { if case .succeeded = $0.outcome { true } else { false } })
    #expect(!summary.interrupted && summary.failures.isEmpty)
    let launches = lines.all.filter { $0.hasPrefix("[") }
    // The first launch has no estimate yet; each later one (jobs 1: after a run executed) carries one.
    #expect(launches.first == "[1/5] pretrain/seed-0")
    for (index, name) in names.enumerated().dropFirst() {
      #expect(launches[index].hasPrefix("[\(index + 1)/5] \(name) · about "), "\(launches[index])")
      #expect(launches[index].hasSuffix(" left"))
    }
    let finishes = lines.all.filter { $0.hasPrefix("done ") }
    #expect(finishes.count == 5)
    #expect(finishes.last?.hasSuffix(" · 5/5 done") == true)
    #expect(finishes.first?.contains(" · 1/5 done, about ") == true)
    #expect(summary.lock == fixture.lock)
    for name in names {
      let entry = try #require(summary.lock.stages[name])
      let spec = try #require(fixture.runs.first { $0.name == name })
      #expect(entry.key == StageKey.compute(for: spec, inputHashes: entry.inputs), "\(name)")
      #expect(RunRecord.read(fixture.store.recordURL(key: entry.key))?.name == name)
    }
  }

  /// A failed run without --keep-going: its dependents are skipped naming it, independent runs that were
  /// not started are reported as such, and the lock records what succeeded.
  @Test func aFailureStopsTheRunAndTheLockKeepsWhatSucceeded() async throws {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(seeds: [0, 1], rounds: 1))
    fixture.runner.failing = ["select/seed-0/round-1"]
    let summary = try await fixture.run(jobs: 1)
    let outcomes = Dictionary(uniqueKeysWithValues: summary.outcomes.map { ($0.name, $0.outcome) })
    #expect(summary.failures.map(\.name) == ["select/seed-0/round-1"])
    #expect(outcomes["finetune/seed-0/round-1"] == .skipped(reason: "upstream select/seed-0/round-1 did not succeed"))
    #expect(outcomes["pretrain/seed-0"]?.isSuccess == true)
    #expect(fixture.lock.stages["pretrain/seed-0"] != nil)
    #expect(fixture.lock.stages["select/seed-0/round-1"] == nil)
    #expect(fixture.lock.stages.keys.allSatisfy { outcomes[$0]?.isSuccess == true })
  }
}
