import Foundation

/// A minimal SVG plot in data coordinates: a framed area with ticks, axis labels, a title and a legend.
struct SVGPlot {
  let xRange: ClosedRange<Double>
  let yRange: ClosedRange<Double>
  let title: String
  let width = 700.0
  let margin = (left: 60.0, right: 230.0, top: 50.0, bottom: 55.0)
  private(set) var body: [String] = []
  private(set) var legend: [String] = []

  init(title: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
    self.title = title
    self.xRange = xRange
    self.yRange = yRange
  }

  /// Pixels per data unit (equal on both axes).
  var scale: Double { (width - margin.left - margin.right) / (xRange.upperBound - xRange.lowerBound) }
  var plotHeight: Double { (yRange.upperBound - yRange.lowerBound) * scale }
  var height: Double { plotHeight + margin.top + margin.bottom }

  func px(_ x: Double) -> Double { margin.left + (x - xRange.lowerBound) * scale }
  func py(_ y: Double) -> Double { margin.top + (yRange.upperBound - y) * scale }

  static func format(_ value: Double) -> String { String(format: "%.1f", value) }
  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
  }

  mutating func polyline(_ points: [(x: Double, y: Double)], color: String, width: Double = 1.5, dash: String? = nil,
                         opacity: Double = 1) {
    let coordinates = points.map { String(format: "%.2f,%.2f", px($0.x), py($0.y)) }.joined(separator: " ")
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    body.append(
      "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(width)\""
        + " stroke-opacity=\"\(opacity)\" stroke-linejoin=\"round\"\(dashing)/>")
  }

  mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String = "none",
                       dataRadius: Bool = false, dash: String? = nil) {
    let r = dataRadius ? radius * scale : radius
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    body.append(String(format: "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", px(x), py(y), r)
      + " fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.2\"\(dashing)/>")
  }

  mutating func square(x: Double, y: Double, size: Double, fill: String) {
    body.append(String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.1f\" height=\"%.1f\"", px(x) - size / 2,
                       py(y) - size / 2, size, size) + " fill=\"\(fill)\" stroke=\"black\" stroke-width=\"0.8\"/>")
  }

  mutating func text(_ string: String, x: Double, y: Double, size: Double = 11, anchor: String = "middle",
                     color: String = "black") {
    body.append(String(format: "<text x=\"%.2f\" y=\"%.2f\"", px(x), py(y) + size / 3)
      + " font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\">\(Self.escape(string))</text>")
  }

  /// A legend entry: a symbol (`line`, `dashed`, `dot`, `square`, `ring`) and a label.
  mutating func legendEntry(_ symbol: String, color: String, label: String) {
    let y = margin.top + 10 + Double(legend.count) * 20
    let x = width - margin.right + 15
    let mark: String
    switch symbol {
    case "line":
      mark = "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + 22)\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
    case "dashed":
      mark = "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + 22)\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"1.2\""
        + " stroke-dasharray=\"4 3\"/>"
    case "square":
      mark = "<rect x=\"\(x + 6)\" y=\"\(y - 5)\" width=\"10\" height=\"10\" fill=\"\(color)\" stroke=\"black\"/>"
    case "ring":
      mark = "<circle cx=\"\(x + 11)\" cy=\"\(y)\" r=\"5\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
    default:
      mark = "<circle cx=\"\(x + 11)\" cy=\"\(y)\" r=\"4\" fill=\"\(color)\" stroke=\"black\" stroke-width=\"0.6\"/>"
    }
    legend.append(mark + "<text x=\"\(x + 30)\" y=\"\(y + 4)\" font-size=\"11\">\(Self.escape(label))</text>")
  }

  /// The SVG document.
  func render(tickStep: Double = 0.5) -> String {
    var lines = [
      String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\"", width, height)
        + String(format: " viewBox=\"0 0 %.0f %.0f\" font-family=\"Helvetica, Arial, sans-serif\">", width, height),
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
      String(format: "<text x=\"%.1f\" y=\"28\" font-size=\"15\" font-weight=\"bold\">%@</text>", margin.left,
             Self.escape(title)),
    ]
    let (left, right, top, bottom) = (px(xRange.lowerBound), px(xRange.upperBound), py(yRange.upperBound),
                                      py(yRange.lowerBound))
    for tick in stride(from: (xRange.lowerBound / tickStep).rounded(.up) * tickStep, through: xRange.upperBound + 1e-9,
                       by: tickStep) {
      lines.append(String(format: "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e5e5e5\"/>",
                          px(tick), top, px(tick), bottom))
      lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"middle\">%@</text>",
                          px(tick), bottom + 15, Self.format(tick)))
    }
    for tick in stride(from: (yRange.lowerBound / tickStep).rounded(.up) * tickStep, through: yRange.upperBound + 1e-9,
                       by: tickStep) {
      lines.append(String(format: "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e5e5e5\"/>",
                          left, py(tick), right, py(tick)))
      lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"end\">%@</text>",
                          left - 6, py(tick) + 3, Self.format(tick)))
    }
    lines.append(String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\""
                          + " stroke=\"black\"/>", left, top, right - left, bottom - top))
    lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\">x</text>",
                        (left + right) / 2, bottom + 38))
    lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\">y</text>",
                        left - 40, (top + bottom) / 2))
    return (lines + body + legend + ["</svg>"]).joined(separator: "\n") + "\n"
  }
}
