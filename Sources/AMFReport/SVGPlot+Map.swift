import Foundation

/// Equal-aspect maps: one data unit is as many pixels on both axes, 700 px wide with the legend on the
/// right; primitives take data coordinates (the environment pictures of `amf-bench render-environments`).
extension SVGPlot {
  /// Margins of a map: left, top, right (legend room) and bottom, in pixels.
  public static let mapMargin = (left: 60.0, right: 230.0, top: 50.0, bottom: 55.0)

  /// A map of `xRange` × `yRange`, 700 px wide; its height follows from the equal scale.
  public init(mapTitle title: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
    let margin = Self.mapMargin
    let width = 700.0
    let scale = (width - margin.left - margin.right) / (xRange.upperBound - xRange.lowerBound)
    let height = (yRange.upperBound - yRange.lowerBound) * scale + margin.top + margin.bottom
    self.width = width
    self.height = height
    area = (margin.left, margin.top, width - margin.right, height - margin.bottom)
    self.xRange = xRange
    self.yRange = yRange
    self.scale = scale
    mapTitle = title
  }

  /// A polyline through data points.
  public mutating func polyline(
    _ points: [(x: Double, y: Double)], color: String, width: Double = 1.5, dash: String? = nil, opacity: Double = 1
  ) {
    let coordinates = points.map { String(format: "%.2f,%.2f", px($0.x), py($0.y)) }.joined(separator: " ")
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    add(
      "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(width)\""
        + " stroke-opacity=\"\(opacity)\" stroke-linejoin=\"round\"\(dashing)/>")
  }

  /// A circle at a data point; `radius` is in pixels, or in data units when `dataRadius`.
  public mutating func circle(
    x: Double, y: Double, radius: Double, fill: String, stroke: String = "none", dataRadius: Bool = false,
    dash: String? = nil
  ) {
    let r = dataRadius ? radius * (scale ?? 1) : radius
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    add(String(format: "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", px(x), py(y), r)
      + " fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.2\"\(dashing)/>")
  }

  /// A square of `size` pixels centred on a data point.
  public mutating func square(x: Double, y: Double, size: Double, fill: String) {
    add(String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.1f\" height=\"%.1f\"", px(x) - size / 2,
               py(y) - size / 2, size, size) + " fill=\"\(fill)\" stroke=\"black\" stroke-width=\"0.8\"/>")
  }

  /// Text centred (or anchored) at a data point.
  public mutating func label(
    _ string: String, x: Double, y: Double, size: Double = 11, anchor: String = "middle", color: String = "black"
  ) {
    add(String(format: "<text x=\"%.2f\" y=\"%.2f\"", px(x), py(y) + size / 3)
      + " font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\">\(Self.escape(string))</text>")
  }

  /// The symbol of a map legend entry.
  public enum LegendSymbol: Sendable {
    /// A solid line.
    case line
    /// A dashed line.
    case dashed
    /// A filled dot.
    case dot
    /// A filled square.
    case square
    /// An open ring.
    case ring
  }

  /// A map legend entry: a symbol and a label, below the previous entries.
  public mutating func legendEntry(_ symbol: LegendSymbol, color: String, label: String) {
    let y = area.top + 10 + Double(mapLegend.count) * 20
    let x = area.right + 15
    let mark: String
    switch symbol {
    case .line:
      mark = "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + 22)\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
    case .dashed:
      mark = "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + 22)\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"1.2\""
        + " stroke-dasharray=\"4 3\"/>"
    case .square:
      mark = "<rect x=\"\(x + 6)\" y=\"\(y - 5)\" width=\"10\" height=\"10\" fill=\"\(color)\" stroke=\"black\"/>"
    case .ring:
      mark = "<circle cx=\"\(x + 11)\" cy=\"\(y)\" r=\"5\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
    case .dot:
      mark = "<circle cx=\"\(x + 11)\" cy=\"\(y)\" r=\"4\" fill=\"\(color)\" stroke=\"black\" stroke-width=\"0.6\"/>"
    }
    mapLegend.append(mark + "<text x=\"\(x + 30)\" y=\"\(y + 4)\" font-size=\"11\">\(Self.escape(label))</text>")
  }

  /// The map's SVG document: title, a grid every `tickStep` data units with labels, the frame, the axis
  /// names x and y, what was drawn, and the legend.
  public func mapDocument(tickStep: Double = 0.5) -> String {
    var lines = [
      String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\"", width, height)
        + String(format: " viewBox=\"0 0 %.0f %.0f\" font-family=\"Helvetica, Arial, sans-serif\">", width, height),
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
      String(format: "<text x=\"%.1f\" y=\"28\" font-size=\"15\" font-weight=\"bold\">%@</text>", area.left,
             Self.escape(mapTitle)),
    ]
    let (left, right, top, bottom) = (px(xRange.lowerBound), px(xRange.upperBound), py(yRange.upperBound),
                                      py(yRange.lowerBound))
    for tick in stride(from: (xRange.lowerBound / tickStep).rounded(.up) * tickStep, through: xRange.upperBound + 1e-9,
                       by: tickStep) {
      lines.append(String(format: "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e5e5e5\"/>",
                          px(tick), top, px(tick), bottom))
      lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"middle\">%@</text>",
                          px(tick), bottom + 15, String(format: "%.1f", tick)))
    }
    for tick in stride(from: (yRange.lowerBound / tickStep).rounded(.up) * tickStep, through: yRange.upperBound + 1e-9,
                       by: tickStep) {
      lines.append(String(format: "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e5e5e5\"/>",
                          left, py(tick), right, py(tick)))
      lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"end\">%@</text>",
                          left - 6, py(tick) + 3, String(format: "%.1f", tick)))
    }
    lines.append(String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\""
                          + " stroke=\"black\"/>", left, top, right - left, bottom - top))
    lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\">x</text>",
                        (left + right) / 2, bottom + 38))
    lines.append(String(format: "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\">y</text>",
                        left - 40, (top + bottom) / 2))
    return (lines + body + mapLegend + ["</svg>"]).joined(separator: "\n") + "\n"
  }
}
