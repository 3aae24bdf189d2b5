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

  @Test func durationsForPeople() {
    #expect(ProgressEstimate.duration(0) == "0 s")
    #expect(ProgressEstimate.duration(40.4) == "40 s")
    #expect(ProgressEstimate.duration(59.6) == "1 min")
    #expect(ProgressEstimate.duration(304) == "5 min")
    #expect(ProgressEstimate.duration(3_900) == "1 h 05 min")
    #expect(ProgressEstimate.duration(-3) == "0 s")
  }
}
