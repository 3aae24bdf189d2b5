import AMFArtifacts
import AMFCore
import AMFPipeline
import Foundation
import Testing

@testable import AMFStages

/// `amf-pipeline show`: the summary of one artifact file, as text and as JSON.
@Suite struct ArtifactSummaryTests {
  /// A verified evaluation artifact on disk: 2 tasks, 2 episodes each, success (1, 0.5), demos (3, 1).
  static func writtenEvaluation() throws -> URL {
    let record = try EvaluationRecord(
      environmentName: "reacher", round: 2, targetWeights: [0.5, 0.5], episodeSuccess: [[true, true], [true, false]],
      episodeReturns: [[0, 0], [0, -1]], demosPerTask: [3, 1])
    let artifact = Artifact(
      kind: .evaluation,
      provenance: Provenance(
        stage: "evaluate", stageVersion: 1, paramsJSON: #"{"round":2}"#,
        inputs: ["policy": "abc123", "demonstrations": "def456"], seed: 9, projectVersion: "test"),
      content: try record.contentGroup())
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("amf-show-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent("evaluation.h5")
    _ = try ArtifactFile.write(artifact, to: url)
    return url
  }

  @Test func inspectReadsKindProvenanceAndHash() throws {
    let url = try Self.writtenEvaluation()
    let summary = try ArtifactSummary.inspect(url)
    #expect(summary.kind == "evaluation" && summary.path == url.path)
    #expect(summary.contentSHA256 == (try ArtifactFile.read(url).contentHash()))
    #expect(summary.provenance.stage == "evaluate" && summary.provenance.stageVersion == 1 && summary.provenance.seed == 9)
    #expect(summary.provenance.params == .object(["round": .number(2)]))
    #expect(summary.provenance.inputs == ["policy": "abc123", "demonstrations": "def456"])
    #expect(summary.objects.first?.path == "/" && summary.objects.first?.object == "group")
    #expect(summary.objects.contains { $0.object == "dataset" && $0.shape == [2] })
    // Every dataset and group under the root carries a path below it.
    #expect(summary.objects.dropFirst().allSatisfy { $0.path.hasPrefix("/") && $0.path.count > 1 })
  }

  @Test func textStartsWithTheHeaderAndAlignsInputs() throws {
    let url = try Self.writtenEvaluation()
    let summary = try ArtifactSummary.inspect(url)
    let lines = summary.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "artifact   \(url.path)")
    #expect(lines[1] == "kind       evaluation (schema \(summary.schemaVersion))")
    #expect(lines[2] == "content    sha256 \(summary.contentSHA256) (verified)")
    #expect(lines[3] == "stage      evaluate v1, seed 9")
    #expect(lines[4] == "project    test")
    #expect(lines[5] == "params     {")
    #expect(lines[6] == "             \"round\" : 2")
    #expect(lines[7] == "           }")
    #expect(lines[8] == "inputs     demonstrations  def456")
    #expect(lines[9] == "           policy          abc123")
    #expect(lines.contains("tree") && lines.contains("  /"))
  }

  @Test func aSummaryWithoutInputsSaysSo() throws {
    var summary = try ArtifactSummary.inspect(try Self.writtenEvaluation())
    summary.provenance.inputs = [:]
    summary.provenance.params = .object([:])
    summary.headline = []
    let text = summary.text()
    #expect(text.contains("\nparams     {}\ninputs     (none)\ntree\n"))
    #expect(!text.contains("headline"))
  }

  @Test func headlineAndTreeOfAHandBuiltSummary() throws {
    let summary = ArtifactSummary(
      path: "a.h5", kind: "selection", schemaVersion: 3, contentSHA256: "ff",
      provenance: .init(stage: "select", stageVersion: 1, params: .object([:]), inputs: [:], seed: 0, projectVersion: "v"),
      objects: [
        .init(path: "/", object: "group", attributes: ["strategy": .string("amf")]),
        .init(path: "/selected", object: "dataset", type: "int64", shape: [3], preview: [.number(4), .number(5), .number(4)]),
        .init(path: "/pool", object: "group", attributes: [:]),
        .init(path: "/pool/ess", object: "dataset", type: "float64", shape: [8], preview: (0..<6).map { .number(Double($0)) }),
      ],
      headline: [.init(name: "selected", value: .array([.number(4), .number(5), .number(4)])), .init(name: "strategy", value: .string("amf"))])
    let text = summary.text()
    #expect(text.hasSuffix("""
      headline
        selected  4, 5, 4
        strategy  "amf"
      tree
        /
        │  @strategy = "amf"
        ├─ selected  int64    3           4, 5, 4
        └─ pool/
           └─ ess       float64  8           0, 1, 2, 3, 4, 5, …
      """))
  }

  @Test func jsonIsSnakeCasedAndSorted() throws {
    let json = try ArtifactSummary.inspect(try Self.writtenEvaluation()).jsonText()
    let object = try JSONValue.parse(json)
    guard case .object(let members) = object else {
      Issue.record("not an object: \(json)")
      return
    }
    #expect(members.keys.sorted() == ["content_sha256", "headline", "kind", "objects", "path", "provenance", "schema_version"])
    #expect(json.contains("\"project_version\" : \"test\""))
  }

  @Test func inlineValuesAreShortAndMarkCuts() {
    #expect(ArtifactSummary.inline(.number(0.25), limit: 3) == "0.25")
    #expect(ArtifactSummary.inline(.number(1e-7), limit: 3) == "1e-07")
    #expect(ArtifactSummary.inline(.string("x"), limit: 3) == "\"x\"")
    #expect(ArtifactSummary.inline(.bool(true), limit: 3) == "true")
    #expect(ArtifactSummary.inline(.null, limit: 3) == "null")
    #expect(ArtifactSummary.inline(.array([.number(1), .number(2), .number(3)]), limit: 2) == "1, 2, …")
    #expect(ArtifactSummary.inline(.array([.number(1), .number(2)]), limit: 2) == "1, 2")
    // A preview of 2 values of a 2 × 3 dataset is cut.
    #expect(ArtifactSummary.inline(.array([.number(1), .number(2)]), limit: 6, total: [2, 3]) == "1, 2, …")
  }

  @Test func previewsKeepNonFiniteFloatsAsText() throws {
    #expect(ArtifactSummary.values(of: .vector([Float(1.5), .infinity, .nan]), limit: 6)
      == [.number(1.5), .string("inf"), .string("nan")])
    #expect(ArtifactSummary.values(of: .vector([Int64(7), 8, 9]), limit: 2) == [.number(7), .number(8)])
    #expect(ArtifactSummary.values(of: .vector(["a", "b"]), limit: 6) == [.string("a"), .string("b")])
    #expect(ArtifactSummary.attributeValue(.scalar(Int64(4))) == .number(4))
    #expect(ArtifactSummary.attributeValue(.vector([Int64(4), 5])) == .array([.number(4), .number(5)]))
  }
}
