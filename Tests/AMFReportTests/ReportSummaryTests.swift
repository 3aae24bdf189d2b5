import AMFArtifacts
import AMFCore
import AMFNumerics
import Testing

@testable import AMFReport

/// A two-arm study whose statistics are derived by hand. Two tasks with uniform targets, N = 2, B = 2 (one
/// round), seeds 0 and 1 with identical curves, so every bootstrap interval collapses onto the mean.
///
/// amf: success (1, 0) → (1, 1), demos (0, 0) → (0, 2): multi-task 0.5 → 1; AUC = (0.5 + 1) / 2 · 2 / 2 = 0.75.
/// uniform: success (1, 0) → (1, 0.5), demos (0, 0) → (1, 1): 0.5 → 0.75; AUC = (0.5 + 0.75) / 2 = 0.625.
/// Returns are −1 per failed and 0 per solved episode: mean return −0.5 at success (1, 0), −0.25 at (1, 0.5).
enum SummaryFixture {
  static func evaluation(_ success: [Double], demos: [Int], round: Int) throws -> EvaluationRecord {
    let episodes = success.map { s in [s >= 0.5, s >= 1] }
    return try EvaluationRecord(
      environmentName: "integrator2d", round: round, targetWeights: [0.5, 0.5], episodeSuccess: episodes,
      episodeReturns: episodes.map { $0.map { $0 ? 0 : -1 } }, demosPerTask: demos)
  }

  static func arm(_ name: String, finalSuccess: [Double], finalDemos: [Int], seeds: [Int] = [0, 1]) throws
    -> ArmEvaluations
  {
    let curve = [
      try evaluation([1, 0], demos: [0, 0], round: 0), try evaluation(finalSuccess, demos: finalDemos, round: 1),
    ]
    return ArmEvaluations(
      arm: ReportedArm(name: name, seeds: seeds, budget: Budget(demos: 2, batch: 2)),
      records: seeds.map { _ in curve })
  }

  static func summary(resamples: Int = 50) throws -> ReportSummary {
    var settings = ReportSettings()
    settings.bootstrapResamples = resamples
    return try ReportSummary.compute(
      [try arm("amf", finalSuccess: [1, 1], finalDemos: [0, 2]),
       try arm("uniform", finalSuccess: [1, 0.5], finalDemos: [1, 1])],
      settings: settings, seed: Seed(7))
  }
}

@Suite struct ReportSummaryTests {
  @Test func aucOfHandCurves() throws {
    // Trapezoids over x = 0, 1, 3: (0.2 + 0.6) / 2 + 2 · 0.6 = 1.6, divided by N = 3.
    #expect(abs(try ReportSummary.auc(demos: [0, 1, 3], success: [0.2, 0.6, 0.6], budget: 3, label: "x") - 1.6 / 3)
      < 1e-12)
    #expect(try ReportSummary.auc(demos: [0, 4], success: [1, 1], budget: 4, label: "x") == 1)
    #expect(try ReportSummary.auc(demos: [0, 2, 2, 4], success: [0, 1, 0, 0], budget: 4, label: "x") == 0.25)
  }

  @Test func aucNamesTheCurveItRejects() {
    #expect(throws: ReportError.inconsistentInput(
      role: "evaluation/amf/seed-3", reason: "demos_used over the rounds is [1, 4]; expected 0 … 4, never decreasing")
    ) { try ReportSummary.auc(demos: [1, 4], success: [0, 1], budget: 4, label: "evaluation/amf/seed-3") }
    #expect(throws: ReportError.self) { try ReportSummary.auc(demos: [0, 3], success: [0, 1], budget: 4, label: "a") }
    #expect(throws: ReportError.self) { try ReportSummary.auc(demos: [0, 3, 2, 4], success: [0, 1, 1, 1], budget: 4, label: "a") }
  }

  @Test func errorTextSaysWhatToFix() {
    #expect(ReportError.inconsistentInput(role: "evaluation/x", reason: "no seed").description
      == "--input evaluation/x: no seed; every input of one run must come from one study")
  }

  @Test func sharesCountAmfAheadAndTiesSeparately() {
    #expect(ReportSummary.shares([]) == (0, 0))
    #expect(ReportSummary.shares([-1, -0.5, 0, 2]) == (0.5, 0.25))
    #expect(ReportSummary.shares([1e-13, -1e-13]) == (0, 1))
    #expect(ReportSummary.shares([-1e-11]) == (1, 0))
  }

  @Test func armStatisticsMatchTheHandDerivation() throws {
    let summary = try SummaryFixture.summary()
    #expect(summary.environmentName == "integrator2d" && summary.taskCount == 2)
    #expect(summary.arms.map(\.name) == ["amf", "uniform"])
    let amf = summary.arms[0], uniform = summary.arms[1]
    #expect(amf.aucPerSeed == [0.75, 0.75] && uniform.aucPerSeed == [0.625, 0.625])
    #expect(amf.auc.estimate == 0.75 && amf.auc.lower == 0.75 && amf.auc.upper == 0.75)
    #expect(amf.finalPerSeed == [1, 1] && uniform.final.estimate == 0.75)
    #expect(amf.demos == [0, 2] && amf.demosPerSeed == [[0, 2], [0, 2]] && amf.budgetDemos == 2)
    #expect(amf.successPerSeed == [[0.5, 1], [0.5, 1]] && amf.success.map(\.estimate) == [0.5, 1])
    #expect(amf.returnPerSeed == [[-0.5, 0], [-0.5, 0]] && uniform.returnPerSeed[0] == [-0.5, -0.25])
    #expect(amf.perTaskSuccess == [1, 1] && amf.perTaskDemos == [0, 2])
    #expect(uniform.perTaskSuccess == [1, 0.5] && uniform.perTaskDemos == [1, 1])
  }

  @Test func everyArmButAmfIsComparedPerCommonSeed() throws {
    let summary = try SummaryFixture.summary()
    #expect(summary.comparisons.map(\.name) == ["uniform"])
    let comparison = try #require(summary.comparisons.first)
    #expect(comparison.seeds == [0, 1])
    #expect(comparison.aucDiffPerSeed == [-0.125, -0.125] && comparison.finalDiffPerSeed == [-0.25, -0.25])
    #expect(comparison.aucShares == (1, 0) && comparison.finalShares == (1, 0))
    #expect(comparison.aucDiff.estimate == -0.125 && comparison.aucDiff.lower == -0.125)
  }

  @Test func noAmfArmMeansNoComparisons() throws {
    let summary = try ReportSummary.compute(
      [try SummaryFixture.arm("uniform", finalSuccess: [1, 0.5], finalDemos: [1, 1])], settings: ReportSettings(),
      seed: Seed(0))
    #expect(summary.comparisons.isEmpty && summary.arms.count == 1)
  }

  @Test func armsWithoutACommonSeedAreRefused() throws {
    let arms = [
      try SummaryFixture.arm("amf", finalSuccess: [1, 1], finalDemos: [0, 2], seeds: [0]),
      try SummaryFixture.arm("uniform", finalSuccess: [1, 0.5], finalDemos: [1, 1], seeds: [1]),
    ]
    #expect(throws: ReportError.inconsistentInput(
      role: "evaluation/uniform", reason: "arm uniform shares no seed with amf; pair the arms")
    ) { try ReportSummary.compute(arms, settings: ReportSettings(), seed: Seed(0)) }
  }

  @Test func resultsCSVIsTidyAndExact() throws {
    #expect(try SummaryFixture.summary().resultsCSV() == """
      arm,seed,round,demos,multitask_success,mean_return
      amf,0,0,0,0.5,-0.5
      amf,0,1,2,1.0,0.0
      amf,1,0,0,0.5,-0.5
      amf,1,1,2,1.0,0.0
      uniform,0,0,0,0.5,-0.5
      uniform,0,1,2,0.75,-0.25
      uniform,1,0,0,0.5,-0.5
      uniform,1,1,2,0.75,-0.25

      """)
  }

  @Test func summaryCSVLeavesAmfsComparisonEmpty() throws {
    let lines = try SummaryFixture.summary().summaryCSV().split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[1] == "amf,2,0.75,0.75,0.75,1.0,1.0,1.0,,,,,,,,,,")
    #expect(lines[2] == "uniform,2,0.625,0.625,0.625,0.75,0.75,0.75,-0.125,-0.125,-0.125,1.0,0.0,-0.25,-0.25,-0.25,1.0,0.0")
  }

  @Test func perTaskCSVIsFinalRoundMeans() throws {
    #expect(try SummaryFixture.summary().perTaskCSV() == """
      arm,task,success,demos
      amf,0,1.0,0.0
      amf,1,1.0,2.0
      uniform,0,1.0,1.0
      uniform,1,0.5,1.0

      """)
  }

  @Test func intervalsAreFormattedWithThreeDecimals() {
    let interval = EstimateInterval(estimate: 0.5, lower: 0.25, upper: 0.75)
    #expect(ReportSummary.format(interval) == "0.500 [0.250, 0.750]")
    #expect(ReportSummary.format(EstimateInterval(estimate: -0.125, lower: -0.25, upper: 0), signed: true)
      == "-0.125 [-0.250, +0.000]")
  }

  @Test func markdownHeadlineTables() throws {
    let text = try SummaryFixture.summary().markdown(plots: ["success.svg"])
    #expect(text.hasPrefix("# AMF report: amf, uniform\n\nEnvironment `integrator2d`, 2 tasks. Means over seeds with 90% "))
    #expect(text.contains("(50 resamples, seeded)"))
    #expect(text.contains("| amf | 2 | 2 | 0.750 [0.750, 0.750] | 1.000 [1.000, 1.000] |\n"))
    #expect(text.contains("| uniform | 2 | -0.125 [-0.125, -0.125] | 100% (0%) "))
    #expect(text.contains("| task | amf success | amf demos | uniform success | uniform demos |\n|---:|---:|---:|---:|---:|\n"))
    #expect(text.contains("| 1 | 1.000 | 2.0 | 0.500 | 1.0 |\n"))
    #expect(text.contains("\n## Plots\n\n![success.svg](success.svg)\n"))
    #expect(text.hasSuffix("\nData: `results.csv` (arm × seed × round), `summary.csv`, `per_task.csv`.\n"))
  }

  @Test func artifactContentCarriesEveryArmAndComparison() throws {
    let group = try SummaryFixture.summary().contentGroup()
    #expect(try group.dataset(at: "/arms/amf/auc_per_seed").shape == [2])
    #expect(try group.dataset(at: "/arms/uniform/success_per_seed").shape == [2, 2])
    #expect(try group.dataset(at: "/arms/uniform/per_task_demos").shape == [2])
    #expect(try group.dataset(at: "/comparisons/uniform/auc_diff_per_seed").shape == [2])
    #expect(throws: (any Error).self) { try group.dataset(at: "/comparisons/amf/seeds") }
  }

  @Test func markdownWithoutAmfHasNoPairedSectionAndNoPlots() throws {
    let summary = try ReportSummary.compute(
      [try SummaryFixture.arm("uniform", finalSuccess: [1, 0.5], finalDemos: [1, 1])], settings: ReportSettings(),
      seed: Seed(0))
    let text = summary.markdown(plots: [])
    #expect(!text.contains("Paired differences") && !text.contains("## Plots"))
    #expect(text.contains("(10000 resamples, seeded)"))
    #expect(text.contains("| uniform | 2 | 2 | 0.625 [0.625, 0.625] | 0.750 [0.750, 0.750] |\n"))
    #expect(text.contains("| 0 | 1.000 | 1.0 |\n| 1 | 0.500 | 1.0 |\n"))
  }

  @Test func summaryCSVWithoutAmfLeavesEveryDifferenceEmpty() throws {
    let summary = try ReportSummary.compute(
      [try SummaryFixture.arm("uniform", finalSuccess: [1, 0.5], finalDemos: [1, 1])], settings: ReportSettings(),
      seed: Seed(0))
    #expect(summary.summaryCSV().split(separator: "\n").last == "uniform,2,0.625,0.625,0.625,0.75,0.75,0.75,,,,,,,,,,")
    #expect((try summary.contentGroup()).attributes["reference_arm"] == .scalar(""))
  }
}
