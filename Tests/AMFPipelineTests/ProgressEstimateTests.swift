import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// The time-left estimate of `run` (issue #20), on durations chosen so every value is derived by hand.
@Suite struct ProgressEstimateTests {
  static func study() -> ProgressEstimate {
    ProgressEstimate(kinds: ["pretrain"] + Array(repeating: "finetune", count: 4) + Array(repeating: "evaluate", count: 4))
  }

  @Test func noEstimateBeforeARunHasExecuted() {
    var progress = Self.study()
    #expect(progress.secondsLeft(elapsed: 10) == nil)
    #expect(progress.summary(elapsed: 10) == "0/9 done")
    progress.finish(kind: "finetune", seconds: nil)  // reused: completed, no duration
    #expect(progress.secondsLeft(elapsed: 10) == nil)
    #expect(progress.summary(elapsed: 10) == "1/9 done")
  }

  @Test func kindsWithoutADurationTakeTheOverallMean() throws {
    var progress = Self.study()
    progress.finish(kind: "pretrain", seconds: 38)
    // 4 finetune + 4 evaluate, none measured: 8 × 38 s of work at elapsed / done = 38 / 38.
    #expect(try #require(progress.secondsLeft(elapsed: 38)) == 304)
    #expect(progress.summary(elapsed: 38) == "1/9 done, about 5 min left")
  }

  @Test func measuredKindsUseTheirOwnMeanAndElapsedScalesForParallelism() throws {
    var progress = Self.study()
    progress.finish(kind: "pretrain", seconds: 38)
    progress.finish(kind: "finetune", seconds: 6)
    // Work left: 3 finetune × 6 s + 4 evaluate × 22 s (mean of 38 and 6) = 106 s; 44 s of work done in
    // 41 s of wall time, so 106 × 41 / 44 s.
    let left = try #require(progress.secondsLeft(elapsed: 41))
    #expect(abs(left - 106.0 * 41 / 44) < 1e-12)
    #expect(progress.summary(elapsed: 41) == "2/9 done, about 2 min left")
    progress.finish(kind: "evaluate", seconds: nil)
    #expect(abs(try #require(progress.secondsLeft(elapsed: 41)) - 84.0 * 41 / 44) < 1e-12)
    #expect(progress.completed == 3 && progress.total == 9)
  }

  @Test func allDoneSaysNoTimeLeft() {
    var progress = ProgressEstimate(kinds: ["a", "a"])
    progress.finish(kind: "a", seconds: 2)
    progress.finish(kind: "a", seconds: 4)
    #expect(progress.secondsLeft(elapsed: 6) == 0)
    #expect(progress.summary(elapsed: 6) == "2/2 done")
  }

  @Test func nonFiniteDurationsAreIgnored() {
    var progress = ProgressEstimate(kinds: ["a", "a"])
    progress.finish(kind: "a", seconds: .nan)
    #expect(progress.secondsLeft(elapsed: 1) == nil)
  }

  /// Before any run has executed, the previous runs' durations give the estimate, on `jobs` cores; a kind
  /// without one takes the prior's overall mean.
  @Test func thePriorEstimatesBeforeAnyRunHasExecuted() throws {
    let prior: [String: [Double]] = ["pretrain": [40, 36], "finetune": [6, .nan, -1]]
    var progress = ProgressEstimate(
      kinds: ["pretrain"] + Array(repeating: "finetune", count: 4) + Array(repeating: "evaluate", count: 4),
      prior: prior, jobs: 2)
    // 1 × 38 + 4 × 6 + 4 × (40 + 36 + 6) / 3 = 62 + 328/3 s of work, on 2 jobs.
    let expected = (62.0 + 328.0 / 3) / 2
    #expect(abs(try #require(progress.secondsLeft(elapsed: 0)) - expected) < 1e-12)
    #expect(progress.summary(elapsed: 0) == "0/9 done, about 1 min left")
    // Once a run has executed, measured kinds use this run's mean, the others their prior, and a kind with
    // neither the mean of this run's durations; elapsed / done is the parallelism again.
    progress.finish(kind: "pretrain", seconds: 30)
    let left = try #require(progress.secondsLeft(elapsed: 20))
    #expect(abs(left - (4 * 6.0 + 4 * 30.0) * 20 / 30) < 1e-12)
  }

  /// The prior comes from the run records of the previous lock's entries of the wanted kinds; failed,
  /// missing and damaged records are left out.
  @Test func priorDurationsAreTheRecordsOfThePreviousLock() throws {
    let folder = try TemporaryDirectory("amf-prior")
    defer { folder.remove() }
    let store = Store(root: folder.url)
    func entry(_ kind: String, _ key: String) -> LockFile.Entry {
      LockFile.Entry(kind: kind, key: key, stageVersion: 1, seed: 0, params: .object([:]), inputs: [:], outputs: [:])
    }
    var lock = LockFile(manifest: "m")
    let keys = (0..<6).map { String(repeating: "\($0)", count: 64) }
    lock.stages = [
      "a": entry("finetune", keys[0]), "b": entry("finetune", keys[1]), "c": entry("evaluate", keys[2]),
      "d": entry("finetune", keys[3]), "e": entry("finetune", keys[4]), "f": entry("report", keys[5]),
    ]
    for (index, seconds, status) in [(0, 5.5, RunStatus.succeeded), (1, 6.5, .succeeded), (2, 3.0, .succeeded),
                                     (3, 99, .failed), (5, 1.0, .succeeded)] {
      try FileManager.default.createDirectory(at: store.folder(for: keys[index]), withIntermediateDirectories: true)
      var record = RunRecordTests.record(status: status)
      record.key = keys[index]
      record.seconds = seconds
      try record.write(to: store.recordURL(key: keys[index]))
    }
    try FileManager.default.createDirectory(at: store.folder(for: keys[4]), withIntermediateDirectories: true)
    try Data("{not json".utf8).write(to: store.recordURL(key: keys[4]))
    let prior = ProgressEstimate.priorDurations(lock: lock, kinds: ["finetune", "evaluate"], store: store)
    #expect(prior["finetune"]?.sorted() == [5.5, 6.5])
    #expect(prior["evaluate"] == [3.0])
    #expect(prior["report"] == nil)
  }

  /// Runs that will compute one key are one piece of work, and a run whose key already has a succeeded record
  /// in the store is none: two arms sharing a pre-training (same key) and their fine-tunings on it (same kind,
  /// parameters, seed and producer group) count once; other parameters, another producer group, or `forced`
  /// make their own work.
  @Test func runsThatWillShareAKeyAreOnePieceOfWork() throws {
    let folder = try TemporaryDirectory("amf-work")
    defer { folder.remove() }
    let store = Store(root: folder.url)
    let (shared, stored) = (String(repeating: "a", count: 64), String(repeating: "b", count: 64))
    try FileManager.default.createDirectory(at: store.folder(for: stored), withIntermediateDirectories: true)
    var record = RunRecordTests.record()
    record.key = stored
    try record.write(to: store.recordURL(key: stored))
    func spec(_ name: String, _ kind: String, _ params: String, from producer: String? = nil) -> StageRunSpec {
      StageRunSpec(name: name, kind: kind, stageVersion: 1, paramsJSON: params, seed: 0,
                   inputs: producer.map { ["policy": InputReference(run: $0, role: "policy")] } ?? [:],
                   outputRoles: ["policy"])
    }
    let runs = [
      spec("a/pretrain", "pretrain", #"{"steps":100}"#), spec("b/pretrain", "pretrain", #"{"steps":100}"#),
      spec("a/finetune", "finetune", #"{"steps":50}"#, from: "a/pretrain"),
      spec("b/finetune", "finetune", #"{"steps":50}"#, from: "b/pretrain"),
      spec("b/evaluate", "evaluate", #"{"episodes":4}"#, from: "b/finetune"),
      spec("c/pretrain", "pretrain", #"{"steps":200}"#),
      spec("d/finetune", "finetune", #"{"steps":50}"#, from: "c/pretrain"),
      spec("e/finetune", "finetune", #"{"steps":50}"#, from: "a/pretrain"),
    ]
    let graph = try StageGraph(runs)
    let states: [(name: String, state: RunState)] = [
      ("a/pretrain", .stale(.new, key: shared)), ("b/pretrain", .stale(.new, key: shared)),
      ("a/finetune", .stale(.new, key: nil)), ("b/finetune", .stale(.new, key: nil)),
      ("b/evaluate", .stale(.new, key: nil)), ("c/pretrain", .stale(.new, key: stored)),
      ("d/finetune", .stale(.new, key: nil)), ("e/finetune", .stale(.forced, key: nil)),
    ]
    let work = ProgressEstimate.work(states: states, graph: graph, store: store)
    let group = work.group
    #expect(group["a/pretrain"] == group["b/pretrain"] && group["a/finetune"] == group["b/finetune"])
    #expect(Set(group.values).count == 6)
    #expect(work.kinds.values.sorted() == ["evaluate", "finetune", "finetune", "finetune", "pretrain"])
    #expect(work.kinds[try #require(group["c/pretrain"])] == nil)  // its record is in the store: reused
    // The same key with its outputs gone is recomputed, record or not.
    var missing = states
    missing[5] = ("c/pretrain", .stale(.artifactMissing, key: stored))
    let redo = ProgressEstimate.work(states: missing, graph: graph, store: store)
    #expect(redo.kinds[try #require(redo.group["c/pretrain"])] == "pretrain")
    // 1 pretrain × 10 s + 3 finetune × 2 s + 1 evaluate × 1 s by the prior, on one job.
    var progress = ProgressEstimate(
      total: 8, work: work, prior: ["pretrain": [10], "finetune": [2], "evaluate": [1]], jobs: 1)
    #expect(progress.secondsLeft(elapsed: 0) == 17)
    progress.finish(name: "a/pretrain", kind: "pretrain", seconds: 9)
    #expect(progress.secondsLeft(elapsed: 9) == 7)  // 3 × 2 + 1 left, elapsed / done = 1
    progress.finish(name: "b/pretrain", kind: "pretrain", seconds: nil)  // reused: its group is done
    progress.finish(name: "c/pretrain", kind: "pretrain", seconds: nil)  // reused: never counted
    #expect(progress.secondsLeft(elapsed: 9) == 7)
    #expect(progress.summary(elapsed: 9) == "3/8 done, about 7 s left")
  }

  @Test func durationsForPeople() {
    #expect(ProgressEstimate.duration(0) == "0 s")
    #expect(ProgressEstimate.duration(40.4) == "40 s")
    #expect(ProgressEstimate.duration(59.6) == "1 min")
    #expect(ProgressEstimate.duration(304) == "5 min")
    #expect(ProgressEstimate.duration(3_900) == "1 h 05 min")
    #expect(ProgressEstimate.duration(-3) == "0 s")
  }
}
