import Foundation
import Testing

@testable import AMFPipeline

/// The `status` lines are the orchestrator's interface (HOUSE-STYLE §3.11): each reason's text is pinned.
@Suite struct StaleReasonTests {
  @Test(arguments: [
    (StaleReason.new, "new"),
    (.forced, "forced"),
    (.incomplete, "incomplete"),
    (.stageVersionChanged(old: 1, new: 2), "stage version changed (1 → 2)"),
    (.paramsChanged([ParamChange("finetune.steps", "1000", "2000"), ParamChange("seed", "0", "1")]),
     "params changed (finetune.steps 1000 → 2000, seed 0 → 1)"),
    (.inputChanged(roles: ["policy", "selection"]), "input changed (policy, selection)"),
    (.artifactCorrupt, "artifact corrupt (hash mismatch)"),
    (.artifactMissing, "artifact missing"),
    (.artifactForeign, "artifact is not what its run wrote (bytes differ from the run record); run moves it aside"),
    (.runRecordMissing, "run record missing; run recomputes the output"),
  ])
  func description(reason: StaleReason, expected: String) {
    #expect(reason.description == expected)
  }

  @Test func stateKeys() {
    #expect(RunState.upToDate(key: "k", outputs: [:]).key == "k")
    #expect(RunState.stale(.new, key: "k2").key == "k2")
    #expect(RunState.stale(.new, key: nil).key == nil)
  }

  /// Reasons without outputs, from the lock entry: version before params before inputs; the seed is a
  /// parameter; nested parameters are named by key path.
  @Test func reasonsFromTheLockEntry() async throws {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    try FileManager.default.removeItem(at: fixture.store.root)
    #expect(try fixture.reason("pretrain/seed-0") == "artifact missing")
    var runs = TestPlans.chain(rounds: 1)
    runs[0].stageVersion = 3
    runs[0].paramsJSON = #"{"steps":200}"#
    fixture.runs = runs
    #expect(try fixture.reason("pretrain/seed-0") == "stage version changed (1 → 3)")
    runs[0].stageVersion = 1
    runs[0].seed = 9
    runs[0].paramsJSON = #"{"steps":100,"net":{"width":64}}"#
    fixture.runs = runs
    #expect(try fixture.reason("pretrain/seed-0") == "params changed (seed 0 → 9, net.width absent → 64)")
    // Downstream runs wait on their producer: their inputs are not known yet.
    #expect(try fixture.reason("select/seed-0/round-1") == "input changed (policy)")
    #expect(try fixture.reason("select/seed-0/round-1", forced: ["select/seed-0/round-1"]) == "forced")
  }

  /// Malformed params of a run whose lock entry must be compared are refused by the planner too.
  @Test func thePlannerRefusesMalformedParams() async throws {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    try FileManager.default.removeItem(at: fixture.store.root)
    fixture.runs[0].paramsJSON = "{steps:1}"
    #expect(throws: PipelineError.invalidParams(run: "pretrain/seed-0", reason: "invalid JSON at byte 1: expected a key")) {
      _ = try fixture.states()
    }
  }
}
