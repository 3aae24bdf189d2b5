import AMFTestSupport
import Foundation
import Testing

/// The whole study on the committed smoke manifests, as a user runs it (issue #8): every stage from an empty
/// store, a rerun that does nothing, a changed `select` parameter that reruns only the affected arm, and the
/// report's numbers pinned. The manifests are copied to a temporary folder so locks and reports never land
/// in the repository.
@Suite(.serialized) struct StudyEndToEndTests {
  /// A copy of `Pipelines/base` and `Pipelines/smoke` (the smoke manifests extend `../../base/…`).
  struct Copy {
    let folder: TemporaryDirectory
    var pipelines: URL { folder.file("Pipelines") }
    var store: String { folder.file("store").path }

    init() throws {
      folder = try TemporaryDirectory("amf-study-e2e")
      let source = Executables.repositoryRoot.appendingPathComponent("Pipelines")
      try FileManager.default.createDirectory(at: pipelines, withIntermediateDirectories: true)
      for name in ["base", "smoke"] {
        try FileManager.default.copyItem(
          at: source.appendingPathComponent(name), to: pipelines.appendingPathComponent(name))
      }
    }

    func manifest(_ relative: String) -> String { pipelines.appendingPathComponent(relative).path }

    func run(_ manifest: String, _ extra: [String] = []) throws -> Executables.Result {
      try Executables.run("amf-pipeline", ["run", self.manifest(manifest), "--store", store] + extra)
    }
  }

  /// Names of the stage runs a `run` executed (its `done …` lines).
  static func executed(_ result: Executables.Result) -> [String] {
    result.standardError.split(separator: "\n").compactMap { line in
      guard let range = line.range(of: "done ") else { return nil }
      return line[range.upperBound...].split(separator: " ").first.map(String.init)
    }
  }

  @Test func studyRunsFromAnEmptyStoreAndARerunDoesNothing() throws {
    let copy = try Copy()
    defer { copy.folder.remove() }
    let study = "smoke/studies/integrator2d-gp-targeted.yaml"
    let first = try copy.run(study, ["--jobs", "2"])
    #expect(first.status == 0, "\(first.standardError)")
    // 5 arms × 2 seeds: pretrain (shared by content: 2 runs), evaluate ×3, finetune ×2, select ×2, embed ×2
    // for amf, uncertainty and no-is; one report per arm and one for the study.
    #expect(first.standardOutput.contains("failed 0"))
    let report = copy.pipelines.appendingPathComponent("smoke/studies/integrator2d-gp-targeted.report")
    for file in ["report.md", "results.csv", "summary.csv", "success.svg", "auc.svg"] {
      #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(file).path), "\(file)")
    }
    let second = try copy.run(study)
    #expect(second.status == 0)
    #expect(second.standardOutput.contains("nothing to run"), "\(second.standardOutput)")
    #expect(Self.executed(second).isEmpty)
    // The numbers: the GP policy's success counts are exact, so the summary is pinned as text.
    let summary = try String(contentsOf: report.appendingPathComponent("summary.csv"), encoding: .utf8)
    let outcome = Golden.check(summary, named: "smoke-integrator2d-gp-targeted-summary.csv")
    #expect(outcome == .matches, "\(outcome)")
    let verify = try Executables.run("amf-pipeline", ["verify", copy.manifest(study), "--store", copy.store])
    #expect(verify.status == 0, "\(verify.standardOutput)\(verify.standardError)")
  }

  /// Changing one `select` key of the amf arm makes exactly that arm's select runs stale (with the reason),
  /// and a run executes nothing of the other arms.
  @Test func changedSelectParameterRerunsOnlyTheAffectedArm() throws {
    let copy = try Copy()
    defer { copy.folder.remove() }
    let study = "smoke/studies/reacher-targeted.yaml"
    let first = try copy.run(study, ["--jobs", "2"])
    #expect(first.status == 0, "\(first.standardError)")
    let arm = copy.pipelines.appendingPathComponent("smoke/ablations/amf.yaml")
    let text = try String(contentsOf: arm, encoding: .utf8)
    try text.replacingOccurrences(of: "importance_weights: true}", with: "importance_weights: true, target_noise: true}")
      .write(to: arm, atomically: true, encoding: .utf8)
    let status = try Executables.run("amf-pipeline", ["status", copy.manifest(study), "--store", copy.store])
    let stale = status.standardOutput.split(separator: "\n").filter { $0.contains("stale") && !$0.contains(" up to date") }
    #expect(stale.contains { $0.contains("amf/select/seed-0/round-1") && $0.contains("select.target_noise false → true") },
            "\(status.standardOutput)")
    #expect(stale.allSatisfy { $0.contains(" amf/") || $0.contains(" report ") || $0.contains(" report\t") || $0.hasSuffix("report") || $0.contains("stage runs") },
            "\(stale)")
    let second = try copy.run(study)
    #expect(second.status == 0, "\(second.standardError)")
    let ran = Self.executed(second)
    #expect(ran.contains("amf/select/seed-0/round-1") && ran.contains("amf/select/seed-1/round-2"))
    #expect(ran.allSatisfy { $0.hasPrefix("amf/") || $0 == "report" }, "\(ran)")
  }
}
