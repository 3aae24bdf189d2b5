import AMFCore
import Foundation
import Testing

@testable import AMFReport

/// The report's own vocabulary: the `report:` section, the arms it reads, and their strict decoding.
@Suite struct ReportSettingsTests {
  func decode<T: Decodable>(_: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
  }

  func failure<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
    do {
      _ = try decode(type, json)
      return nil
    } catch DecodingError.dataCorrupted(let context) {
      return context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
    } catch {
      return "\(error)"
    }
  }

  @Test func settingsDefaultToTenThousandResamplesAtNinetyPercent() throws {
    let settings = try decode(ReportSettings.self, "{}")
    #expect(settings.bootstrapResamples == 10_000 && settings.confidence == 0.9)
    #expect(settings == ReportSettings())
    let set = try decode(ReportSettings.self, #"{"bootstrap_resamples": 20, "confidence": 0.5}"#)
    #expect(set.bootstrapResamples == 20 && set.confidence == 0.5)
  }

  @Test func settingsRangesAreChecked() {
    #expect(failure(ReportSettings.self, #"{"bootstrap_resamples": 0}"#) == "bootstrap_resamples: must be ≥ 1, found 0")
    #expect(failure(ReportSettings.self, #"{"confidence": 1}"#) == "confidence: must be in (0, 1), found 1.0")
    #expect(failure(ReportSettings.self, #"{"bootstrap_resamples": 1000001}"#)
      == "bootstrap_resamples: 1000001 is over the limit of 1000000 (resamples per interval; the default is 10000); "
      + "see docs/stages.md, \"Limits\"")
    #expect(failure(ReportSettings.self, #"{"resamples": 10}"#) != nil)
  }

  @Test func settingsRoundTripThroughCanonicalJSON() throws {
    var settings = ReportSettings()
    settings.bootstrapResamples = 7
    #expect(try CanonicalJSON.string(settings) == #"{"bootstrap_resamples":7,"confidence":0.9}"#)
    #expect(try decode(ReportSettings.self, try CanonicalJSON.string(settings)) == settings)
  }

  @Test func reportedArmTakesRoundsFromTheBudget() throws {
    let arm = try decode(ReportedArm.self, #"{"name": "amf", "seeds": [3, 1]}"#)
    #expect(arm.rounds == 10 && arm.budget == Budget() && arm.seeds == [3, 1])
    let small = ReportedArm(name: "x", seeds: [0], budget: Budget(demos: 6, batch: 3))
    #expect(small.rounds == 2)
    #expect(try CanonicalJSON.string(small)
      == #"{"budget":{"batch":3,"demos":6},"name":"x","rounds":2,"seeds":[0]}"#)
    #expect(try decode(ReportedArm.self, try CanonicalJSON.string(small)) == small)
  }

  @Test func reportedArmNamesWhatIsWrong() {
    #expect(throws: InvalidParameter("name", reason: "'a/b' is not a usable arm name (empty, '.', or contains '/')")) {
      try ReportedArm(name: "a/b", seeds: [0]).validate()
    }
    #expect(throws: InvalidParameter("seeds", reason: "must list distinct seeds ≥ 0, at least one")) {
      try ReportedArm(name: "a", seeds: [1, 1]).validate()
    }
    #expect(throws: InvalidParameter("seeds", reason: "must list distinct seeds ≥ 0, at least one")) {
      try ReportedArm(name: "a", seeds: []).validate()
    }
    #expect(throws: InvalidParameter("rounds", reason: "3 differs from the budget's N / B = 10")) {
      try ReportedArm(name: "a", seeds: [0], rounds: 3).validate()
    }
    #expect(failure(ReportedArm.self, #"{"name": "a"}"#) != nil)
    #expect(failure(ReportedArm.self, #"{"name": ".", "seeds": [0]}"#)?.hasPrefix("name: '.' is not a usable") == true)
  }

  @Test func armEvaluationsAreNamedAfterTheirArm() throws {
    let arm = ArmEvaluations(arm: ReportedArm(name: "uniform", seeds: [0]), records: [])
    #expect(arm.name == "uniform" && arm.records.isEmpty)
  }
}

/// PNG copies: no converter, a failing one and a working one (a shell script standing in for rsvg-convert).
@Suite struct SVGRasterizerTests {
  func script(_ body: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("amf-raster-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent("rsvg-convert")
    try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    return url
  }

  @Test func withoutAConverterThereIsNoPNGAndNoComplaint() {
    let rasterizer = SVGRasterizer.onPath(["PATH": "/nonexistent-amf-folder"])
    #expect(rasterizer.converter == nil)
    var failures: [String] = []
    #expect(rasterizer.png(from: "<svg/>", failure: { failures.append($0) }) == nil)
    #expect(failures.isEmpty)
  }

  @Test func theConverterIsFoundOnPath() throws {
    let converter = try script("exit 0")
    let rasterizer = SVGRasterizer.onPath(["PATH": "/nonexistent-amf-folder:" + converter.deletingLastPathComponent().path])
    #expect(rasterizer.converter?.path == converter.path)
  }

  @Test func aFailingConverterIsReportedWithItsStatus() throws {
    let converter = try script("exit 3")
    var failures: [String] = []
    #expect(SVGRasterizer(converter: converter).png(from: "<svg/>", failure: { failures.append($0) }) == nil)
    #expect(failures == ["\(converter.path) exited 3"])
  }

  @Test func theConverterGetsFormatZoomAndOutput() throws {
    // Writes its arguments (one per line) as the "PNG".
    let converter = try script(#"for a; do case "$a" in --output=*) out="${a#--output=}";; esac; done; "#
      + #"for a; do case "$a" in --output=*|/*) ;; *) echo "$a";; esac; done > "$out""#)
    var rasterizer = SVGRasterizer(converter: converter)
    rasterizer.zoom = 2
    let png = try #require(rasterizer.png(from: "<svg/>"))
    #expect(String(decoding: png, as: UTF8.self) == "--format=png\n--zoom=2.0\n")
  }
}

/// The three plots of a report, on the hand-derived study of `SummaryFixture`.
@Suite struct ReportPlotTests {
  @Test func successPlotFramesTheBandsAboveTheLowestInterval() throws {
    let svg = try SummaryFixture.summary().successPlot()
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      + "width=\"820.00\" height=\"500.00\""))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(svg.contains(">Multi-task success vs demonstrations (integrator2d)</text>"))
    // The lowest band is at 0.5 > 0.3, so the y axis starts at ⌊(0.5 − 0.05) · 10⌋ / 10 = 0.4.
    #expect(svg.contains(">mean over 2 seeds; shaded: 90% bootstrap interval; y axis starts at 0.4</text>"))
    #expect(svg.contains(">amf</text>") && svg.contains(">uniform</text>"))
    #expect(svg.components(separatedBy: "fill-opacity=\"0.16\"").count == 3)
  }

  @Test func everyPlotIsDeterministicAndNamesEveryArm() throws {
    let summary = try SummaryFixture.summary()
    for plot in [summary.successPlot(), summary.aucPlot(), summary.taskDemosPlot()] {
      #expect(plot.hasSuffix("</svg>\n") && plot.contains(">amf</text>") && plot.contains(">uniform</text>"))
    }
    #expect(summary.aucPlot() == (try SummaryFixture.summary()).aucPlot())
    #expect(summary.taskDemosPlot() == (try SummaryFixture.summary()).taskDemosPlot())
  }
}
