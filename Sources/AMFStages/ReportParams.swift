import AMFCore
import AMFReport

/// What a report computes from: settings and the layout of the evaluations it reads.
///
/// Decoding is strict (unknown keys name the valid ones); absent keys take the defaults: `report` with
/// 10 000 resamples at 90%, `arms` empty, which means "the arms the inputs name" (hand use of
/// `amf-report`): each arm's seeds and rounds are then read off the roles and N off its last round.
public struct ReportParams: Codable, Hashable, Sendable {
  /// Bootstrap settings.
  public var report: ReportSettings
  /// The arms compared, in order.
  public var arms: [ReportedArm]

  enum CodingKeys: String, CodingKey, CaseIterable { case report, arms }

  /// Creates params.
  public init(report: ReportSettings = ReportSettings(), arms: [ReportedArm] = []) {
    self.report = report
    self.arms = arms
  }

  /// Decodes strictly, filling defaults, and checks arm names are distinct.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      report: try c.decodeIfPresent(ReportSettings.self, forKey: .report) ?? ReportSettings(),
      arms: try c.decodeIfPresent([ReportedArm].self, forKey: .arms) ?? [])
    try decoder.validating {
      guard Set(arms.map(\.name)).count == arms.count else {
        throw InvalidParameter("arms", reason: "arm names must be distinct")
      }
      try requireAtMost(ManifestLimits.arms, arms.count, "arms", "arms compared in one report")
    }
  }
}
