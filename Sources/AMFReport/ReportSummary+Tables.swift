import AMFNumerics
import Foundation

extension ReportSummary {
  /// `results.csv`: one row per arm × seed × round (tidy), full precision (shortest round-trip decimals).
  public func resultsCSV() -> String {
    var lines = ["arm,seed,round,demos,multitask_success,mean_return"]
    for arm in arms {
      for (index, seed) in arm.seeds.enumerated() {
        for round in arm.successPerSeed[index].indices {
          lines.append(
            "\(arm.name),\(seed),\(round),\(arm.demosPerSeed[index][round]),"
              + "\(arm.successPerSeed[index][round]),\(arm.returnPerSeed[index][round])")
        }
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `summary.csv`: one row per arm: AUC and final success with intervals, and the paired differences to
  /// amf (empty for amf itself and when there is no amf arm).
  public func summaryCSV() -> String {
    var lines = [
      "arm,seeds,auc_mean,auc_lo,auc_hi,final_mean,final_lo,final_hi,"
        + "auc_diff_mean,auc_diff_lo,auc_diff_hi,auc_amf_ahead_share,auc_tie_share,"
        + "final_diff_mean,final_diff_lo,final_diff_hi,final_amf_ahead_share,final_tie_share",
    ]
    for arm in arms {
      var fields = [arm.name, "\(arm.seeds.count)"] + Self.fields(arm.auc) + Self.fields(arm.final)
      if let comparison = comparisons.first(where: { $0.name == arm.name }) {
        fields += Self.fields(comparison.aucDiff)
          + ["\(comparison.aucShares.amfAhead)", "\(comparison.aucShares.ties)"]
          + Self.fields(comparison.finalDiff)
          + ["\(comparison.finalShares.amfAhead)", "\(comparison.finalShares.ties)"]
      } else {
        fields += Array(repeating: "", count: 10)
      }
      lines.append(fields.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `per_task.csv`: final-round success and demonstrations per arm and task, mean over seeds.
  public func perTaskCSV() -> String {
    var lines = ["arm,task,success,demos"]
    for arm in arms {
      for task in arm.perTaskSuccess.indices {
        lines.append("\(arm.name),\(task),\(arm.perTaskSuccess[task]),\(arm.perTaskDemos[task])")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func fields(_ interval: EstimateInterval) -> [String] {
    ["\(interval.estimate)", "\(interval.lower)", "\(interval.upper)"]
  }

  /// `report.md`: the headline tables for people.
  public func markdown(plots: [String]) -> String {
    let percent = Int((settings.confidence * 100).rounded())
    var text = """
      # AMF report: \(arms.map(\.name).joined(separator: ", "))

      Environment `\(environmentName)`, \(taskCount) tasks. Means over seeds with \(percent)% \
      percentile-bootstrap intervals (\(settings.bootstrapResamples) resamples, seeded). AUC: trapezoid area \
      of multi-task success over demonstrations used 0 … N, divided by N.


      """
    text += "| arm | seeds | N | AUC [\(percent)% CI] | final success [\(percent)% CI] |\n|---|---:|---:|---|---|\n"
    for arm in arms {
      text += "| \(arm.name) | \(arm.seeds.count) | \(arm.budgetDemos) | \(Self.format(arm.auc)) "
        + "| \(Self.format(arm.final)) |\n"
    }
    if !comparisons.isEmpty {
      text += "\n## Paired differences to `amf` (arm − amf, per common seed)\n\n"
      text += "Share: seeds where amf is ahead; ties (|Δ| ≤ 1e-12) are counted separately.\n\n"
      text += "| arm | seeds | Δ AUC [\(percent)% CI] | amf ahead (ties) "
        + "| Δ final [\(percent)% CI] | amf ahead (ties) |\n"
      text += "|---|---:|---|---|---|---|\n"
      for c in comparisons {
        text += "| \(c.name) | \(c.seeds.count) | \(Self.format(c.aucDiff, signed: true)) | \(Self.share(c.aucShares)) "
          + "| \(Self.format(c.finalDiff, signed: true)) | \(Self.share(c.finalShares)) |\n"
      }
    }
    text += perTaskMarkdown()
    if !plots.isEmpty { text += "\n## Plots\n\n" + plots.map { "![\($0)](\($0))\n" }.joined() }
    text += "\nData: `results.csv` (arm × seed × round), `summary.csv`, `per_task.csv`.\n"
    return text
  }

  private func perTaskMarkdown() -> String {
    let header = arms.map { "\($0.name) success | \($0.name) demos" }.joined(separator: " | ")
    var text = "\n## Per task, final round (mean over seeds)\n\n| task | \(header) |\n|---:|"
    text += String(repeating: "---:|---:|", count: arms.count) + "\n"
    for task in 0..<taskCount {
      let cells = arms.map { arm in
        String(format: "%.3f | %.1f", arm.perTaskSuccess[task], arm.perTaskDemos[task])
      }
      text += "| \(task) | \(cells.joined(separator: " | ")) |\n"
    }
    return text
  }

  public static func format(_ interval: EstimateInterval, signed: Bool = false) -> String {
    let pattern = signed ? "%+.3f [%+.3f, %+.3f]" : "%.3f [%.3f, %.3f]"
    return String(format: pattern, interval.estimate, interval.lower, interval.upper)
  }

  private static func share(_ shares: (amfAhead: Double, ties: Double)) -> String {
    String(format: "%.0f%% (%.0f%%)", shares.amfAhead * 100, shares.ties * 100)
  }
}
