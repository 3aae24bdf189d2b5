import AMFNumerics
import Foundation

extension ReportSummary {
  private var intervalLabel: String {
    "\(Int((settings.confidence * 100).rounded()))% bootstrap interval"
  }

  private func seedCounts() -> String {
    let counts = Set(arms.map(\.seeds.count))
    return counts.count == 1 ? "\(counts.first ?? 0) seeds" : "seeds per arm: \(arms.map(\.seeds.count))"
  }

  /// `success.svg`: multi-task success against demonstrations collected, one line per arm (mean over
  /// seeds) with its shaded interval band.
  public func successPlot() -> String {
    let maxDemos = Double(arms.map(\.budgetDemos).max() ?? 1)
    // The y axis starts at a multiple of 0.1 below every band (0 when something comes near it).
    let lowest = arms.flatMap { $0.success.map(\.lower) }.min() ?? 0
    let yLow = lowest > 0.3 ? ((lowest - 0.05) * 10).rounded(.down) / 10 : 0
    let legend = SVGPlot.legendWidth(for: arms.map(\.name))
    var plot = SVGPlot(width: 650 + legend, legendWidth: legend, xRange: 0...max(1, maxDemos), yRange: yLow...1)
    let xTicks = SVGPlot.ticks(0...max(1, maxDemos), target: min(10, max(1, Int(maxDemos))))
      .map { ($0, String(format: "%g", $0)) }
    plot.frame(
      title: "Multi-task success vs demonstrations (\(environmentName))",
      subtitle: "mean over \(seedCounts()); shaded: \(intervalLabel)"
        + (yLow > 0 ? "; y axis starts at \(String(format: "%.1f", yLow))" : ""),
      xLabel: "demonstrations collected (count)", yLabel: "multi-task success rate (fraction solved)",
      xTicks: xTicks, yTicks: SVGPlot.ticks(yLow...1, target: 5))
    for (index, arm) in arms.enumerated() {
      let color = SVGPlot.color(index)
      let upper = zip(arm.demos, arm.success).map { "\(SVGPlot.n(plot.px($0))),\(SVGPlot.n(plot.py($1.upper)))" }
      let lower = zip(arm.demos, arm.success).reversed()
        .map { "\(SVGPlot.n(plot.px($0))),\(SVGPlot.n(plot.py($1.lower)))" }
      plot.add("<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.16\" "
        + "stroke=\"\(color)\" stroke-opacity=\"0.35\" stroke-width=\"0.8\"/>")
    }
    for (index, arm) in arms.enumerated() {
      let points = zip(arm.demos, arm.success).map { "\(SVGPlot.n(plot.px($0))),\(SVGPlot.n(plot.py($1.estimate)))" }
      let dash = SVGPlot.dash(index).isEmpty ? "" : " stroke-dasharray=\"\(SVGPlot.dash(index))\""
      plot.add("<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(SVGPlot.color(index))\" "
        + "stroke-width=\"2.5\"\(dash)/>")
      for (x, y) in zip(arm.demos, arm.success) {
        plot.add(SVGPlot.marker(index, x: plot.px(x), y: plot.py(y.estimate)))
      }
    }
    plot.legend(arms.map(\.name), title: "arm")
    return plot.document()
  }

  /// `auc.svg`: each arm's AUC: the mean with its interval (bar with caps) and every seed's value as a dot.
  public func aucPlot() -> String {
    let values = arms.flatMap { $0.aucPerSeed + [$0.auc.lower, $0.auc.upper] }
    let (low, high) = (values.min() ?? 0, values.max() ?? 1)
    let pad = max(0.02, (high - low) * 0.12)
    let yLow = max(0, ((low - pad) * 20).rounded(.down) / 20)
    let yHigh = min(1, ((high + pad) * 20).rounded(.up) / 20)
    let yRange = yLow...max(yHigh, yLow + 0.05)
    let legend = SVGPlot.legendWidth(for: arms.map(\.name))
    let category = SVGPlot.categoryWidth(for: arms.map(\.name), minimum: 110)
    var plot = SVGPlot(width: max(530 + legend, 90 + legend + category * Double(arms.count)), legendWidth: legend,
                       xRange: -0.5...(Double(arms.count) - 0.5), yRange: yRange)
    plot.frame(
      title: "AUC per arm (\(environmentName))",
      subtitle: "large marker: mean over \(seedCounts()), bar: \(intervalLabel); dots: single seeds",
      xLabel: "arm", yLabel: "AUC (success area / N, 0 to 1)",
      xTicks: arms.indices.map { (Double($0), arms[$0].name) }, yTicks: SVGPlot.ticks(yRange, target: 6),
      yFormat: yRange.upperBound - yRange.lowerBound < 0.3 ? "%.2f" : "%.1f")
    for (index, arm) in arms.enumerated() {
      let color = SVGPlot.color(index)
      let center = Double(index)
      for (seedIndex, value) in arm.aucPerSeed.enumerated() {
        let spread = arm.aucPerSeed.count > 1 ? Double(seedIndex) / Double(arm.aucPerSeed.count - 1) - 0.5 : 0
        plot.add("<circle cx=\"\(SVGPlot.n(plot.px(center - 0.22 + 0.16 * spread)))\" "
          + "cy=\"\(SVGPlot.n(plot.py(value)))\" r=\"3.5\" fill=\"\(color)\" fill-opacity=\"0.35\" "
          + "stroke=\"\(color)\" stroke-width=\"1\"/>")
      }
      let x = plot.px(center + 0.08)
      plot.line(x, plot.py(arm.auc.lower), x, plot.py(arm.auc.upper), color: color, width: 2.5)
      for end in [arm.auc.lower, arm.auc.upper] {
        plot.line(x - 9, plot.py(end), x + 9, plot.py(end), color: color, width: 2.5)
      }
      plot.add(SVGPlot.marker(index, x: x, y: plot.py(arm.auc.estimate), size: 7))
      plot.text(String(format: "%.3f", arm.auc.estimate), x: x + 14, y: plot.py(arm.auc.estimate) + 4.5,
                size: 12, anchor: "start")
    }
    plot.legend(arms.map(\.name), title: "arm")
    return plot.document()
  }

  /// `task_demos.svg`: demonstrations collected per task by the final round, mean over seeds, grouped
  /// bars with one bar per arm.
  public func taskDemosPlot() -> String {
    let maxDemos = arms.flatMap(\.perTaskDemos).max() ?? 1
    let top = max(1, (SVGPlot.ticks(0...max(1, maxDemos * 1.08), target: 5).last ?? 1))
    let yTop = top < maxDemos * 1.02 ? top + (SVGPlot.ticks(0...top).dropFirst().first ?? 1) : top
    let legend = SVGPlot.legendWidth(for: arms.map(\.name))
    var plot = SVGPlot(width: max(590 + legend, 90 + legend + 34 * Double(taskCount) * Double(max(1, arms.count)) / 2),
                       legendWidth: legend, xRange: -0.5...(Double(taskCount) - 0.5), yRange: 0...yTop)
    plot.frame(
      title: "Demonstrations per task by the final round (\(environmentName))",
      subtitle: "mean over \(seedCounts())", xLabel: "task index", yLabel: "demonstrations collected (count)",
      xTicks: (0..<taskCount).map { (Double($0), "\($0)") }, yTicks: SVGPlot.ticks(0...yTop, target: 5),
      yFormat: yTop <= 4 ? "%.1f" : "%.0f")
    let groupWidth = 0.8
    let barWidth = groupWidth / Double(max(1, arms.count))
    for (index, arm) in arms.enumerated() {
      for (task, demos) in arm.perTaskDemos.enumerated() {
        let left = plot.px(Double(task) - groupWidth / 2 + Double(index) * barWidth)
        let right = plot.px(Double(task) - groupWidth / 2 + Double(index + 1) * barWidth)
        let y = plot.py(demos)
        let barWidth = SVGPlot.n(max(0.5, right - left - 1))
        plot.add("<rect x=\"\(SVGPlot.n(left))\" y=\"\(SVGPlot.n(y))\" width=\"\(barWidth)\" "
          + "height=\"\(SVGPlot.n(max(0, plot.py(0) - y)))\" fill=\"\(SVGPlot.color(index))\"/>")
      }
    }
    plot.legend(arms.map(\.name), title: "arm", swatch: true)
    return plot.document()
  }
}
