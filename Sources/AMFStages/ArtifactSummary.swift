import AMFArtifacts
import AMFPipeline
import Foundation

/// What `amf-pipeline show` tells about one artifact: kind, verified hash, provenance, every object
/// with its type and shape, and the kind's headline numbers (ARTIFACTS.md).
public struct ArtifactSummary: Codable, Sendable {
  /// The file shown.
  public var path: String
  /// `amf.kind`.
  public var kind: String
  /// `amf.schema_version`.
  public var schemaVersion: Int
  /// `amf.content_sha256`, recomputed and found equal.
  public var contentSHA256: String
  /// Who made the artifact from what.
  public var provenance: ProvenanceSummary
  /// Every group and dataset, parents first, children in name order.
  public var objects: [Object]
  /// The numbers a reader looks at first, in a fixed order per kind.
  public var headline: [Headline]

  /// The `amf.*` provenance attributes, parsed.
  public struct ProvenanceSummary: Codable, Sendable {
    /// `amf.stage`.
    public var stage: String
    /// `amf.stage_version`.
    public var stageVersion: Int
    /// `amf.params` as JSON.
    public var params: JSONValue
    /// `amf.inputs`: input name → content hash.
    public var inputs: [String: String]
    /// `amf.seed`.
    public var seed: UInt64
    /// `amf.project_version` (informative, not hashed).
    public var projectVersion: String
  }

  /// One group or dataset.
  public struct Object: Codable, Sendable {
    /// Its absolute path (`/` for the root).
    public var path: String
    /// `group` or `dataset`.
    public var object: String
    /// Element type (datasets only).
    public var type: String?
    /// Dimensions, outermost first (datasets only; `[]` is a scalar).
    public var shape: [Int]?
    /// The first elements (datasets only, at most `previewCount`).
    public var preview: [JSONValue]?
    /// The group's attributes (groups only; the root's `amf.*` attributes are in `provenance`).
    public var attributes: [String: JSONValue]?
  }

  /// One headline number (or short list).
  public struct Headline: Codable, Sendable {
    /// Where it comes from: `multitask_success`, `/selected`, …
    public var name: String
    /// Its value: a scalar, or the first elements of a dataset.
    public var value: JSONValue
  }

  /// How many elements a dataset preview shows.
  public static let previewCount = 6

  /// Reads, fully verifies (no hash cache) and summarizes the artifact at `url`.
  ///
  /// Throws `ArtifactError` exactly as a stage reading the file would (missing, not HDF5, corrupt, …).
  public static func inspect(_ url: URL) throws -> ArtifactSummary {
    let artifact = try ArtifactFile.read(url)
    let provenance = artifact.provenance
    let params = (try? JSONValue.parse(provenance.paramsJSON)) ?? .string(provenance.paramsJSON)
    return ArtifactSummary(
      path: url.path, kind: artifact.kind.rawValue, schemaVersion: artifact.schemaVersion,
      contentSHA256: try artifact.contentHash(),
      provenance: ProvenanceSummary(
        stage: provenance.stage, stageVersion: provenance.stageVersion, params: params, inputs: provenance.inputs,
        seed: provenance.seed, projectVersion: provenance.projectVersion),
      objects: objects(of: artifact.content, path: "/"),
      headline: headline(kind: artifact.kind, content: artifact.content))
  }

  /// The summary as pretty, key-sorted JSON (`show --json`).
  public func jsonText() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  private static func objects(of group: ArtifactGroup, path: String) -> [Object] {
    let attributes = group.attributes.filter { !$0.key.hasPrefix("amf.") }.mapValues(attributeValue)
    var result = [Object(path: path, object: "group", attributes: attributes)]
    let prefix = path == "/" ? "/" : path + "/"
    for name in group.datasets.keys.sorted() {
      guard let array = group.datasets[name] else { continue }
      result.append(Object(
        path: prefix + name, object: "dataset", type: array.elementType.rawValue, shape: array.shape,
        preview: values(of: array, limit: previewCount)))
    }
    for name in group.groups.keys.sorted() {
      guard let child = group.groups[name] else { continue }
      result += objects(of: child, path: prefix + name)
    }
    return result
  }

  /// The headline of each kind (ARTIFACTS.md "Layouts"); when none of its objects is present, the first
  /// values of the small datasets.
  private static func headline(kind: ArtifactKind, content: ArtifactGroup) -> [Headline] {
    let wanted: [String] = switch kind {
    case .evaluation: ["@multitask_success", "@mean_return", "@demos_used", "@round"]
    case .selection: ["/selected", "@strategy", "@importance_weights", "@round"]
    case .embeddings: ["/pool/ess", "@kind", "@normalization"]
    case .policy: ["@family", "@architecture"]
    case .demonstrations: ["/data@total", "/data@env_name"]
    case .report: ["/arms"]
    }
    var result: [Headline] = []
    for name in wanted {
      guard let value = lookup(name, in: content) else { continue }
      result.append(Headline(name: name.hasPrefix("@") ? String(name.dropFirst()) : name, value: value))
    }
    guard result.isEmpty else { return result }
    for path in content.datasetPaths.prefix(8) {
      guard let array = try? content.dataset(at: path), array.elements.count <= 16 else { continue }
      result.append(Headline(name: path, value: .array(values(of: array, limit: 16))))
    }
    return result
  }

  /// `@attr` (root attribute), `/group@attr`, `/dataset`, or a group (`/arms`: its child names).
  private static func lookup(_ name: String, in content: ArtifactGroup) -> JSONValue? {
    let parts = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    if parts.count == 2 {
      let group = content.group(at: parts[0].isEmpty ? "/" : parts[0])
      return group?.attributes[parts[1]].map(attributeValue)
    }
    if let array = try? content.dataset(at: name) { return .array(values(of: array, limit: 32)) }
    if let group = content.group(at: name) { return .array(group.groups.keys.sorted().map(JSONValue.string)) }
    return nil
  }

  /// A scalar attribute as its value, a longer one as a list (at most 32 elements).
  static func attributeValue(_ array: ArtifactArray) -> JSONValue {
    let values = values(of: array, limit: 32)
    return array.shape.isEmpty && values.count == 1 ? values[0] : .array(values)
  }

  /// The first `limit` elements as JSON values (non-finite floats as strings, which JSON lacks).
  static func values(of array: ArtifactArray, limit: Int) -> [JSONValue] {
    func number(_ value: Double) -> JSONValue { value.isFinite ? .number(value) : .string("\(value)") }
    switch array.elements {
    case .float32(let values): return values.prefix(limit).map { number(Double($0)) }
    case .float64(let values): return values.prefix(limit).map(number)
    case .int32(let values): return values.prefix(limit).map { .number(Double($0)) }
    case .int64(let values): return values.prefix(limit).map { .number(Double($0)) }
    case .uint8(let values): return values.prefix(limit).map { .number(Double($0)) }
    case .string(let values): return values.prefix(limit).map(JSONValue.string)
    }
  }
}
