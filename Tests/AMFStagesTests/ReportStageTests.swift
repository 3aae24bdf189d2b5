import AMFArtifacts
import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFReport
@testable import AMFStages

@Suite struct ReportStageTests {
  typealias Round = ReportFixtures.Round

  func summary(_ names: [String] = ["amf", "uniform"], study: [String: [[Round]]] = ReportFixtures.study)
    throws -> ReportSummary
  {
    let params = ReportFixtures.params(names, study: study)
    let arms = try ReportInputs.arms(try ReportFixtures.inputs(study), params: params)
    return try ReportSummary.compute(arms, settings: params.report, seed: Seed(0))
  }

  /// The AUCs derived by hand in `ReportFixtures.study`.
  @Test func aucIsTheTrapezoidOfSuccessOverDemosDividedByN() throws {
    let report = try summary()
    #expect(report.arms.map(\.name) == ["amf", "uniform"])
    #expect(areClose(report.arms[0].aucPerSeed, [2.0 / 3, 13.0 / 24], relative: 1e-12))
    #expect(areClose(report.arms[1].aucPerSeed, [3.0 / 8, 1.0 / 2], relative: 1e-12))
    #expect(areClose(report.arms[0].finalPerSeed, [1, 5.0 / 6], relative: 1e-12))
    #expect(areClose(report.arms[0].demos, [0, 2, 4]))
    #expect(areClose(report.arms[0].perTaskSuccess, [1, 1, 0.75]))
    #expect(areClose(report.arms[1].perTaskDemos, [1.5, 1.5, 1]))
    #expect(abs(report.arms[0].auc.estimate - (2.0 / 3 + 13.0 / 24) / 2) < 1e-12)
    let auc = try ReportSummary.auc(demos: [0, 1, 3], success: [0.2, 0.6, 0.6], budget: 3, label: "x")
    #expect(abs(auc - 1.6 / 3) < 1e-12)
  }

  @Test func aucRejectsCurvesThatDoNotSpanTheBudget() {
    #expect(throws: ReportError.self) { try ReportSummary.auc(demos: [0, 2], success: [0, 1], budget: 4, label: "a") }
    #expect(throws: ReportError.self) {
      try ReportSummary.auc(demos: [0, 3, 2, 4], success: [0, 1, 1, 1], budget: 4, label: "a")
    }
  }

  /// Three seeds, N = B = 2, two tasks; AUC = (y₀ + y₁)/2 with y₀ = 0. amf: 0.5, 0.25, 0.125; other: 0.25,
  /// 0.25, 0.375 → differences (other − amf) −0.25, 0, +0.25: amf ahead on 1 of 3, one tie, mean 0.
  @Test func pairedDifferencesSignsAndSharesOnThreeSeeds() throws {
    func seed(_ final: [Double]) -> [Round] {
      [Round(success: [0, 0], demos: [0, 0]), Round(success: final, demos: [1, 1])]
    }
    let study: [String: [[Round]]] = [
      "amf": [seed([1, 1]), seed([1, 0]), seed([0.5, 0])],
      "other": [seed([1, 0]), seed([1, 0]), seed([1, 0.5])],
    ]
    let report = try summary(["other", "amf"], study: study)
    let comparison = try #require(report.comparisons.first)
    #expect(report.comparisons.count == 1 && comparison.name == "other" && comparison.seeds == [0, 1, 2])
    #expect(areClose(comparison.aucDiffPerSeed, [-0.25, 0, 0.25], absolute: 1e-12))
    #expect(areClose(comparison.finalDiffPerSeed, [-0.5, 0, 0.5], absolute: 1e-12))
    #expect(abs(comparison.aucDiff.estimate) < 1e-12)
    #expect(comparison.aucDiff.lower < 0 && comparison.aucDiff.upper > 0)
    #expect(comparison.aucShares.amfAhead == 1.0 / 3 && comparison.aucShares.ties == 1.0 / 3)
    #expect(ReportSummary.shares([-0.1, -0.2, 0.3, 0]) == (0.5, 0.25))
    #expect(try summary(["uniform"], study: ReportFixtures.study.filter { $0.key == "uniform" }).comparisons.isEmpty)
  }

  /// results.csv and summary.csv of the fixture study, against goldens: text exactly, numbers within 1e-9.
  @Test(arguments: ["results.csv", "summary.csv", "per_task.csv"])
  func csvMatchesTheGolden(name: String) throws {
    let files = ReportStage.files(of: try summary(), rasterizer: SVGRasterizer(converter: nil))
    let text = String(decoding: try #require(files[name]), as: UTF8.self)
    switch Golden.check(text, named: "report-\(name)") {
    case .matches: break
    case .recorded(let path): Issue.record("recorded \(path)")
    case .missing(let path): Issue.record("no golden at \(path); record with AMF_RECORD_GOLDENS=1")
    case .differs(let expected, let found): #expect(Self.csvClose(found, expected, tolerance: 1e-9), "\(found)")
    }
  }

  static func csvClose(_ found: String, _ expected: String, tolerance: Double) -> Bool {
    let (a, b) = (found.split(separator: "\n"), expected.split(separator: "\n"))
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { line, golden in
      let (x, y) = (line.split(separator: ",", omittingEmptySubsequences: false),
                    golden.split(separator: ",", omittingEmptySubsequences: false))
      return x.count == y.count && zip(x, y).allSatisfy { p, q in
        if let u = Double(p), let v = Double(q) { return abs(u - v) <= tolerance }
        return p == q
      }
    }
  }

  @Test func missingExtraAndMalformedRolesAreNamed() throws {
    let params = ReportFixtures.params(["amf", "uniform"])
    var inputs = try ReportFixtures.inputs()
    inputs.artifacts["evaluation/uniform/seed-1/round-2"] = nil
    #expect(throws: StageError.self) { try ReportInputs.arms(inputs, params: params) }
    do {
      _ = try ReportInputs.arms(inputs, params: params)
    } catch let StageError.inputLayout(role, reason) {
      #expect(role == "evaluation/uniform/seed-1/round-2" && reason.contains("missing"))
    }
    inputs = try ReportFixtures.inputs()
    inputs.artifacts["evaluation/uniform/seed-7/round-0"] = inputs.artifacts["evaluation/uniform/seed-0/round-0"]
    #expect(throws: StageError.inputLayout(role: "evaluation/uniform/seed-7/round-0", reason: "is not in report.arms "
      + "(amf, uniform); remove it or add its arm, seed and round to the params")) {
      try ReportInputs.arms(inputs, params: params)
    }
    #expect(throws: StageError.self) { try ReportInputs.arms(inputs, params: ReportFixtures.params(["amf"])) }
    #expect(ReportInputs.parse("evaluation/amf/seed-01/round-0") == nil)
    #expect(ReportInputs.parse("evaluation/amf/seed-1/round-2/x") == nil)
    #expect(ReportInputs.parse("evaluation/no-is/seed-3/round-10")
      == ReportInputs.Role(arm: "no-is", seed: 3, round: 10))
    inputs = try ReportFixtures.inputs()
    inputs.artifacts["evaluation/amf/seed-x/round-0"] = inputs.artifacts["evaluation/amf/seed-0/round-0"]
    #expect(throws: StageError.self) { try ReportInputs.arms(inputs, params: params) }
  }

  @Test func evaluationsMustShareEnvironmentTaskCountAndRound() throws {
    let params = ReportFixtures.params(["amf", "uniform"])
    let mixed = try ReportFixtures.inputs { arm, seed, _ in
      arm == "uniform" && seed == 1 ? "reacher" : "integrator2d"
    }
    #expect(throws: StageError.self) { try ReportInputs.arms(mixed, params: params) }
    var inputs = try ReportFixtures.inputs()
    let fourTasks = try ReportFixtures.record(Round(success: [1, 0, 0, 0], demos: [0, 0, 0, 0]), index: 0)
    inputs.artifacts["evaluation/amf/seed-1/round-0"] = try ReportFixtures.artifact(fourTasks)
    #expect(throws: StageError.self) { try ReportInputs.arms(inputs, params: params) }
    inputs = try ReportFixtures.inputs()
    inputs.artifacts["evaluation/amf/seed-1/round-0"] = inputs.artifacts["evaluation/amf/seed-1/round-1"]
    #expect(throws: StageError.self) { try ReportInputs.arms(inputs, params: params) }
  }

  @Test func armsAreInferredFromTheRolesWhenTheParamsListNone() throws {
    let inferred = try ReportInputs.arms(try ReportFixtures.inputs(), params: ReportParams())
    #expect(inferred.map(\.arm) == ReportFixtures.params(["amf", "uniform"]).arms)
  }

  @Test func paramsDecodeStrictlyAndFillDefaults() throws {
    func decode(_ text: String) throws -> ReportParams {
      try ParamsResolver.decode(ReportParams.self, from: try ParamsResolver.merged(fileText: text, overrides: []))
        .params
    }
    let defaults = try decode("{}")
    #expect(defaults.report.bootstrapResamples == 10_000 && defaults.report.confidence == 0.9 && defaults.arms.isEmpty)
    let arm = try decode(#"{"arms": [{"name": "amf", "seeds": [0, 1]}]}"#).arms[0]
    #expect(arm.budget == Budget() && arm.rounds == 10)
    #expect(throws: (any Error).self) { try decode(#"{"report": {"bootstrap_resample": 5}}"#) }
    #expect(throws: (any Error).self) { try decode(#"{"reports": {}}"#) }
    #expect(throws: (any Error).self) { try decode(#"{"arms": [{"name": "amf", "seeds": [0], "seedz": 1}]}"#) }
    #expect(throws: (any Error).self) { try decode(#"{"arms": [{"name": "a/b", "seeds": [0]}]}"#) }
    #expect(throws: (any Error).self) { try decode(#"{"arms": [{"name": "a", "seeds": [0], "rounds": 3}]}"#) }
    #expect(throws: (any Error).self) {
      try decode(#"{"arms": [{"name": "a", "seeds": [0]}, {"name": "a", "seeds": [1]}]}"#)
    }
  }

  /// Two runs of the stage through `StageDriver` give the same content hash and the same bytes of every
  /// file in the sidecar folder.
  @Test func stageIsDeterministicInEveryFile() throws {
    let folder = try TemporaryDirectory("amf-report-determinism")
    defer { folder.remove() }
    let inputs = try ReportFixtures.writeInputs(to: folder.url)
    let paramsFile = folder.file("params.json")
    try CanonicalJSON.data(ReportFixtures.params(["amf", "uniform"])).write(to: paramsFile)
    var hashes: [String] = []
    var contents: [[String: Data]] = []
    for tag in ["a", "b"] {
      let output = folder.file("report-\(tag).h5")
      let summary = try StageKind.report.execute(
        StageRequest(inputs: inputs, paramsFile: paramsFile.path, outputs: [output.path], seed: 3))
      hashes.append(try #require(summary.outputs["report"]?.contentSHA256))
      let sidecar = SidecarFolder.url(for: output)
      #expect(sidecar.lastPathComponent == "report-\(tag).files")
      let names = try FileManager.default.contentsOfDirectory(atPath: sidecar.path).sorted()
      contents.append(Dictionary(uniqueKeysWithValues: try names.map {
        ($0, try Data(contentsOf: sidecar.appendingPathComponent($0)))
      }))
    }
    #expect(hashes[0] == hashes[1])
    #expect(try Data(contentsOf: folder.file("report-a.h5")) == Data(contentsOf: folder.file("report-b.h5")))
    #expect(contents[0] == contents[1])
    let names = Set(contents[0].keys)
    #expect(names.isSuperset(of: ["report.md", "results.csv", "summary.csv", "per_task.csv", "success.svg", "auc.svg",
                                  "task_demos.svg"]))
    let artifact = try ArtifactFile.read(folder.file("report-a.h5"), expecting: .report)
    #expect(try artifact.content.dataset(at: "/arms/amf/auc_per_seed").float64Values(object: "").count == 2)
    #expect(try artifact.content.dataset(at: "/comparisons/uniform/auc_diff_per_seed").shape == [2])
    let lower = try artifact.content.attribute("auc_diff_lo", onGroup: "/comparisons/uniform").float64Values(object: "")
    #expect(lower.count == 1 && lower[0] < 0)
  }
}

/// A study shaped like the real one (5 arms × 10 seeds × 11 rounds, 12 tasks) from a seeded stream, to
/// check the plots at scale; `AMF_REPORT_PREVIEW=<folder>` also writes its files there for viewing.
@Suite struct ReportPreviewTests {
  static func study() -> [String: [[ReportFixtures.Round]]] {
    let skill = ["amf": 0.9, "uniform": 0.55, "uncertainty": 0.45, "no-is": 0.65, "rebalancing": 0.8]
    var study: [String: [[ReportFixtures.Round]]] = [:]
    for (arm, quality) in skill {
      var rng = Seed(11).generator("preview/\(arm)")
      study[arm] = (0..<10).map { _ in
        var demos = [Int](repeating: 0, count: 12)
        return (0...10).map { round in
          if round > 0 {
            for _ in 0..<2 {
              let task = rng.uniform01() < quality ? 6 + rng.uniformInt(below: 6) : rng.uniformInt(below: 12)
              demos[task] += 1
            }
          }
          let success = (0..<12).map { task -> Double in
            if task < 6 || demos[task] > 1 || (demos[task] == 1 && rng.uniform01() < 0.6) { return 1 }
            return rng.uniform01() < 0.1 ? 0.5 : 0
          }
          return ReportFixtures.Round(success: success, demos: demos)
        }
      }
    }
    return study
  }

  @Test func fiveArmStudyRendersEveryArmInEveryPlot() throws {
    let study = Self.study()
    let names = ["amf", "uniform", "uncertainty", "no-is", "rebalancing"]
    let params = ReportFixtures.params(names, study: study, resamples: 10_000)
    let arms = try ReportInputs.arms(try ReportFixtures.inputs(study), params: params)
    let summary = try ReportSummary.compute(arms, settings: params.report, seed: Seed(0))
    let files = ReportStage.files(of: summary, rasterizer: .onPath())
    for plot in ["success.svg", "auc.svg", "task_demos.svg"] {
      let text = String(decoding: try #require(files[plot]), as: UTF8.self)
      #expect(names.allSatisfy { text.contains(">\($0)</text>") }, "\(plot)")
    }
    #expect(summary.comparisons.map(\.name) == ["uniform", "uncertainty", "no-is", "rebalancing"])
    if let folder = ProcessInfo.processInfo.environment["AMF_REPORT_PREVIEW"] {
      try SidecarFolder.write(files, to: URL(fileURLWithPath: folder))
    }
  }
}

extension ReportPreviewTests {
  /// The fixture study's files (2 arms, N = 4), written for viewing when `AMF_REPORT_PREVIEW` is set.
  @Test func smallStudyPlotsHaveWholeDemonstrationTicks() throws {
    let params = ReportFixtures.params(["amf", "uniform"])
    let arms = try ReportInputs.arms(try ReportFixtures.inputs(), params: params)
    let summary = try ReportSummary.compute(arms, settings: params.report, seed: Seed(0))
    #expect(!summary.successPlot().contains(">0.5</text>"))
    if let folder = ProcessInfo.processInfo.environment["AMF_REPORT_PREVIEW"] {
      let files = ReportStage.files(of: summary, rasterizer: .onPath())
      try SidecarFolder.write(files, to: URL(fileURLWithPath: folder + "-small"))
    }
  }
}
