import AMFReport
import Foundation

extension StudyDiagnostics {
  /// The diagnostics as Markdown: one table row per arm with picks (arms without picks are left out), and,
  /// when any arm has calibration units, the calibration table (issue #16). Every line ends in a newline.
  public func markdown() -> String {
    var lines = [
      "| arm | picks | on targets | on covered | on distractors | round-1 picks (all seeds) | ESS / pool (targets) "
        + "| own-task share (targets) | own-task share (covered) |",
      "|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for arm in arms {
      guard let t = tallies[arm], t.picks > 0 else { continue }
      func share(_ n: Int) -> String { String(format: "%.2f", Double(n) / Double(t.picks)) }
      var counts: [Int: Int] = [:]
      for task in t.firstRound { counts[task, default: 0] += 1 }
      let first = counts.keys.sorted().map { "\($0)×\(counts[$0] ?? 0)" }.joined(separator: " ")
      lines.append(
        "| \(arm) | \(t.picks) | \(share(t.target)) | \(share(t.covered)) | \(share(t.distractor)) | \(first) | "
          + "\(Self.mean(t.ess)) | \(Self.mean(t.own)) | \(Self.mean(t.ownCovered)) |")
    }
    if !calibration.isEmpty { lines += calibrationLines() }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The mean with two decimals, or "–" for no values.
  static func mean(_ values: [Double]) -> String {
    values.isEmpty ? "–" : String(format: "%.2f", values.reduce(0, +) / Double(values.count))
  }

  /// `value` in `format`, or "–" when there is none.
  static func number(_ value: Double?, _ format: String = "%.2f") -> String {
    value.map { String(format: format, $0) } ?? "–"
  }

  private func calibrationLines() -> [String] {
    var lines = [
      "",
      "Calibration (issue #16): per (seed, round, picked task), the score the criterion gave the task against the",
      "success it gained in the next evaluation; `amf` scores are information gains (nats), `uncertainty` scores "
        + "entropies.",
      "",
      "| arm | units | Pearson | Spearman | predicted: covered | predicted: uncovered | Δ success: covered "
        + "| Δ success: uncovered |",
      "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for arm in arms {
      guard let units = calibration[arm] else { continue }
      let summary = Calibration(units: units)
      let (covered, uncovered) = (summary.means(covered: true), summary.means(covered: false))
      lines.append(
        "| \(arm) | \(units.count) | \(Self.number(summary.pearson)) | \(Self.number(summary.spearman)) | "
          + "\(Self.number(covered?.predicted, "%.3g")) | \(Self.number(uncovered?.predicted, "%.3g")) | "
          + "\(Self.number(covered?.realized, "%+.3f")) | \(Self.number(uncovered?.realized, "%+.3f")) |")
    }
    return lines
  }
}
