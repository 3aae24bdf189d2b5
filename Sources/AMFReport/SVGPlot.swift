import Foundation

/// A small SVG plot writer: a frame with axes, ticks, labels and a legend, and primitives drawn in data
/// coordinates. Output is plain SVG 1.1 text with fixed-precision numbers, so the same plot gives the
/// same bytes everywhere. Two layouts: charts (`init(width:height:legendWidth:xRange:yRange:)`, `frame`,
/// `legend`, `document`; the report's plots) and equal-aspect maps (`init(mapTitle:xRange:yRange:)`,
/// `SVGPlot+Map.swift`; the environment pictures of `amf-bench render-environments`).
public struct SVGPlot: Sendable {
  /// The Okabe–Ito colour-blind-safe palette (yellow left out: too light on white).
  public static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"]
  /// Dash patterns cycled with the colours, so series differ without colour too.
  public static let dashes = ["", "7,4", "2,3", "9,3,2,3", "4,2", "12,4", "1,2"]
  /// Font stack (DejaVu Sans is what rsvg-convert finds on Debian).
  public static let font = "DejaVu Sans, Helvetica, Arial, sans-serif"

  /// Width of the picture in pixels.
  public let width: Double
  /// Height of the picture in pixels.
  public let height: Double
  /// The plot area: left, top, right, bottom in pixels.
  public let area: (left: Double, top: Double, right: Double, bottom: Double)
  public let xRange: ClosedRange<Double>
  public let yRange: ClosedRange<Double>
  /// The elements drawn so far, in order.
  public private(set) var body: [String] = []
  /// Pixels per data unit on both axes for a map (`init(mapTitle:xRange:yRange:)`); nil for a chart.
  public internal(set) var scale: Double? = nil
  /// A map's title and legend entries (`mapDocument` draws them; charts draw theirs into `body`).
  var mapTitle = ""
  var mapLegend: [String] = []

  public init(width: Double = 820, height: Double = 500, legendWidth: Double = 170,
       xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
    self.width = width
    self.height = height
    area = (78, 58, width - legendWidth - 20, height - 62)
    self.xRange = xRange
    self.yRange = yRange
  }

  /// The palette colour of series `index` (cycling).
  public static func color(_ index: Int) -> String { palette[index % palette.count] }

  /// Room for a legend of `names` right of the plot area (13 px text, about 7.5 px per character).
  public static func legendWidth(for names: [String]) -> Double {
    max(170, 60 + 7.5 * Double(names.map(\.count).max() ?? 0))
  }

  /// Room per category for tick labels of `names` (12 px text, about 7 px per character).
  public static func categoryWidth(for names: [String], minimum: Double) -> Double {
    max(minimum, 16 + 7 * Double(names.map(\.count).max() ?? 0))
  }
  /// The dash pattern of series `index` (cycling; "" is solid).
  public static func dash(_ index: Int) -> String { dashes[index % dashes.count] }

  /// Pixel x of data x.
  public func px(_ x: Double) -> Double {
    if let scale { return area.left + (x - xRange.lowerBound) * scale }
    return area.left
      + (x - xRange.lowerBound) / max(1e-300, xRange.upperBound - xRange.lowerBound) * (area.right - area.left)
  }

  /// Pixel y of data y.
  public func py(_ y: Double) -> Double {
    if let scale { return area.top + (yRange.upperBound - y) * scale }
    return area.bottom - (y - yRange.lowerBound) / max(1e-300, yRange.upperBound - yRange.lowerBound)
      * (area.bottom - area.top)
  }

  /// `value` with two decimals, as every coordinate is written.
  public static func n(_ value: Double) -> String { String(format: "%.2f", value) }

  /// `text` with `&`, `<` and `>` escaped for SVG text and attribute values.
  public static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }

  /// Appends a raw SVG element.
  public mutating func add(_ element: String) { body.append(element) }

  /// Text at pixel (x, y); `rotate` turns it by −90° about that point (a y-axis label).
  public mutating func text(_ content: String, x: Double, y: Double, size: Double = 13, anchor: String = "middle",
                     weight: String = "normal", rotate: Bool = false, color: String = "#222222") {
    let transform = rotate ? " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" : ""
    add("<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor)\" "
      + "font-weight=\"\(weight)\" fill=\"\(color)\"\(transform)>\(Self.escape(content))</text>")
  }

  /// A line between two pixel points.
  public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double = 1,
                     dash: String = "") {
    let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
    add("<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" "
      + "stroke=\"\(color)\" stroke-width=\"\(Self.n(width))\"\(dashAttribute)/>")
  }

  /// Title, subtitle, grid, ticks and axis labels. `xTicks` may carry their own labels (categories).
  public mutating func frame(title: String, subtitle: String, xLabel: String, yLabel: String,
                      xTicks: [(value: Double, label: String)], yTicks: [Double], yFormat: String = "%.1f") {
    add("<rect x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"#FFFFFF\"/>")
    text(title, x: area.left, y: 24, size: 17, anchor: "start", weight: "bold")
    text(subtitle, x: area.left, y: 43, size: 12, anchor: "start", color: "#555555")
    for tick in yTicks {
      let y = py(tick)
      line(area.left, y, area.right, y, color: "#E3E3E3")
      line(area.left - 5, y, area.left, y, color: "#333333")
      text(String(format: yFormat, tick), x: area.left - 8, y: y + 4.5, size: 12, anchor: "end")
    }
    for tick in xTicks {
      let x = px(tick.value)
      line(x, area.bottom, x, area.bottom + 5, color: "#333333")
      text(tick.label, x: x, y: area.bottom + 20, size: 12)
    }
    line(area.left, area.bottom, area.right, area.bottom, color: "#333333", width: 1.2)
    line(area.left, area.top, area.left, area.bottom, color: "#333333", width: 1.2)
    text(xLabel, x: (area.left + area.right) / 2, y: height - 16, size: 13)
    text(yLabel, x: 20, y: (area.top + area.bottom) / 2, size: 13, rotate: true)
  }

  /// A legend right of the plot area: one entry per name, with its colour, dash and a marker.
  public mutating func legend(_ names: [String], title: String, swatch: Bool = false) {
    let x = area.right + 22
    text(title, x: x, y: area.top + 4, size: 13, anchor: "start", weight: "bold")
    for (index, name) in names.enumerated() {
      let y = area.top + 26 + Double(index) * 24
      if swatch {
        add("<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y - 7))\" width=\"26\" height=\"12\" "
          + "fill=\"\(Self.color(index))\"/>")
      } else {
        line(x, y, x + 26, y, color: Self.color(index), width: 2.5, dash: Self.dash(index))
        add(Self.marker(index, x: x + 13, y: y))
      }
      text(name, x: x + 34, y: y + 4.5, size: 13, anchor: "start")
    }
  }

  /// A filled marker whose shape cycles with the series (circle, square, triangle, diamond).
  public static func marker(_ index: Int, x: Double, y: Double, size: Double = 4.5) -> String {
    let color = color(index)
    switch index % 4 {
    case 0:
      return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(size))\" fill=\"\(color)\" stroke=\"#FFFFFF\"/>"
    case 1:
      return "<rect x=\"\(n(x - size))\" y=\"\(n(y - size))\" width=\"\(n(2 * size))\" height=\"\(n(2 * size))\" "
        + "fill=\"\(color)\" stroke=\"#FFFFFF\"/>"
    case 2:
      let points = [(x, y - 1.3 * size), (x - 1.2 * size, y + size), (x + 1.2 * size, y + size)]
      return "<polygon points=\"\(points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))\" "
        + "fill=\"\(color)\" stroke=\"#FFFFFF\"/>"
    default:
      let points = [(x, y - 1.4 * size), (x + 1.4 * size, y), (x, y + 1.4 * size), (x - 1.4 * size, y)]
      return "<polygon points=\"\(points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))\" "
        + "fill=\"\(color)\" stroke=\"#FFFFFF\"/>"
    }
  }

  /// The SVG document.
  public func document() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
      + "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"\(Self.font)\">\n"
      + body.joined(separator: "\n") + "\n</svg>\n"
  }

  /// Round tick values covering `range` with a step of 1, 2 or 5 × 10^k, about `target` ticks.
  public static func ticks(_ range: ClosedRange<Double>, target: Int = 6) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0 else { return [range.lowerBound] }
    let raw = span / Double(max(1, target))
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    let first = (range.lowerBound / step).rounded(.up)
    let last = (range.upperBound / step + 1e-9).rounded(.down)
    guard first <= last else { return [range.lowerBound] }
    return stride(from: first, through: last, by: 1).map { ($0 * step * 1e9).rounded() / 1e9 }
  }
}
