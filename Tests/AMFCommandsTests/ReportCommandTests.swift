import AMFArtifacts
import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFCommands
@testable import AMFStages

/// The built `amf-report`, run by hand on evaluation artifacts: 2 arms × 2 seeds × rounds 0, 1 (N = B = 2).
@Suite struct ReportCommandTests {
  /// Writes the evaluations and returns `--input role=path` arguments.
  static func inputs(in folder: TemporaryDirectory) throws -> [String] {
    var arguments: [String] = []
    for arm in ["amf", "uniform"] {
      for seed in 0..<2 {
        for round in 0...1 {
          let solved = round == 1 && (arm == "amf" || seed == 1)
          let record = try EvaluationRecord(
            environmentName: "integrator2d", round: round, targetWeights: [0.5, 0.5],
            episodeSuccess: [[true, true], [solved, false]], episodeReturns: [[0, 0], [solved ? 0 : -1, -1]],
            demosPerTask: round == 0 ? [0, 0] : [0, 2])
          let url = folder.file("\(arm)-\(seed)-\(round).h5")
          _ = try ArtifactFile.write(
            Artifact(kind: .evaluation, provenance: Provenance(stage: "evaluate", stageVersion: 1),
                     content: try record.contentGroup()), to: url)
          arguments += ["--input", "evaluation/\(arm)/seed-\(seed)/round-\(round)=\(url.path)"]
        }
      }
    }
    return arguments
  }

  @Test func writesTheReportAndItsFolderAndPrintsJSON() throws {
    let folder = try TemporaryDirectory("amf-report-cli")
    defer { folder.remove() }
    let output = folder.file("study.h5")
    let result = try Executables.run(
      "amf-report", try Self.inputs(in: folder) + [
        "--param", "report.bootstrap_resamples=500", "--output", output.path, "--seed", "4", "--json",
      ])
    #expect(result.status == 0, "\(result.standardError)")
    let summary = try JSONDecoder().decode(StageSummary.self, from: Data(result.standardOutput.utf8))
    #expect(try ArtifactFile.contentHash(of: output) == summary.outputs["report"]?.contentSHA256)
    let files = folder.file("study.files")
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: files.path))
    #expect(names.isSuperset(of: ["report.md", "results.csv", "summary.csv", "success.svg", "auc.svg"]))
    let csv = try String(contentsOf: files.appendingPathComponent("results.csv"), encoding: .utf8)
    #expect(csv.hasPrefix(
      "arm,seed,round,demos,multitask_success,mean_return\namf,0,0,0,0.5,-0.5\namf,0,1,2,0.75,-0.25\n"))
    let markdown = try String(contentsOf: files.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("| uniform | 2 | 2 |"))
    #expect(result.standardError.contains("reported 2 arms"))
  }

  @Test func missingEvaluationExits64NamingTheRole() throws {
    let folder = try TemporaryDirectory("amf-report-missing")
    defer { folder.remove() }
    let arms = #"[{"name":"amf","seeds":[0,1,2],"budget":{"demos":2,"batch":2}}]"#
    let inputs = try Self.inputs(in: folder).chunked().filter { $0[1].hasPrefix("evaluation/amf/") }.flatMap { $0 }
    let result = try Executables.run(
      "amf-report", inputs + ["--param", "arms=\(arms)", "--output", folder.file("r.h5").path])
    #expect(result.status == ExitStatus.usage)
    #expect(result.standardError.contains("evaluation/amf/seed-2/round-0: is missing"), "\(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: folder.file("r.h5").path))
    #expect(!FileManager.default.fileExists(atPath: folder.file("r.files").path))
  }

  @Test func helpListsTheParameters() throws {
    let help = try Executables.run("amf-report", ["--help"])
    #expect(help.status == 0)
    #expect(help.standardOutput.contains("report.bootstrap_resamples") && help.standardOutput.contains("10000"))
    #expect(help.standardOutput.contains("report.confidence"))
  }
}

extension Array where Element == String {
  /// Pairs of elements (`--input`, `role=path`).
  fileprivate func chunked() -> [[String]] {
    stride(from: 0, to: count - 1, by: 2).map { [self[$0], self[$0 + 1]] }
  }
}
