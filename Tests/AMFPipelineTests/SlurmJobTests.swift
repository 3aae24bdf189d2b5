import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// One Slurm job on its own: it checks its inputs, computes under its key, commits its lock entry
/// (built where a local run builds it) and says how it ended in its state file.
@Suite struct SlurmJobTests {
  typealias Fixture = SlurmTests.Fixture

  /// Runs the job submitted for `run` and returns its result or error, and its state file.
  static func job(_ fixture: Fixture, _ run: String, forced: Bool = false) async throws
    -> (Result<SlurmJobExecution.Result, any Error>, SlurmJobRecord)
  {
    let id = try #require(fixture.jobID(of: run))
    let request = try #require(fixture.slurm.requests.first { $0.id == id }?.request)
    let execution = try fixture.job(request)
    let result: Result<SlurmJobExecution.Result, any Error>
    do {
      result = .success(try await execution.run(run, forced: forced, jobID: id))
    } catch {
      result = .failure(error)
    }
    let state = SlurmFolder.stateURL(submission: request.script.deletingLastPathComponent(), jobID: id)
    return (result, try JSONDecoder().decode(SlurmJobRecord.self, from: Data(contentsOf: state)))
  }

  @Test func aJobComputesCommitsItsEntryThenFindsItDone() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    _ = try fixture.submit()
    let (result, state) = try await Self.job(fixture, "pretrain/seed-0")
    let entry = try #require(fixture.lock.stages["pretrain/seed-0"])
    guard case .success(.computed(let key, _)) = result else { Issue.record("\(result)"); return }
    #expect(key == entry.key)
    #expect(state.status == .succeeded && state.run == "pretrain/seed-0")
    #expect(state.detail.hasPrefix("computed key \(key) in "))
    // The entry is the one a local run would write.
    let spec = fixture.runs[0]
    let finished = FinishedRun(run: ResolvedRun(spec, inputHashes: [:]), outputs: entry.outputs)
    #expect(entry == (try finished.lockEntry()))
    // The same job again: the outputs at its key exist, nothing runs.
    let (again, reused) = try await Self.job(fixture, "pretrain/seed-0")
    #expect(try again.get() == .alreadyDone(key: key))
    #expect(reused.status == .reused && reused.detail == "outputs at key \(key) existed")
    #expect(fixture.runner.executedNames == ["pretrain/seed-0"])
  }

  /// A job whose producer never ran fails naming the input, and writes nothing to the lock.
  @Test func aJobBeforeItsProducerFailsNamingTheInput() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    _ = try fixture.submit()
    let (result, state) = try await Self.job(fixture, "select/seed-0/round-1")
    let expected = SlurmError.inputNotReady(
      run: "select/seed-0/round-1", role: "policy", producer: "pretrain/seed-0", reason: "is not in the store (new)")
    #expect(throws: expected) { try result.get() }
    #expect(state.status == .failed && state.detail == "\(expected)")
    #expect(fixture.lock.stages.isEmpty)
    #expect(fixture.runner.executedNames.isEmpty)
  }

  /// A producer's output changed after planning: the job refuses it rather than computing on it.
  @Test func aChangedInputIsRefused() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    _ = try fixture.submit()
    _ = try await Self.job(fixture, "pretrain/seed-0")
    let entry = try #require(fixture.lock.stages["pretrain/seed-0"])
    let policy = fixture.store.outputURL(key: entry.key, role: "policy", roles: ["demonstrations", "policy"])
    // The changed bytes no longer match the run record: to the planner the producer is stale.
    try Data("tampered".utf8).write(to: policy)
    let (result, state) = try await Self.job(fixture, "select/seed-0/round-1")
    #expect(state.status == .failed)
    #expect(throws: SlurmError.inputNotReady(
      run: "select/seed-0/round-1", role: "policy", producer: "pretrain/seed-0",
      reason: "is not in the store (\(StaleReason.artifactForeign))")) { try result.get() }
  }

  /// A file input goes to the stage and into the lock entry as a local run records it; a file changed after
  /// the submission is refused before the stage starts.
  @Test func aJobReadsItsFileInputAsSubmittedOrNotAtAll() async throws {
    let folder = try TemporaryDirectory("amf-slurm-file")
    defer { folder.remove() }
    let file = folder.file("recorded.h5")
    try Data("recorded".utf8).write(to: file)
    let input = FileInput(path: file.path, contentHash: try FileBytesHasher().contentHash(of: file))
    let fixture = try Fixture(FileInputTests.chain(reading: input, rounds: 2))
    _ = try fixture.submit()
    for run in ["pretrain/seed-0", "select/seed-0/round-1", "finetune/seed-0/round-1"] {
      _ = try await Self.job(fixture, run)
    }
    let entry = try #require(fixture.lock.stages["finetune/seed-0/round-1"])
    #expect(entry.inputs["recorded"] == input.contentHash)
    #expect(entry.files == ["recorded": input.path(relativeTo: fixture.lockURL.deletingLastPathComponent())])
    for run in ["evaluate/seed-0/round-1", "select/seed-0/round-2"] { _ = try await Self.job(fixture, run) }
    try Data("edited".utf8).write(to: file)
    let (result, state) = try await Self.job(fixture, "finetune/seed-0/round-2")
    #expect(state.status == .failed)
    #expect(throws: PipelineError.fileInputChanged(
      run: "finetune/seed-0/round-2", role: "recorded", path: file.path,
      reason: "has content hash \(try FileBytesHasher().contentHash(of: file)) now, \(input.contentHash) when planned")
    ) { try result.get() }
    #expect(!fixture.runner.executedNames.contains("finetune/seed-0/round-2"))
  }

  /// Params that are not JSON: the job computes but refuses to commit a `null` entry.
  @Test func aJobWithMalformedParamsCommitsNothing() async throws {
    var runs = TestPlans.chain(rounds: 1)
    runs[0].paramsJSON = #"{"steps":100,}"#
    let fixture = try Fixture(runs)
    _ = try fixture.submit()
    let (result, state) = try await Self.job(fixture, "pretrain/seed-0")
    let expected = PipelineError.invalidParams(run: "pretrain/seed-0", reason: "invalid JSON at byte 13: expected a key")
    #expect(throws: expected) { try result.get() }
    #expect(state.status == .failed && state.detail == "\(expected)")
    #expect(fixture.lock.stages["pretrain/seed-0"] == nil)
  }
}
