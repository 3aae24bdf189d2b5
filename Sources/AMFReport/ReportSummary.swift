import AMFArtifacts
import AMFCore
import AMFNumerics

/// One arm's statistics over its seeds (AMF.md §7).
public struct ArmSummary: Sendable {
  /// The arm's name.
  public var name: String
  /// Its seeds, in params order.
  public var seeds: [Int]
  /// N, the budget the AUC is divided by.
  public var budgetDemos: Int
  /// Demonstrations used at each round, mean over seeds. Shapes: (rounds + 1).
  public var demos: [Double]
  /// Multi-task success per seed and round. Shapes: (seeds × (rounds + 1)).
  public var successPerSeed: [[Double]]
  /// Mean return per seed and round. Shapes: (seeds × (rounds + 1)).
  public var returnPerSeed: [[Double]]
  /// Demonstrations used per seed and round. Shapes: (seeds × (rounds + 1)).
  public var demosPerSeed: [[Int]]
  /// Mean success over seeds with its bootstrap interval, per round. Shapes: (rounds + 1).
  public var success: [EstimateInterval]
  /// AUC per seed. Shapes: (seeds).
  public var aucPerSeed: [Double]
  /// Mean AUC with its interval.
  public var auc: EstimateInterval
  /// Final-round success per seed. Shapes: (seeds).
  public var finalPerSeed: [Double]
  /// Mean final success with its interval.
  public var final: EstimateInterval
  /// Final-round success per task, mean over seeds. Shapes: (tasks).
  public var perTaskSuccess: [Double]
  /// Final-round demonstrations per task, mean over seeds. Shapes: (tasks).
  public var perTaskDemos: [Double]
}

/// Paired differences of one arm to the reference arm `amf`, per common seed: arm − amf.
public struct ArmComparison: Sendable {
  /// The compared arm.
  public var name: String
  /// The seeds both arms have, ascending.
  public var seeds: [Int]
  /// AUC(arm) − AUC(amf) per seed.
  public var aucDiffPerSeed: [Double]
  /// Final success(arm) − final success(amf) per seed.
  public var finalDiffPerSeed: [Double]
  /// Mean AUC difference with its interval.
  public var aucDiff: EstimateInterval
  /// Mean final-success difference with its interval.
  public var finalDiff: EstimateInterval
  /// Share of seeds where amf's AUC is ahead (difference < −tie tolerance), and where they tie.
  public var aucShares: (amfAhead: Double, ties: Double)
  /// The same for final success.
  public var finalShares: (amfAhead: Double, ties: Double)
}

/// Everything a report shows, computed from the checked evaluations.
///
/// Random streams, all from the run seed, one per statistic so that each number is reproducible on its
/// own: the success band of arm a at round r from `report/<a>/success/round-<r>`, its AUC interval from
/// `report/<a>/auc`, its final-success interval from `report/<a>/final`, and the paired intervals from
/// `report/<a>/vs-amf/auc` and `report/<a>/vs-amf/final`.
public struct ReportSummary: Sendable {
  /// The name of the reference arm of the paired comparisons.
  public static let referenceArm = "amf"
  /// |difference| at or below which two seeds' values count as a tie (not as amf ahead).
  public static let tieTolerance = 1e-12

  /// The environment every evaluation shares.
  public var environmentName: String
  /// |C|.
  public var taskCount: Int
  /// The bootstrap settings used.
  public var settings: ReportSettings
  /// One summary per arm, in params order.
  public var arms: [ArmSummary]
  /// One comparison per arm other than `amf`, when an arm named `amf` is reported.
  public var comparisons: [ArmComparison]

  /// Computes every statistic.
  public static func compute(_ arms: [ArmEvaluations], settings: ReportSettings, seed: Seed) throws -> ReportSummary {
    let summaries = try arms.map { try summarize($0, settings: settings, seed: seed) }
    let reference = summaries.first { $0.name == referenceArm }
    let comparisons = try reference.map { amf in
      try summaries.filter { $0.name != referenceArm }.map { try compare($0, to: amf, settings: settings, seed: seed) }
    }
    let first = arms.first?.records.first?.first
    return ReportSummary(
      environmentName: first?.environmentName ?? "", taskCount: first?.taskCount ?? 0, settings: settings,
      arms: summaries, comparisons: comparisons ?? [])
  }

  /// The AUC of one seed's curve: trapezoid area of success over demonstrations used, divided by N.
  ///
  /// Edge cases: the first point must be at 0 demonstrations, the last at N, and x may not decrease;
  /// otherwise `ReportError.inconsistentInput` names the arm and seed.
  public static func auc(demos: [Int], success: [Double], budget: Int, label: String) throws -> Double {
    let x = demos.map(Double.init)
    guard demos.first == 0, demos.last == budget, zip(x, x.dropFirst()).allSatisfy({ $0 <= $1 }) else {
      throw ReportError.inconsistentInput(
        role: label, reason: "demos_used over the rounds is \(demos); expected 0 … \(budget), never decreasing")
    }
    return SummaryStatistics.trapezoidArea(x: x, y: success) / Double(budget)
  }

  static func summarize(_ arm: ArmEvaluations, settings: ReportSettings, seed: Seed) throws -> ArmSummary {
    let name = arm.name
    let success = arm.records.map { $0.map(\.multitaskSuccess) }  // (seeds × rounds+1)
    let demos = arm.records.map { $0.map(\.demosUsed) }
    let budget = arm.arm.budget.demos
    let aucs = try zip(arm.arm.seeds, zip(demos, success)).map { seedValue, curve in
      try auc(demos: curve.0, success: curve.1, budget: budget, label: "evaluation/\(name)/seed-\(seedValue)")
    }
    let finals = success.map { $0.last ?? 0 }
    let finalRecords = arm.records.compactMap(\.last)
    let rounds = arm.arm.rounds
    func interval(_ sample: [Double], _ label: String) -> EstimateInterval {
      var rng = seed.generator("report/\(name)/\(label)")
      return SummaryStatistics.percentileBootstrap(
        sample, resamples: settings.bootstrapResamples, confidence: settings.confidence, using: &rng)
    }
    return ArmSummary(
      name: name, seeds: arm.arm.seeds, budgetDemos: budget,
      demos: (0...rounds).map { r in SummaryStatistics.mean(demos.map { Double($0[r]) }) },
      successPerSeed: success, returnPerSeed: arm.records.map { $0.map(\.meanReturn) }, demosPerSeed: demos,
      success: (0...rounds).map { r in interval(success.map { $0[r] }, "success/round-\(r)") },
      aucPerSeed: aucs, auc: interval(aucs, "auc"), finalPerSeed: finals, final: interval(finals, "final"),
      perTaskSuccess: columnMeans(finalRecords.map(\.success)),
      perTaskDemos: columnMeans(finalRecords.map { $0.demosPerTask.map(Double.init) }))
  }

  static func compare(_ arm: ArmSummary, to amf: ArmSummary, settings: ReportSettings, seed: Seed) throws
    -> ArmComparison
  {
    let common = Set(arm.seeds).intersection(amf.seeds).sorted()
    guard !common.isEmpty else {
      throw ReportError.inconsistentInput(
        role: "evaluation/\(arm.name)", reason: "arm \(arm.name) shares no seed with \(referenceArm); pair the arms")
    }
    func differences(_ values: (ArmSummary) -> [Double]) -> [Double] {
      common.map { s in
        let mine = arm.seeds.firstIndex(of: s).map { values(arm)[$0] } ?? 0
        let theirs = amf.seeds.firstIndex(of: s).map { values(amf)[$0] } ?? 0
        return mine - theirs
      }
    }
    func interval(_ sample: [Double], _ label: String) -> EstimateInterval {
      var rng = seed.generator("report/\(arm.name)/vs-\(referenceArm)/\(label)")
      return SummaryStatistics.percentileBootstrap(
        sample, resamples: settings.bootstrapResamples, confidence: settings.confidence, using: &rng)
    }
    let aucDiffs = differences(\.aucPerSeed)
    let finalDiffs = differences(\.finalPerSeed)
    return ArmComparison(
      name: arm.name, seeds: common, aucDiffPerSeed: aucDiffs, finalDiffPerSeed: finalDiffs,
      aucDiff: interval(aucDiffs, "auc"), finalDiff: interval(finalDiffs, "final"),
      aucShares: shares(aucDiffs), finalShares: shares(finalDiffs))
  }

  /// The share of differences (arm − amf) where amf is ahead (< −tolerance) and where they tie.
  public static func shares(_ differences: [Double]) -> (amfAhead: Double, ties: Double) {
    guard !differences.isEmpty else { return (0, 0) }
    let n = Double(differences.count)
    let ahead = differences.filter { $0 < -tieTolerance }.count
    let ties = differences.filter { abs($0) <= tieTolerance }.count
    return (Double(ahead) / n, Double(ties) / n)
  }

  private static func columnMeans(_ rows: [[Double]]) -> [Double] {
    guard let width = rows.first?.count else { return [] }
    return (0..<width).map { column in SummaryStatistics.mean(rows.map { $0[column] }) }
  }
}
