import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// The in-memory artifact model: paths, typed access, bitwise equality, error texts and content hashing.
@Suite struct ArtifactModelTests {
  @Test func groupsAreCreatedAlongPathsAndFound() throws {
    var root = ArtifactGroup()
    try root.setDataset(.vector([Int64]([1])), at: "/a/b/x")
    try root.setDataset(.vector([Int64]([2])), at: "/a/y")
    try root.setDataset(.vector([Int64]([3])), at: "/z")
    try root.setAttribute("n", .scalar(Int64(4)), onGroup: "/a/b")
    try root.ensureGroup(at: "/empty/inner")
    #expect(root.datasetPaths == ["/a/b/x", "/a/y", "/z"])
    #expect(root.group(at: "/") == root && root.group(at: "/a/b")?.datasets.keys.sorted() == ["x"])
    #expect(root.group(at: "/missing") == nil && root.group(at: "/empty/inner") == ArtifactGroup())
    #expect(try root.attribute("n", onGroup: "/a/b") == .scalar(Int64(4)))
    #expect(throws: ArtifactError.missingObject(file: "", object: "attribute n of /a")) {
      _ = try root.attribute("n", onGroup: "/a")
    }
    #expect(throws: ArtifactError.missingObject(file: "", object: "dataset /a/b/nothing")) {
      _ = try root.dataset(at: "/a/b/nothing")
    }
  }

  @Test func badPathsAndNamesAreExplained() {
    var root = ArtifactGroup()
    #expect(throws: ArtifactError.invalidValue(file: "", object: "data/x", reason: "paths are absolute, like /data/x")) {
      try root.setDataset(.vector([Int64]([1])), at: "data/x")
    }
    #expect(throws: ArtifactError.invalidValue(
      file: "", object: "/a//b", reason: "'' is not a valid name (empty, '.', or has NUL)")) {
      try root.setDataset(.vector([Int64]([1])), at: "/a//b")
    }
    #expect(throws: ArtifactError.invalidValue(file: "", object: "/@a/b", reason: "invalid attribute name")) {
      try root.setAttribute("a/b", .scalar(Int64(1)))
    }
    #expect(throws: ArtifactError.invalidValue(file: "", object: "x", reason: "a dataset of that name exists")) {
      try root.setDataset(.vector([Int64]([1])), at: "/x")
      try root.setDataset(.vector([Int64]([2])), at: "/x/y")
    }
  }

  /// Shapes: "scalar" for rank 0, dimensions joined by ×; a count that does not fill the shape is refused.
  @Test func arraysDescribeAndCheckTheirShapes() throws {
    #expect(ArtifactArray.scalar("s").shapeDescription == "scalar")
    #expect(try ArtifactArray(shape: [2, 0, 4], elements: .float32([])).shapeDescription == "2×0×4")
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "", expected: "3 elements", found: "2×2")) {
      _ = try ArtifactArray(shape: [2, 2], elements: .int32([1, 2, 3]))
    }
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "", expected: "0 elements", found: "-1×0")) {
      _ = try ArtifactArray(shape: [-1, 0], elements: .uint8([]))
    }
    let vector = ArtifactArray.vector(["a", "b"])
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "@name", expected: "scalar", found: "2")) {
      _ = try vector.scalarString(object: "@name")
    }
    #expect(try ArtifactArray.scalar(Int32(-7)).scalarInteger(object: "@n") == -7)
    #expect(throws: ArtifactError.typeMismatch(file: "", object: "@n", expected: "int64", found: "float64")) {
      _ = try ArtifactArray.scalar(2.0).scalarInteger(object: "@n")
    }
    #expect(ArtifactArray.scalar(false).elements == .uint8([0]) && ArtifactArray.scalar(true).elements == .uint8([1]))
    #expect(ArrayElements.string(["a", "b", "c"]).count == 3 && ArrayElements.int32([]).elementType == .int32)
  }

  /// Floats compare by bits: NaN equals the same NaN, −0 differs from +0; types never compare equal.
  @Test func floatElementsCompareBitwise() {
    #expect(ArrayElements.float64([.nan]) == .float64([.nan]))
    #expect(ArrayElements.float64([0.0]) != .float64([-0.0]))
    #expect(ArrayElements.float32([1]) != .float64([1]))
    #expect(ArrayElements.int64([1]) != .int32([1]))
    #expect(ArtifactKind.allCases.map(\.rawValue)
      == ["demonstrations", "policy", "embeddings", "selection", "evaluation", "report"])
    #expect(ArtifactKind.allCases.allSatisfy { $0.currentSchemaVersion == 1 })
  }

  /// Every error says which file and what to do; `inFile` fills only an empty file name.
  @Test func everyErrorTextNamesTheFile() {
    let cases: [(ArtifactError, String)] = [
      (.missing(file: "f"), "f: no such file; check the path, or run the stage that produces it"),
      (.notHDF5(file: "f"), "f: not an HDF5 file (no HDF5 signature); pass an artifact written by an amf stage"),
      (.unreadable(file: "f", detail: "d"), "f: damaged HDF5 file (d); delete it and rerun the stage that produced it"),
      (.wrongKind(file: "f", expected: "policy", found: "selection"),
       "f: amf.kind is 'selection' but a 'policy' artifact is needed here; check which file was passed"),
      (.newerSchema(file: "f", kind: "policy", found: 3, supported: 1),
       "f: amf.schema_version 3 of 'policy' is newer than this build reads (≤ 1); update amf or regenerate the "
         + "artifact with this version"),
      (.missingObject(file: "f", object: "dataset /x"),
       "f: missing dataset /x; the artifact does not follow its schema (ARTIFACTS.md): regenerate it"),
      (.typeMismatch(file: "f", object: "/x", expected: "int64", found: "float32"),
       "f: /x has type float32, expected int64; regenerate the artifact"),
      (.shapeMismatch(file: "f", object: "/x", expected: "N×3", found: "2×4"),
       "f: /x has shape 2×4, expected N×3; check the inputs fit together"),
      (.invalidValue(file: "f", object: "/x", reason: "r"), "f: /x: r"),
      (.hdf5(file: "f", call: "H5Dopen2", detail: "d"), "f: HDF5 call H5Dopen2 failed: d"),
      (.io(file: "f", operation: "open", reason: "r"), "f: open failed: r"),
    ]
    for (error, text) in cases {
      #expect(error.description == text)
      #expect(error.inFile("other") == error)
    }
    #expect(ArtifactError.typeMismatch(file: "", object: "/x", expected: "a", found: "b").inFile("g.h5")
      == .typeMismatch(file: "g.h5", object: "/x", expected: "a", found: "b"))
    #expect(ArtifactError.newerSchema(file: "", kind: "k", found: 2, supported: 1).inFile("g.h5")
      == .newerSchema(file: "g.h5", kind: "k", found: 2, supported: 1))
    #expect(ArtifactError.io(file: "", operation: "o", reason: "r").inFile("g.h5") == .io(file: "g.h5", operation: "o", reason: "r"))
  }

  /// The hash is a function of content alone: insertion order does not matter, an empty group does, and
  /// `amf.content_sha256` is excluded on the root only.
  @Test func contentHashDependsOnContentOnly() throws {
    var first = ArtifactGroup()
    try first.setDataset(.vector([Float]([1, 2])), at: "/a")
    try first.setDataset(.vector([Int64]([3])), at: "/b/c")
    try first.setAttribute("x", .scalar("y"))
    var second = ArtifactGroup()
    try second.setAttribute("x", .scalar("y"))
    try second.setDataset(.vector([Int64]([3])), at: "/b/c")
    try second.setDataset(.vector([Float]([1, 2])), at: "/a")
    let hash = ContentDigest.sha256(of: first)
    #expect(ContentDigest.sha256(of: second) == hash)
    var withEmptyGroup = first
    try withEmptyGroup.ensureGroup(at: "/e")
    #expect(ContentDigest.sha256(of: withEmptyGroup) != hash)
    var rootHash = first
    try rootHash.setAttribute("amf.content_sha256", .scalar("anything"))
    #expect(ContentDigest.sha256(of: rootHash) == hash)
    var nestedHash = first
    try nestedHash.setAttribute("amf.content_sha256", .scalar("anything"), onGroup: "/b")
    #expect(ContentDigest.sha256(of: nestedHash) != hash)
  }

  /// The framing of a dataset by hand: "D" ‖ str(path) ‖ str(type) ‖ u64(rank) ‖ u64(dims) ‖ u64(bytes) ‖ bytes;
  /// float32 as little-endian IEEE bits, uint8 raw, strings as str(element) each.
  @Test func datasetFramingMatchesItsDefinition() throws {
    var group = ArtifactGroup()
    try group.setDataset(.vector([Float]([1.5, -2])), at: "/f")
    try group.setDataset(.vector([UInt8]([7, 255])), at: "/u")
    try group.setDataset(.vector(["hi", "θ"]), at: "/s")
    var stream: [UInt8] = []
    func u64(_ value: Int) { stream += withUnsafeBytes(of: UInt64(value).littleEndian) { Array($0) } }
    func str(_ text: String) { u64(text.utf8.count); stream += Array(text.utf8) }
    str("amf-content-v1")
    stream.append(UInt8(ascii: "G")); str("/")
    stream.append(UInt8(ascii: "D")); str("/f"); str("float32"); u64(1); u64(2); u64(8)
    for value in [Float(1.5), -2] { stream += withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    stream.append(UInt8(ascii: "D")); str("/s"); str("string"); u64(1); u64(2); u64(8 + 2 + 8 + 2); str("hi"); str("θ")
    stream.append(UInt8(ascii: "D")); str("/u"); str("uint8"); u64(1); u64(2); u64(2); stream += [7, 255]
    #expect(ContentDigest.sha256(of: group) == sha256Hex(stream))
  }

  /// Kind, inputs and schema version enter the artifact's hash; the default project version is this build's.
  @Test func provenanceFieldsEnterTheHash() throws {
    let base = Artifact(kind: .report, provenance: Provenance(stage: "report", stageVersion: 1))
    #expect(base.provenance.projectVersion == ProjectVersion.description)
    let hash = try base.contentHash()
    var kind = base
    kind.kind = .evaluation
    var inputs = base
    inputs.provenance.inputs = ["a": "b"]
    var version = base
    version.schemaVersion = 2
    var params = base
    params.provenance.paramsJSON = #"{"x":1}"#
    let hashes = try [kind, inputs, version, params].map { try $0.contentHash() }
    #expect(Set(hashes + [hash]).count == 5)
  }
}
