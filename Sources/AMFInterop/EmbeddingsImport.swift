import AMFArtifacts
import AMFCore
import Foundation

/// `amf-pipeline import embeddings FILE`: a bring-your-own embeddings file (docs/BYO-EMBEDDINGS.md, layout
/// version 1) checked and sealed as an `embeddings` artifact that `amf-select` reads unchanged.
///
/// The points are AMF-NN's (AMF.md §2.1, weight space: a linear kernel on φ): candidate points φ(s^j_t, c')
/// of every candidate trajectory j relabelled with task c', in one contiguous run per (c', j); target points
/// φ(s^i_t, c) weighted by μ(c) w̄_i(c); optional conditioning points.
public enum EmbeddingsImport {
  /// The layout version this build reads (root attribute `byo_version`).
  public static let layoutVersion = 1
  /// `@kind` of an imported set.
  public static let kind = "byo"

  /// The provenance params of an import.
  struct Params: Encodable {
    var format = "byo_embeddings"
    var layoutVersion: Int
    enum CodingKeys: String, CodingKey { case format, layoutVersion = "layout_version" }
  }

  /// Reads, checks and seals the file at `url`; `amf.inputs` names its SHA-256.
  public static func artifact(from url: URL) throws -> Artifact {
    let file = url.path
    let tree = try HDF5Tree.read(url)
    let set = try EmbeddingsFile(tree, file: file).embeddingSet()
    let provenance = Provenance(
      stage: DemonstrationInterop.stage, stageVersion: DemonstrationInterop.stageVersion,
      paramsJSON: try CanonicalJSON.string(Params(layoutVersion: layoutVersion)),
      inputs: [DemonstrationInterop.sourceInput: try HDF5Tree.fileSHA256(url)], seed: 0)
    return Artifact(kind: .embeddings, provenance: provenance, content: try set.contentGroup())
  }

  /// Imports `url` and writes the artifact to `output` atomically; returns its content hash.
  @discardableResult
  public static func importFile(_ url: URL, to output: URL) throws -> String {
    try ArtifactFile.write(try artifact(from: url), to: output)
  }
}

/// The objects of a BYO embeddings file, read with one clear error per problem.
struct EmbeddingsFile {
  let tree: ArtifactGroup
  let file: String

  init(_ tree: ArtifactGroup, file: String) throws(InteropError) {
    self.tree = tree
    self.file = file
    let version = ForeignTree.number(tree.attributes["byo_version"]).map { Int($0) }
    guard version == EmbeddingsImport.layoutVersion else {
      throw InteropError.invalidValue(
        file: file, object: "@byo_version", reason: version.map { "is \($0)" } ?? "is missing",
        fix: "write the root attribute byo_version = \(EmbeddingsImport.layoutVersion) and follow docs/BYO-EMBEDDINGS.md")
    }
  }

  func dataset(_ path: String) throws(InteropError) -> ArtifactArray {
    guard let array = try? tree.dataset(at: path) else {
      throw InteropError.layout(file: file, object: path, format: "BYO embeddings", reason: "missing dataset")
    }
    return array
  }

  func integers(_ path: String, count: Int? = nil) throws(InteropError) -> [Int] {
    let array = try dataset(path)
    let values: [Int]
    switch array.elements {
    case .int64(let v) where array.shape.count == 1: values = v.map { Int($0) }
    case .int32(let v) where array.shape.count == 1: values = v.map { Int($0) }
    case .uint8(let v) where array.shape.count == 1: values = v.map { Int($0) }
    default:
      throw InteropError.invalidValue(
        file: file, object: path, reason: "is \(array.elementType.rawValue) \(array.shapeDescription)",
        fix: "store a vector of integers")
    }
    if let count, values.count != count {
      throw InteropError.lengthMismatch(file: file, episode: "", field: path, found: values.count, expected: count, reason: "one per row")
    }
    return values
  }

  func doubles(_ path: String, shape: [Int]) throws(InteropError) -> [Double] {
    let array = try dataset(path)
    guard array.shape == shape else {
      throw InteropError.invalidValue(
        file: file, object: path, reason: "has shape \(array.shapeDescription), expected \(shape.map(String.init).joined(separator: "×"))",
        fix: "see docs/BYO-EMBEDDINGS.md")
    }
    let values: [Double]
    switch array.elements {
    case .float64(let v): values = v
    case .float32(let v): values = v.map { Double($0) }
    default:
      throw InteropError.invalidValue(file: file, object: path, reason: "is \(array.elementType.rawValue)", fix: "store floats")
    }
    guard values.allSatisfy(\.isFinite) else {
      throw InteropError.invalidValue(file: file, object: path, reason: "has a NaN or infinite value", fix: "store finite numbers")
    }
    return values
  }

  /// φ of `group` (`/candidates`, …): (n × p) floats.
  func phi(_ group: String, width: Int?) throws(InteropError) -> Rows {
    let path = "/\(group)/phi"
    let rows = try Rows(try dataset(path), file: file, object: path)
    guard rows.values.allSatisfy(\.isFinite) else {
      throw InteropError.invalidValue(file: file, object: path, reason: "has a NaN or infinite value", fix: "store finite numbers")
    }
    if let width, rows.width != width {
      throw InteropError.invalidValue(
        file: file, object: path, reason: "is \(rows.width) wide, but /candidates/phi is \(width) wide",
        fix: "embed every point with the same features")
    }
    return rows
  }

  func strings(_ path: String) -> [String]? {
    guard let array = try? tree.dataset(at: path), case .string(let values) = array.elements else { return nil }
    return values
  }
}
