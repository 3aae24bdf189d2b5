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

  @Test func durationsForPeople() {
    #expect(ProgressEstimate.duration(0) == "0 s")
    #expect(ProgressEstimate.duration(40.4) == "40 s")
    #expect(ProgressEstimate.duration(59.6) == "1 min")
    #expect(ProgressEstimate.duration(304) == "5 min")
    #expect(ProgressEstimate.duration(3_900) == "1 h 05 min")
    #expect(ProgressEstimate.duration(-3) == "0 s")
  }
}
