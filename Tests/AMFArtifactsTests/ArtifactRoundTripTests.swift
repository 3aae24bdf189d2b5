import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

@Suite struct ArtifactRoundTripTests {
  @Test func everyTypeAndShapeRoundTrips() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let provenance = Provenance(
      stage: "embed", stageVersion: 3, paramsJSON: #"{"kind":"loss_gradient","stride":5}"#,
      inputs: ["policy": String(repeating: "a", count: 64), "demonstrations": String(repeating: "b", count: 64)],
      seed: UInt64.max - 1)
    let artifact = Artifact(kind: .embeddings, provenance: provenance, content: try Fixtures.everyType())
    let url = folder.file("every-type.h5")
    let hash = try ArtifactFile.write(artifact, to: url)
    let read = try ArtifactFile.read(url, expecting: .embeddings)
    #expect(read == artifact)
    #expect(try read.contentHash() == hash)
    #expect(read.content.datasetPaths.count == 12)
    #expect(try read.content.dataset(at: "/f32/empty3d").shape == [2, 0, 4])
    #expect(try read.content.dataset(at: "/strings/vector").stringValues(object: "") == ["", "ascii", "θ → π₀", "🤖 robot", "multi\nline"])
    #expect(read.content.group(at: "/empty_group") == ArtifactGroup())
    #expect(read.provenance.seed == UInt64.max - 1)
  }

  /// Same content ⇒ same bytes and hash, even when written more than a second apart (timestamps off).
  @Test func identicalContentGivesIdenticalBytes() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let artifact = Artifact(kind: .report, provenance: Provenance(stage: "report", stageVersion: 1, projectVersion: "x"),
                            content: try Fixtures.everyType())
    let first = try ArtifactFile.write(artifact, to: folder.file("a.h5"))
    Thread.sleep(forTimeInterval: 1.1)
    let second = try ArtifactFile.write(artifact, to: folder.file("b.h5"))
    #expect(first == second)
    #expect(try Data(contentsOf: folder.file("a.h5")) == Data(contentsOf: folder.file("b.h5")))
  }

  /// The project version is informative: it changes the file but not the content hash.
  @Test func projectVersionIsNotHashed() throws {
    var artifact = try Fixtures.small()
    let hash = try artifact.contentHash()
    artifact.provenance.projectVersion = "9.9.9+deadbeef"
    #expect(try artifact.contentHash() == hash)
    artifact.provenance.seed = 8
    #expect(try artifact.contentHash() != hash)
  }

  @Test func goldenContentHash() throws {
    let hash = try Fixtures.small().contentHash()
    #expect(Golden.check(hash + "\n", named: "content-hash.txt") == .matches)
  }

  /// The framing of ContentDigest, re-derived by hand for a group with one scalar attribute.
  @Test func contentHashFramingMatchesItsDefinition() throws {
    var group = ArtifactGroup()
    try group.setAttribute("n", .scalar(Int64(5)))
    var stream: [UInt8] = []
    func u64(_ value: Int) { stream += withUnsafeBytes(of: UInt64(value).littleEndian) { Array($0) } }
    func str(_ text: String) { u64(text.utf8.count); stream += Array(text.utf8) }
    str("amf-content-v1")
    stream.append(UInt8(ascii: "G")); str("/")
    stream.append(UInt8(ascii: "A")); str("n"); str("int64"); u64(0); u64(8); u64(5)
    #expect(ContentDigest.sha256(of: group) == sha256Hex(stream))
  }

  @Test func invalidPathsAndNamesAreRejected() {
    var group = ArtifactGroup()
    #expect(throws: ArtifactError.self) { try group.setDataset(.vector([Float]([1])), at: "relative/path") }
    #expect(throws: ArtifactError.self) { try group.setDataset(.vector([Float]([1])), at: "/a//b") }
    #expect(throws: ArtifactError.self) { try group.setDataset(.vector([Float]([1])), at: "/.") }
    #expect(throws: ArtifactError.self) { try ArtifactArray(shape: [2, 2], elements: .float32([1, 2, 3])) }
  }

  @Test func stringsWithNulAreRejectedAndNothingIsWritten() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    var content = ArtifactGroup()
    try content.setDataset(.vector(["bad\u{0}string"]), at: "/s")
    let artifact = Artifact(kind: .report, provenance: Provenance(stage: "report", stageVersion: 1), content: content)
    #expect(throws: ArtifactError.self) { try ArtifactFile.write(artifact, to: folder.file("nul.h5")) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
  }

  @Test func typedAccessChecksShapeAndType() throws {
    let array = try ArtifactArray.matrix([Float](repeating: 0, count: 6), rows: 2, columns: 3)
    try array.checkShape([nil, 3], object: "/x")
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/x", expected: "N×4", found: "2×3")) {
      try array.checkShape([nil, 4], object: "/x")
    }
    #expect(throws: ArtifactError.typeMismatch(file: "", object: "/x", expected: "float64", found: "float32")) {
      _ = try array.float64Values(object: "/x")
    }
  }
}
