import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// Every kind of bad file gives its documented error, never a crash (issue 2, item 5).
@Suite struct ArtifactErrorTests {
  @Test func missingFile() throws {
    let path = "/nonexistent/amf/artifact.h5"
    #expect(throws: ArtifactError.missing(file: path)) { _ = try ArtifactFile.read(URL(fileURLWithPath: path)) }
  }

  @Test func nonHDF5File() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("notes.h5")
    try Data("name: not an artifact\n".utf8).write(to: url)
    #expect(throws: ArtifactError.notHDF5(file: url.path)) { _ = try ArtifactFile.read(url) }
    try Data().write(to: url)
    #expect(throws: ArtifactError.notHDF5(file: url.path)) { _ = try ArtifactFile.read(url) }
  }

  /// Truncating anywhere after the superblock is reported as truncation; never a crash.
  @Test(arguments: [0.25, 0.5, 0.9, 0.999])
  func truncatedFile(fraction: Double) throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("truncated.h5")
    try ArtifactFile.write(try Fixtures.marked(), to: url)
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: url)
    #expect {
      _ = try ArtifactFile.read(url)
    } throws: { error in
      guard case .truncated(let file, _) = error as? ArtifactError else { return false }
      return file == url.path
    }
  }

  /// A flipped byte in a dataset's raw data keeps the file readable by HDF5 but fails the hash.
  @Test func flippedByteInData() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("flipped.h5")
    let artifact = try Fixtures.marked()
    let hash = try ArtifactFile.write(artifact, to: url)
    var bytes = try Data(contentsOf: url)
    let marker = withUnsafeBytes(of: Float(1000.5)) { Data($0) }  // element 1000's little-endian bytes
    let range = try #require(bytes.range(of: marker))
    bytes[range.lowerBound] ^= 0x01
    try bytes.write(to: url)
    #expect {
      _ = try ArtifactFile.read(url)
    } throws: { error in
      guard case .corrupt(let file, let expected, let found) = error as? ArtifactError else { return false }
      return file == url.path && expected == hash && found != hash && found.count == 64
    }
    #expect((ArtifactError.corrupt(file: "f", expected: "e", found: "g")).description.hasPrefix("artifact corrupt: f"))
  }

  @Test func flippedSignature() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("signature.h5")
    try ArtifactFile.write(try Fixtures.small(), to: url)
    var bytes = try Data(contentsOf: url)
    bytes[1] ^= 0xFF
    try bytes.write(to: url)
    #expect(throws: ArtifactError.notHDF5(file: url.path)) { _ = try ArtifactFile.read(url) }
  }

  @Test func wrongKind() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("demos.h5")
    try ArtifactFile.write(try Fixtures.small(), to: url)
    #expect(throws: ArtifactError.wrongKind(file: url.path, expected: "policy", found: "demonstrations")) {
      _ = try ArtifactFile.read(url, expecting: .policy)
    }
  }

  @Test func newerSchemaVersion() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("future.h5")
    var artifact = try Fixtures.small()
    artifact.schemaVersion = 99
    try ArtifactFile.write(artifact, to: url)
    #expect(throws: ArtifactError.newerSchema(file: url.path, kind: "demonstrations", found: 99, supported: 1)) {
      _ = try ArtifactFile.read(url)
    }
  }

  /// A plain HDF5 file without amf attributes is named as "not an amf artifact".
  @Test func hdf5WithoutAmfAttributes() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("plain.h5")
    var group = ArtifactGroup()
    try group.setDataset(.vector([Float]([1, 2])), at: "/x")
    try HDF5Writer.write(group, toNewFile: url.path)
    #expect {
      _ = try ArtifactFile.read(url)
    } throws: { error in
      guard case .missingObject(let file, let object) = error as? ArtifactError else { return false }
      return file == url.path && object.contains("amf.kind")
    }
  }

  @Test func errorMessagesNameFileAndFix() {
    let error = ArtifactError.truncated(file: "Artifacts/x.h5", detail: "eof")
    #expect(error.description.contains("Artifacts/x.h5"))
    #expect(error.description.contains("rerun"))
    #expect(ArtifactError.missing(file: "").inFile("y.h5") == .missing(file: "y.h5"))
  }
}
