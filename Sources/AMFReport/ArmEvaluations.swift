import AMFArtifacts

/// The evaluations of one arm, checked and ordered: `records[s][r]` is seed `seeds[s]` at round r.
public struct ArmEvaluations: Sendable {
  /// The arm as the params (or the inputs) describe it.
  public var arm: ReportedArm
  /// Seed-major, then round 0 … N/B. Shapes: (seeds × (rounds + 1)).
  public var records: [[EvaluationRecord]]

  /// The arm's name.
  public var name: String { arm.name }

  /// Creates an arm's evaluations; `records` is (seeds × (rounds + 1)).
  public init(arm: ReportedArm, records: [[EvaluationRecord]]) {
    self.arm = arm
    self.records = records
  }
}
