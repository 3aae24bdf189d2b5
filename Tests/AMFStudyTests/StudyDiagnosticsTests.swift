import AMFReport
import Testing

@testable import AMFStudy

/// Study diagnostics from hand-made runs: tallies per task group, round-1 picks, ESS and own-task shares,
/// calibration units and the exact Markdown `Scripts/collect-results.sh` commits.
@Suite struct StudyDiagnosticsTests {
  static let groups = StudyDiagnostics.TaskGroups(targets: "2,3", covered: "0,1,2", distractors: "4")

  @Test func groupsParseCommaSeparatedListsAndSkipTheRest() {
    #expect(Self.groups == .init(targets: [2, 3], covered: [0, 1, 2], distractors: [4]))
    #expect(StudyDiagnostics.TaskGroups(targets: "", covered: "1,x,,2", distractors: " ").covered == [1, 2])
  }

  @Test func armsAreRegisteredInTheOrderOfTheirFirstRun() {
    var diagnostics = StudyDiagnostics(groups: Self.groups)
    #expect(diagnostics.arm(ofRun: "uniform/pretrain/seed-0") == "uniform")
    #expect(diagnostics.arm(ofRun: "amf/select/seed-0/round-1") == "amf")
    #expect(diagnostics.arm(ofRun: "uniform/report") == "uniform")
    #expect(diagnostics.arm(ofRun: "report") == "report")
    #expect(diagnostics.arm(ofRun: "") == nil)
    #expect(diagnostics.arms == ["uniform", "amf", "report"])
  }

  @Test func picksAreCountedPerGroup() {
    var diagnostics = StudyDiagnostics(groups: Self.groups)
    diagnostics.addSelection(run: "a/select/seed-0/round-1", strategy: "uniform", selected: [2, 4], scores: []) { _ in nil }
    diagnostics.addSelection(run: "a/select/seed-1/round-1", strategy: "uniform", selected: [2, 0], scores: []) { _ in nil }
    diagnostics.addSelection(run: "a/select/seed-0/round-2", strategy: "uniform", selected: [3, 3], scores: []) { _ in nil }
    var expected = StudyDiagnostics.ArmTally()
    (expected.picks, expected.target, expected.covered, expected.distractor) = (6, 4, 3, 1)
    expected.firstRound = [2, 4, 2, 0]
    #expect(diagnostics.tallies["a"] == expected)
    #expect(diagnostics.calibration.isEmpty)
  }

  @Test func embeddingsAddESSPerPoolAndOwnShares() {
    var diagnostics = StudyDiagnostics(groups: Self.groups)
    diagnostics.addEmbeddings(
      run: "a/embed/seed-0/round-1", ess: [1, 2, 4, 8, 16], ownShare: [0.1, 0.2, 0.3, 0.4, 0.5], poolCount: 8)
    // Tasks past the embedding's task count are skipped.
    diagnostics.addEmbeddings(run: "a/embed/seed-0/round-2", ess: [8, 8, 8], ownShare: [1, 1, 1], poolCount: 8)
    let tally = diagnostics.tallies["a"]
    #expect(tally?.ess.sorted() == [0.5, 1, 1])
    #expect(tally?.own.sorted() == [0.3, 0.4, 1])
    #expect(tally?.ownCovered.sorted() == [0.1, 0.2, 0.3, 1, 1, 1])
    #expect(tally?.picks == 0)
  }

  @Test func amfPicksAreCalibratedAgainstTheNextEvaluation() throws {
    var diagnostics = StudyDiagnostics(groups: Self.groups)
    let success = [
      "a/evaluate/seed-0/round-0": [0.0, 0, 0, 0, 0], "a/evaluate/seed-0/round-1": [0.0, 0.5, 0.25, 0, 0],
    ]
    var asked: [String] = []
    diagnostics.addSelection(
      run: "a/select/seed-0/round-1", strategy: "amf", selected: [1, 2, 1],
      scores: [[0, 1, 2, 0, 0], [0, 3, 4, 0, 0], [0, 5, 6, 0, 0]]
    ) { run in
      asked.append(run)
      return success[run]
    }
    #expect(asked == ["a/evaluate/seed-0/round-0", "a/evaluate/seed-0/round-1"])
    // Task 1: picks 0 and 2 score 1 + 5; task 2: pick 1 scores 4.
    #expect(diagnostics.calibration["a"] == [
      Calibration.Unit(predicted: 6, realized: 0.5, covered: true),
      Calibration.Unit(predicted: 4, realized: 0.25, covered: true),
    ])
    // A missing evaluation adds no units; other strategies and other name shapes are not calibrated.
    diagnostics.addSelection(run: "a/select/seed-0/round-2", strategy: "amf", selected: [1], scores: [[0, 1]]) {
      success[$0]
    }
    diagnostics.addSelection(run: "a/select/seed-0/round-1", strategy: "uniform", selected: [1], scores: []) {
      success[$0]
    }
    diagnostics.addSelection(run: "a/select/round-1", strategy: "uncertainty", selected: [1], scores: []) {
      success[$0]
    }
    #expect(diagnostics.calibration["a"]?.count == 2)
  }

  @Test func markdownWithoutCalibrationIsOneTable() {
    var diagnostics = StudyDiagnostics(groups: Self.groups)
    diagnostics.arm(ofRun: "empty/pretrain/seed-0")
    diagnostics.addSelection(run: "a/select/seed-0/round-1", strategy: "uniform", selected: [2, 4, 2, 1], scores: []) {
      _ in nil
    }
    diagnostics.addEmbeddings(run: "a/embed/seed-0/round-1", ess: [1, 1, 2, 6], ownShare: [0, 1, 0.5, 0.25], poolCount: 4)
    // Picks 4: targets {2, 2} → 0.50, covered {2, 2, 1} → 0.75, distractors {4} → 0.25. ESS / pool of targets 2, 3:
    // 0.5 and 1.5 → 1.00; own share 0.5, 0.25 → 0.38 (0.375 rounds to even); covered 0, 1, 0.5 → 0.50.
    #expect(diagnostics.markdown() == """
      | arm | picks | on targets | on covered | on distractors | round-1 picks (all seeds) | ESS / pool (targets) \
      | own-task share (targets) | own-task share (covered) |
      |---|---:|---:|---:|---:|---|---:|---:|---:|
      | a | 4 | 0.50 | 0.75 | 0.25 | 1×1 2×2 4×1 | 1.00 | 0.38 | 0.50 |

      """)
  }

  @Test func markdownAddsTheCalibrationTable() {
    var diagnostics = StudyDiagnostics(groups: .init(targets: [], covered: [0], distractors: []))
    let before = [0.0, 0, 0], after = [0.5, 0.25, 0.0]
    diagnostics.addSelection(
      run: "b/select/seed-0/round-1", strategy: "uncertainty", selected: [0, 1, 2],
      scores: [[1, 0, 0], [0, 2, 0], [0, 0, 3]]
    ) { $0.hasSuffix("round-0") ? before : after }
    // Units (1, 0.5, covered), (2, 0.25), (3, 0) lie on a falling line: Pearson and Spearman −1; covered means 1 and +0.5,
    // uncovered means 2.5 and +0.125.
    #expect(diagnostics.markdown() == """
      | arm | picks | on targets | on covered | on distractors | round-1 picks (all seeds) | ESS / pool (targets) \
      | own-task share (targets) | own-task share (covered) |
      |---|---:|---:|---:|---:|---|---:|---:|---:|
      | b | 3 | 0.00 | 0.33 | 0.00 | 0×1 1×1 2×1 | – | – | – |

      Calibration (issue #16): per (seed, round, picked task), the score the criterion gave the task against the
      success it gained in the next evaluation; `amf` scores are information gains (nats), `uncertainty` scores \
      entropies.

      | arm | units | Pearson | Spearman | predicted: covered | predicted: uncovered | Δ success: covered \
      | Δ success: uncovered |
      |---|---:|---:|---:|---:|---:|---:|---:|
      | b | 3 | -1.00 | -1.00 | 1 | 2.5 | +0.500 | +0.125 |

      """)
  }

  @Test func emptyDiagnosticsAreTheHeaderOnly() {
    #expect(StudyDiagnostics(groups: Self.groups).markdown().split(separator: "\n").count == 2)
    #expect(StudyDiagnostics.mean([]) == "–" && StudyDiagnostics.mean([0.125, 0.25]) == "0.19")
    #expect(StudyDiagnostics.number(nil) == "–" && StudyDiagnostics.number(0.5, "%+.3f") == "+0.500")
  }
}
