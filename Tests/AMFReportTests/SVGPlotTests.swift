import AMFCore
import Testing

@testable import AMFReport

/// The plotter's geometry and its exact output. Numbers are derived by hand from the layout: a chart's plot
/// area is (78, 58) to (width − legend − 20, height − 62); a map is 700 px wide with margins 60 / 230 / 50 / 55.
@Suite struct SVGPlotTests {
  /// 300 × 200 with a 100 px legend: the plot area is x 78…180, y 58…138.
  let chart = SVGPlot(width: 300, height: 200, legendWidth: 100, xRange: 0...1, yRange: 0...1)

  @Test func escapeCoversAmpersandAndBothAngleBrackets() {
    #expect(SVGPlot.escape("a < b & c > d") == "a &lt; b &amp; c &gt; d")
    #expect(SVGPlot.escape("&lt;") == "&amp;lt;")
    #expect(SVGPlot.escape("plain") == "plain")
  }

  @Test func chartAreaAndPixelMapping() {
    #expect(chart.area.left == 78 && chart.area.top == 58 && chart.area.right == 180 && chart.area.bottom == 138)
    #expect(chart.px(0) == 78 && chart.px(1) == 180 && chart.px(0.5) == 129)
    #expect(chart.py(0) == 138 && chart.py(1) == 58 && chart.py(0.25) == 118)
    #expect(chart.scale == nil)
  }

  @Test func oneLineChartDocumentIsExact() {
    var plot = chart
    plot.line(plot.px(0), plot.py(0), plot.px(1), plot.py(1), color: "#000")
    #expect(plot.document() == """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="300.00" height="200.00" viewBox="0 0 300.00 200.00" \
      font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
      <line x1="78.00" y1="138.00" x2="180.00" y2="58.00" stroke="#000" stroke-width="1.00"/>
      </svg>

      """)
  }

  @Test func textEscapesAndRotates() {
    var plot = chart
    plot.text("p > q", x: 10, y: 20, size: 12, anchor: "end")
    plot.text("y", x: 20, y: 98, rotate: true)
    #expect(plot.body == [
      "<text x=\"10.00\" y=\"20.00\" font-size=\"12.00\" text-anchor=\"end\" font-weight=\"normal\" "
        + "fill=\"#222222\">p &gt; q</text>",
      "<text x=\"20.00\" y=\"98.00\" font-size=\"13.00\" text-anchor=\"middle\" font-weight=\"normal\" "
        + "fill=\"#222222\" transform=\"rotate(-90 20.00 98.00)\">y</text>",
    ])
  }

  @Test func dashedLineCarriesItsPattern() {
    var plot = chart
    plot.line(0, 1, 2, 3, color: "red", width: 2.5, dash: "7,4")
    #expect(plot.body == [
      "<line x1=\"0.00\" y1=\"1.00\" x2=\"2.00\" y2=\"3.00\" stroke=\"red\" stroke-width=\"2.50\" "
        + "stroke-dasharray=\"7,4\"/>"
    ])
  }

  @Test func markersCycleCircleSquareTriangleDiamond() {
    #expect(SVGPlot.marker(0, x: 10, y: 20, size: 2)
      == "<circle cx=\"10.00\" cy=\"20.00\" r=\"2.00\" fill=\"#0072B2\" stroke=\"#FFFFFF\"/>")
    #expect(SVGPlot.marker(1, x: 10, y: 20, size: 2)
      == "<rect x=\"8.00\" y=\"18.00\" width=\"4.00\" height=\"4.00\" fill=\"#E69F00\" stroke=\"#FFFFFF\"/>")
    // Triangle: (x, y − 1.3 s), (x − 1.2 s, y + s), (x + 1.2 s, y + s) with s = 2.
    #expect(SVGPlot.marker(2, x: 10, y: 20, size: 2)
      == "<polygon points=\"10.00,17.40 7.60,22.00 12.40,22.00\" fill=\"#009E73\" stroke=\"#FFFFFF\"/>")
    // Diamond: (x, y ∓ 1.4 s), (x ± 1.4 s, y).
    #expect(SVGPlot.marker(3, x: 10, y: 20, size: 2)
      == "<polygon points=\"10.00,17.20 12.80,20.00 10.00,22.80 7.20,20.00\" fill=\"#CC79A7\" stroke=\"#FFFFFF\"/>")
    #expect(SVGPlot.marker(4, x: 0, y: 0).hasPrefix("<circle") && SVGPlot.marker(4, x: 0, y: 0).contains("#D55E00"))
  }

  @Test func paletteAndDashesCycle() {
    #expect(SVGPlot.color(0) == "#0072B2" && SVGPlot.color(7) == "#0072B2" && SVGPlot.color(8) == "#E69F00")
    #expect(SVGPlot.dash(0) == "" && SVGPlot.dash(1) == "7,4" && SVGPlot.dash(7) == "")
  }

  @Test func legendAndCategoryWidthsFollowTheLongestName() {
    #expect(SVGPlot.legendWidth(for: []) == 170)
    #expect(SVGPlot.legendWidth(for: ["amf", "a-very-long-arm-name"]) == 60 + 7.5 * 20)
    #expect(SVGPlot.categoryWidth(for: ["ab"], minimum: 40) == 40)
    #expect(SVGPlot.categoryWidth(for: ["abcdefgh"], minimum: 40) == 16 + 7 * 8)
  }

  @Test func ticksAreRoundStepsInsideTheRange() {
    #expect(SVGPlot.ticks(0...1) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    // span 7, raw step 7/6 ≈ 1.17 → step 2.
    #expect(SVGPlot.ticks(0...7) == [0, 2, 4, 6])
    // span 30, raw step exactly 5 → step 5.
    #expect(SVGPlot.ticks(0...30) == [0, 5, 10, 15, 20, 25, 30])
    // span 12 from −2, raw 2 → step 2; the first tick is the lower bound rounded up to a step.
    #expect(SVGPlot.ticks(-1...11) == [0, 2, 4, 6, 8, 10])
    #expect(SVGPlot.ticks(3...3) == [3])
    #expect(SVGPlot.ticks(0...40, target: 4) == [0, 10, 20, 30, 40])
  }

  @Test func legendDrawsTitleLineMarkerAndName() {
    var plot = chart
    plot.legend(["amf"], title: "Arm")
    // x = area.right + 22 = 202; the entry's y = area.top + 26 = 84.
    #expect(plot.body.count == 4)
    #expect(plot.body[0].contains("x=\"202.00\" y=\"62.00\"") && plot.body[0].hasSuffix(">Arm</text>"))
    #expect(plot.body[1] == "<line x1=\"202.00\" y1=\"84.00\" x2=\"228.00\" y2=\"84.00\" stroke=\"#0072B2\" "
      + "stroke-width=\"2.50\"/>")
    #expect(plot.body[2] == SVGPlot.marker(0, x: 215, y: 84))
    #expect(plot.body[3].contains("x=\"236.00\" y=\"88.50\"") && plot.body[3].hasSuffix(">amf</text>"))
  }

  @Test func swatchLegendDrawsRectangles() {
    var plot = chart
    plot.legend(["a", "b"], title: "T", swatch: true)
    #expect(plot.body[1] == "<rect x=\"202.00\" y=\"77.00\" width=\"26\" height=\"12\" fill=\"#0072B2\"/>")
    #expect(plot.body[3] == "<rect x=\"202.00\" y=\"101.00\" width=\"26\" height=\"12\" fill=\"#E69F00\"/>")
  }

  @Test func frameDrawsBackgroundTitleTicksAndAxes() {
    var plot = chart
    plot.frame(title: "T", subtitle: "S", xLabel: "x", yLabel: "y", xTicks: [(0, "zero")], yTicks: [1])
    #expect(plot.body[0] == "<rect x=\"0\" y=\"0\" width=\"300.00\" height=\"200.00\" fill=\"#FFFFFF\"/>")
    #expect(plot.body[1].hasSuffix(">T</text>") && plot.body[2].hasSuffix(">S</text>"))
    // y tick 1.0 at py(1) = 58: grid line, tick mark, label "1.0".
    #expect(plot.body[3] == "<line x1=\"78.00\" y1=\"58.00\" x2=\"180.00\" y2=\"58.00\" stroke=\"#E3E3E3\" "
      + "stroke-width=\"1.00\"/>")
    #expect(plot.body[5].contains("x=\"70.00\" y=\"62.50\"") && plot.body[5].hasSuffix(">1.0</text>"))
    #expect(plot.body[7].contains("x=\"78.00\" y=\"158.00\"") && plot.body[7].hasSuffix(">zero</text>"))
    #expect(plot.body.count == 12)
  }
}

/// Maps: equal scale on both axes, data-coordinate primitives and the legend on the right.
@Suite struct SVGMapTests {
  /// 0…2 × 0…2: scale = (700 − 60 − 230) / 2 = 205 px per unit; height = 2 × 205 + 50 + 55 = 515.
  let map = SVGPlot(mapTitle: "a < b & c > d", xRange: 0...2, yRange: 0...2)

  @Test func equalScaleGeometry() {
    #expect(map.scale == 205 && map.width == 700 && map.height == 515)
    #expect(map.px(0) == 60 && map.px(1) == 265 && map.py(2) == 50 && map.py(0) == 460)
  }

  @Test func tinyMapDocumentIsExact() {
    var plot = map
    plot.polyline([(0, 0), (1, 2)], color: "red")
    plot.legendEntry(.dot, color: "blue", label: "p > q")
    #expect(plot.mapDocument(tickStep: 2) == """
      <svg xmlns="http://www.w3.org/2000/svg" width="700" height="515" viewBox="0 0 700 515" \
      font-family="Helvetica, Arial, sans-serif">
      <rect width="100%" height="100%" fill="white"/>
      <text x="60.0" y="28" font-size="15" font-weight="bold">a &lt; b &amp; c &gt; d</text>
      <line x1="60.00" y1="50.00" x2="60.00" y2="460.00" stroke="#e5e5e5"/>
      <text x="60.00" y="475.00" font-size="10" text-anchor="middle">0.0</text>
      <line x1="470.00" y1="50.00" x2="470.00" y2="460.00" stroke="#e5e5e5"/>
      <text x="470.00" y="475.00" font-size="10" text-anchor="middle">2.0</text>
      <line x1="60.00" y1="460.00" x2="470.00" y2="460.00" stroke="#e5e5e5"/>
      <text x="54.00" y="463.00" font-size="10" text-anchor="end">0.0</text>
      <line x1="60.00" y1="50.00" x2="470.00" y2="50.00" stroke="#e5e5e5"/>
      <text x="54.00" y="53.00" font-size="10" text-anchor="end">2.0</text>
      <rect x="60.00" y="50.00" width="410.00" height="410.00" fill="none" stroke="black"/>
      <text x="265.00" y="498.00" font-size="12" text-anchor="middle">x</text>
      <text x="20.00" y="255.00" font-size="12" text-anchor="middle">y</text>
      <polyline points="60.00,460.00 265.00,50.00" fill="none" stroke="red" stroke-width="1.5" \
      stroke-opacity="1.0" stroke-linejoin="round"/>
      <circle cx="496.0" cy="60.0" r="4" fill="blue" stroke="black" stroke-width="0.6"/><text x="515.0" \
      y="64.0" font-size="11">p &gt; q</text>
      </svg>

      """)
  }

  @Test func circlesTakePixelOrDataRadii() {
    var plot = map
    plot.circle(x: 1, y: 1, radius: 3, fill: "white", stroke: "black")
    plot.circle(x: 1, y: 1, radius: 0.1, fill: "none", dataRadius: true, dash: "3 2")
    #expect(plot.body == [
      "<circle cx=\"265.00\" cy=\"255.00\" r=\"3.00\" fill=\"white\" stroke=\"black\" stroke-width=\"1.2\"/>",
      "<circle cx=\"265.00\" cy=\"255.00\" r=\"20.50\" fill=\"none\" stroke=\"none\" stroke-width=\"1.2\" "
        + "stroke-dasharray=\"3 2\"/>",
    ])
  }

  @Test func squaresAndLabelsAreCentredOnTheirPoint() {
    var plot = map
    plot.square(x: 0, y: 2, size: 10, fill: "#ccc")
    plot.label("k > 1", x: 2, y: 0, size: 12, anchor: "end", color: "red")
    #expect(plot.body == [
      "<rect x=\"55.00\" y=\"45.00\" width=\"10.0\" height=\"10.0\" fill=\"#ccc\" stroke=\"black\" stroke-width=\"0.8\"/>",
      "<text x=\"470.00\" y=\"464.00\" font-size=\"12.0\" text-anchor=\"end\" fill=\"red\">k &gt; 1</text>",
    ])
  }

  @Test func legendEntriesStackTwentyPixelsApart() {
    var plot = map
    plot.legendEntry(.line, color: "a", label: "one")
    plot.legendEntry(.dashed, color: "b", label: "two")
    plot.legendEntry(.square, color: "c", label: "three")
    plot.legendEntry(.ring, color: "d", label: "four")
    let document = plot.mapDocument()
    #expect(document.contains("<line x1=\"485.0\" y1=\"60.0\" x2=\"507.0\" y2=\"60.0\" stroke=\"a\" stroke-width=\"2\"/>"))
    #expect(document.contains("<line x1=\"485.0\" y1=\"80.0\" x2=\"507.0\" y2=\"80.0\" stroke=\"b\" "
      + "stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>"))
    #expect(document.contains("<rect x=\"491.0\" y=\"95.0\" width=\"10\" height=\"10\" fill=\"c\" stroke=\"black\"/>"))
    #expect(document.contains("<circle cx=\"496.0\" cy=\"120.0\" r=\"5\" fill=\"white\" stroke=\"d\" stroke-width=\"1.5\"/>"))
    #expect(document.hasSuffix("font-size=\"11\">four</text>\n</svg>\n"))
  }
}

/// Data-derived plot geometry of the report's AUC and demonstration plots.
@Suite struct ReportPlotGeometryTests {
  @Test func aucPlotShowsEachArmsIntervalAsText() throws {
    let svg = try SummaryFixture.summary().aucPlot()
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    #expect(svg.contains(">amf</text>") && svg.contains(">uniform</text>"))
    #expect(svg.components(separatedBy: "<svg ").count == 2 && svg.hasSuffix("</svg>\n"))
  }

  @Test func plotsEscapeArmNames() throws {
    let arm = try SummaryFixture.arm("a<b>&c", finalSuccess: [1, 1], finalDemos: [0, 2])
    let summary = try ReportSummary.compute([arm], settings: ReportSettings(), seed: Seed(1))
    for svg in [summary.successPlot(), summary.aucPlot(), summary.taskDemosPlot()] {
      #expect(svg.contains("a&lt;b&gt;&amp;c") && !svg.contains("a<b>&c"))
    }
  }
}
