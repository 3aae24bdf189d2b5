import Testing

@testable import AMFPipeline

/// The executor's scheduling bookkeeping, without processes or files: which run launches next, with
/// which key, and why the others did not run.
///
///     a ─out─▶ b ─out─▶ d
///     └──out─▶ c ───────┘ (role y)
@Suite struct ScheduleTests {
  static func spec(_ name: String, _ inputs: [String: String] = [:], params: String = "{}") -> StageRunSpec {
    StageRunSpec(name: name, kind: "k-\(name)", stageVersion: 1, paramsJSON: params, seed: 7,
                 inputs: inputs.mapValues { InputReference(run: $0, role: "out") }, outputRoles: ["out"])
  }

  static let diamond = [spec("a"), spec("b", ["x": "a"]), spec("c", ["x": "a"]), spec("d", ["x": "b", "y": "c"])]

  static func schedule(_ states: [(name: String, state: RunState)]) throws -> Schedule {
    Schedule(graph: try StageGraph(diamond), states: states)
  }

  /// The next launch, which must exist.
  static func launch(_ schedule: inout Schedule) throws -> Schedule.Launch {
    let next = schedule.nextLaunch()
    return try #require(next)
  }

  static let allNew: [(name: String, state: RunState)] = ["a", "b", "c", "d"].map { ($0, .stale(.new, key: nil)) }

  @Test func onlyRunsWithKnownInputsLaunchAndEachIsKeyedOnce() throws {
    var schedule = try Self.schedule(Self.allNew)
    #expect(schedule.total == 4)
    let first = try Self.launch(&schedule)
    #expect(first.run.spec.name == "a" && !first.forced)
    #expect(first.run.inputHashes.isEmpty)
    #expect(first.run.key == StageKey.compute(for: Self.spec("a"), inputHashes: [:]))
    // b, c and d wait for a.
    #expect(schedule.nextLaunch() == nil)
    #expect(schedule.started == 1)
    schedule.succeed(first.run, outputs: ["out": "ha"], outcome: .succeeded(seconds: 1))
    let second = try Self.launch(&schedule)
    let third = try Self.launch(&schedule)
    #expect([second.run.spec.name, third.run.spec.name] == ["b", "c"])
    #expect(second.run.inputHashes == ["x": "ha"])
    #expect(second.run.key == StageKey.compute(for: Self.spec("b", ["x": "a"]), inputHashes: ["x": "ha"]))
    #expect(schedule.nextLaunch() == nil)
    schedule.succeed(second.run, outputs: ["out": "hb"], outcome: .reused)
    #expect(schedule.nextLaunch() == nil)  // d still needs c
    schedule.succeed(third.run, outputs: ["out": "hc"], outcome: .succeeded(seconds: 2))
    let last = try Self.launch(&schedule)
    #expect(last.run.inputHashes == ["x": "hb", "y": "hc"])
    #expect(schedule.started == 4 && schedule.waiting.isEmpty)
  }

  @Test func upToDateRunsAreFinishedWithThePlannersKeyAndForcedRunsSaySo() throws {
    var schedule = try Self.schedule([
      ("a", .upToDate(key: "planner-key-a", outputs: ["out": "ha"])), ("b", .stale(.forced, key: "kb")),
      ("c", .stale(.inputChanged(roles: ["x"]), key: nil)), ("d", .stale(.new, key: nil)),
    ])
    #expect(schedule.total == 3)
    #expect(schedule.outcomes["a"] == .upToDate)
    // The planner's key is carried, not recomputed (a real key would be 64 hex digits).
    #expect(schedule.finished["a"]?.run.key == "planner-key-a")
    #expect(schedule.finished["a"]?.outputs == ["out": "ha"])
    let b = try Self.launch(&schedule)
    let c = try Self.launch(&schedule)
    #expect(b.run.spec.name == "b" && b.forced)
    #expect(c.run.spec.name == "c" && !c.forced)
  }

  @Test func aFailedProducerSkipsItsDependentsByName() throws {
    var schedule = try Self.schedule(Self.allNew)
    let a = try Self.launch(&schedule)
    schedule.succeed(a.run, outputs: ["out": "ha"], outcome: .succeeded(seconds: 1))
    let b = try Self.launch(&schedule)
    let c = try Self.launch(&schedule)
    schedule.fail(b.run, error: PipelineError.stageFailed(name: "b", exitCode: 3, log: "/logs/b.log"))
    schedule.succeed(c.run, outputs: ["out": "hc"], outcome: .succeeded(seconds: 1))
    #expect(schedule.nextLaunch() == nil)
    #expect(schedule.outcomes["b"] == .failed(exitCode: 3, log: "/logs/b.log"))
    #expect(schedule.outcomes["d"] == .skipped(reason: "upstream b did not succeed"))
    #expect(schedule.waiting.isEmpty)
    #expect(schedule.finished["d"] == nil && schedule.finished["b"] == nil)
  }

  @Test func anErrorOtherThanAStageFailureIsRecordedWithItsText() throws {
    var schedule = try Self.schedule(Self.allNew)
    let a = try Self.launch(&schedule)
    schedule.fail(a.run, error: PipelineError.storeBusy(store: "/s"))
    #expect(schedule.outcomes["a"] == .errored(message: "\(PipelineError.storeBusy(store: "/s"))"))
  }

  @Test func runsLeftWaitingGetTheirReason() throws {
    // a fails: b and c are behind it; d is behind b, which is skipped by then.
    var failed = try Self.schedule(Self.allNew)
    let a = try Self.launch(&failed)
    failed.fail(a.run, error: PipelineError.stageFailed(name: "a", exitCode: 1, log: "l"))
    failed.skipWaiting(interrupted: false)
    #expect(failed.outcomes["b"] == .skipped(reason: "upstream a did not succeed"))
    #expect(failed.outcomes["c"] == .skipped(reason: "upstream a did not succeed"))
    #expect(failed.outcomes["d"] == .skipped(reason: "upstream b did not succeed"))
    // b fails while c was never launched (the run stopped): c's producer is fine, so it was not started.
    var stopped = try Self.schedule(Self.allNew)
    let first = try Self.launch(&stopped)
    stopped.succeed(first.run, outputs: ["out": "ha"], outcome: .succeeded(seconds: 1))
    let b = try Self.launch(&stopped)
    stopped.fail(b.run, error: PipelineError.stageFailed(name: "b", exitCode: 1, log: "l"))
    stopped.skipWaiting(interrupted: false)
    #expect(stopped.outcomes["c"] == .skipped(reason: "not started after a failure"))
    #expect(stopped.outcomes["d"] == .skipped(reason: "upstream b did not succeed"))
    // After an interrupt nothing waiting says more than that.
    var interrupted = try Self.schedule(Self.allNew)
    interrupted.skipWaiting(interrupted: true)
    #expect(interrupted.outcomes.values.allSatisfy { $0 == .skipped(reason: "interrupted") })
    #expect(interrupted.outcomes.count == 4)
  }

  @Test func outcomesComeInGraphOrderAndUnlistedRunsAreNotPlanned() throws {
    let schedule = try Self.schedule([("a", .upToDate(key: "k", outputs: ["out": "ha"]))])
    let outcomes = schedule.orderedOutcomes
    #expect(outcomes.map(\.name) == ["a", "b", "c", "d"])
    #expect(outcomes.map(\.outcome) == [
      .upToDate, .skipped(reason: "not planned"), .skipped(reason: "not planned"), .skipped(reason: "not planned"),
    ])
  }

  @Test func outcomeSuccess() {
    #expect(RunOutcome.upToDate.isSuccess && RunOutcome.reused.isSuccess && RunOutcome.succeeded(seconds: 0).isSuccess)
    #expect(!RunOutcome.failed(exitCode: 1, log: "").isSuccess && !RunOutcome.skipped(reason: "").isSuccess)
  }
}
