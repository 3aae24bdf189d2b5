import AMFCore
import AMFTestSupport
import CHDF5
import Foundation
import Testing

@testable import AMFArtifacts

/// Files whose root `amf.*` attributes, element types or cache entries are wrong: each is named exactly.
@Suite struct ArtifactFileHeaderTests {
  /// The stored tree of a small artifact, edited, then (unless `hashed` is false) given its content hash,
  /// written with the raw writer.
  func write(_ edit: (inout ArtifactGroup) throws -> Void, hashed: Bool = true, to url: URL) throws {
    var tree = try Fixtures.small().storedTree()
    try edit(&tree)
    if hashed { tree.attributes["amf.content_sha256"] = .scalar(ContentDigest.sha256(of: tree)) }
    try? FileManager.default.removeItem(at: url)  // the raw writer only creates new files
    try HDF5Writer.write(tree, toNewFile: url.path)
  }

  @Test func unknownKindListsTheKnownOnes() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("kind.h5")
    try write({ $0.attributes["amf.kind"] = .scalar("weights") }, to: url)
    #expect(throws: ArtifactError.invalidValue(
      file: url.path, object: "amf.kind",
      reason: "unknown kind 'weights'; known: demonstrations, policy, embeddings, selection, evaluation, report")) {
      _ = try ArtifactFile.read(url)
    }
    try write({ $0.attributes["amf.kind"] = .scalar(Int64(1)) }, to: url)
    #expect(throws: ArtifactError.typeMismatch(file: url.path, object: "amf.kind", expected: "string", found: "int64")) {
      _ = try ArtifactFile.read(url)
    }
  }

  @Test func badInputsAndMissingHashAreNamed() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("inputs.h5")
    try write({ $0.attributes["amf.inputs"] = .scalar("[1, 2]") }, to: url)
    #expect(throws: ArtifactError.invalidValue(file: url.path, object: "amf.inputs", reason: "not a JSON object of strings")) {
      _ = try ArtifactFile.read(url)
    }
    try write({ _ in }, hashed: false, to: url)
    #expect(throws: ArtifactError.missingObject(
      file: url.path, object: "root attribute amf.content_sha256 (not an amf artifact?)")) {
      _ = try ArtifactFile.read(url)
    }
    try write({ $0.attributes["amf.schema_version"] = .scalar(Int32(1)) }, to: url)
    #expect(try ArtifactFile.read(url).schemaVersion == 1)  // an int32 version is read as well
  }

  /// The project version is informative: a file without it reads, with "unknown", and verifies.
  @Test func missingProjectVersionReadsAsUnknown() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("version.h5")
    try write({ $0.attributes["amf.project_version"] = nil }, to: url)
    let artifact = try ArtifactFile.read(url, expecting: .demonstrations)
    #expect(artifact.provenance.projectVersion == "unknown")
    #expect(artifact.provenance.stage == "pretrain" && artifact.provenance.seed == 7)
    #expect(artifact.content.attributes.keys.allSatisfy { !$0.hasPrefix("amf.") })
  }

  /// An older schema version (0 ≤ 1) is read and reported as such; a provenance's inputs and a seed above
  /// 2⁶³ (stored as a negative int64) come back unchanged.
  @Test func olderSchemaAndProvenanceRoundTrip() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("old.h5")
    var artifact = try Fixtures.small()
    artifact.schemaVersion = 0
    artifact.provenance.inputs = ["policy": String(repeating: "c", count: 64), "demonstrations": "d"]
    artifact.provenance.seed = 1 << 63 + 5
    try ArtifactFile.write(artifact, to: url)
    let read = try ArtifactFile.read(url)
    #expect(read.schemaVersion == 0 && read.provenance == artifact.provenance && read.content == artifact.content)
    #expect(try read.contentHash() == artifact.contentHash())
  }

  @Test func aFolderIsNotAnArtifact() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    #expect(throws: ArtifactError.io(
      file: folder.url.path, operation: "open", reason: "not a regular file; pass an artifact file")) {
      _ = try ArtifactFile.read(folder.url)
    }
    #expect(throws: ArtifactError.missing(file: folder.file("none.h5").path)) {
      _ = try FileIdentity(path: folder.file("none.h5").path)
    }
  }

  /// A 16-bit integer dataset (h5py can write one) is outside the artifact types and is named with its class.
  @Test func unsupportedElementTypeIsNamed() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let path = folder.file("int16.h5").path
    try HDF5Library.serialized { () throws(ArtifactError) in
      let file = H5Fcreate(path, amf_h5f_acc_trunc(), amf_h5p_default(), amf_h5p_default())
      let type = H5Tcopy(amf_h5t_std_i32le())
      H5Tset_size(type, 2)
      var dimensions: [hsize_t] = [3]
      let space = H5Screate_simple(1, &dimensions, nil)
      let dataset = H5Dcreate2(file, "small", type, space, amf_h5p_default(), amf_h5p_default(), amf_h5p_default())
      var values: [Int16] = [1, 2, 3]
      H5Dwrite(dataset, type, amf_h5s_all(), amf_h5s_all(), amf_h5p_default(), &values)
      H5Dclose(dataset)
      H5Sclose(space)
      H5Tclose(type)
      H5Fclose(file)
    }
    #expect(throws: ArtifactError.typeMismatch(
      file: path, object: "/small", expected: "float32|float64|int32|int64|uint8|string",
      found: "an unsupported HDF5 type (class 0, 2 bytes)")) {
      _ = try HDF5Reader.read(path)
    }
  }

  /// The cache file is `device inode size mtime ctime sha256` per line; malformed lines are skipped, negative
  /// numbers are bit patterns, and `save` rewrites nothing when nothing changed.
  @Test func cacheFileFormatIsParsedStrictly() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let file = folder.file("verified.txt")
    let hash = String(repeating: "ab", count: 32)
    let lines = [
      "1 2 3 4 5 \(hash)", "-1 7 8 9 10 \(hash)", "x 2 3 4 5 \(hash)", "1 2 3 4 \(hash)", "1 2 3 4 6 abc",
      "99999999999999999999 2 3 4 5 \(hash)",
    ]
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
    let cache = VerificationCache(persistedAt: file)
    #expect(cache.count == 2)
    #expect(cache.hash(for: FileIdentity(device: 1, inode: 2, size: 3, modifiedNanoseconds: 4, changedNanoseconds: 5)) == hash)
    #expect(cache.hash(for: FileIdentity(device: .max, inode: 7, size: 8, modifiedNanoseconds: 9, changedNanoseconds: 10))
      == hash)
    try FileManager.default.removeItem(at: file)
    try cache.save()  // nothing recorded since loading: no rewrite
    #expect(!FileManager.default.fileExists(atPath: file.path))
    cache.record(hash, for: FileIdentity(device: 0, inode: 1, size: 2, modifiedNanoseconds: 3, changedNanoseconds: 4))
    try cache.save()
    let saved = try String(contentsOf: file, encoding: .utf8)
    #expect(saved == "-1 7 8 9 10 \(hash)\n0 1 2 3 4 \(hash)\n1 2 3 4 5 \(hash)\n")
  }

  /// Rewriting a file changes its identity (here its size and inode), so a cached hash cannot survive it.
  @Test func identityChangesWhenTheFileIsReplaced() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("a.h5")
    try ArtifactFile.write(try Fixtures.small(), to: url)
    let before = try FileIdentity(path: url.path)
    try ArtifactFile.write(try Fixtures.marked(count: 16), to: url)
    let after = try FileIdentity(path: url.path)
    #expect(before != after && before.size != after.size)
    #expect(after.size == Int64(try Data(contentsOf: url).count))
  }
}
