import AMFArtifacts
import AMFCore
import AMFReport
import Foundation

/// `amf-report`: compare arms from their evaluations (AMF.md §7): success curves with bootstrap bands, AUC
/// and final success per seed with intervals, per-task success and demonstration counts, and paired
/// differences to the arm `amf`.
///
/// Inputs: one `evaluation/<arm>/seed-<s>/round-<r>` per arm × seed × round 0 … N/B of `report.arms`
/// (checked exactly; `ReportInputs`). Output: the `report` artifact, and beside it, in
/// `<output without .h5>.files/`, `report.md`, `results.csv`, `summary.csv`, `per_task.csv` and the plots
/// `success.svg`, `auc.svg`, `task_demos.svg` (with `.png` copies when `rsvg-convert` is on `PATH`).
/// Random streams: see `ReportSummary`. Every file is a deterministic function of the inputs, params and
/// seed (the PNGs: for one librsvg build).
public enum ReportStage: Stage {
  public typealias Params = ReportParams
  public static let kind = StageKind.report
  /// The plot files, in the order `report.md` shows them.
  public static let plotNames = ["success", "auc", "task_demos"]

  public static var defaultParams: ReportParams { ReportParams() }
  public static var parameterVariants: [(condition: String, params: ReportParams)] { [] }

  public static func run(_ inputs: StageInputs, params: ReportParams, context: StageContext) throws -> [StageOutput] {
    let arms = try ReportInputs.arms(inputs, params: params)
    let summary = try ReportInputs.summary(of: arms, settings: params.report, seed: context.seed)
    let files = files(of: summary, rasterizer: .onPath(), progress: context.progress)
    context.progress.log(
      "reported \(arms.count) arms: " + summary.arms.map { "\($0.name) AUC \(ReportSummary.format($0.auc))" }
        .joined(separator: "; "))
    return [StageOutput(role: "report", kind: .report, content: try summary.contentGroup(), files: files)]
  }

  /// The human-readable files of `summary`: tables, SVG plots and, when `rasterizer` has a converter,
  /// PNG copies (their absence is logged once).
  public static func files(of summary: ReportSummary, rasterizer: SVGRasterizer, progress: StageProgress = .silent)
    -> [String: Data]
  {
    let plots = [summary.successPlot(), summary.aucPlot(), summary.taskDemosPlot()]
    var files: [String: Data] = [
      "results.csv": Data(summary.resultsCSV().utf8), "summary.csv": Data(summary.summaryCSV().utf8),
      "per_task.csv": Data(summary.perTaskCSV().utf8),
    ]
    var shown: [String] = []
    if rasterizer.converter == nil {
      progress.log("rsvg-convert not found on PATH: writing SVG plots without PNG copies")
    }
    for (name, svg) in zip(plotNames, plots) {
      files["\(name).svg"] = Data(svg.utf8)
      if let png = rasterizer.png(from: svg, failure: { progress.log("no PNG of \(name).svg: \($0)") }) {
        files["\(name).png"] = png
        shown.append("\(name).png")
      } else {
        shown.append("\(name).svg")
      }
    }
    files["report.md"] = Data(summary.markdown(plots: shown).utf8)
    return files
  }
}
