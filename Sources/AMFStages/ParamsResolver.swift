import AMFCore
import AMFPipeline
import Foundation

/// Resolving a stage's parameters from `--params-file` and `--param key=value` (PIPELINE.md §1).
///
/// The file is a JSON object (what `amf-pipeline` passes: the run's canonical params); each override
/// `a.b.c=value` then sets that dotted path, creating objects as needed. A value is parsed as JSON when it
/// is valid JSON (`200`, `1e-3`, `true`, `[32, 32]`, `"text"`) and taken as a plain string otherwise
/// (`reacher`). The merged document is decoded strictly into the stage's typed params, so an unknown key
/// is an error naming it and the valid ones; the canonical JSON of the decoded value is the params'
/// identity (defaults filled in).
public enum ParamsResolver {
  /// The merged document of `fileText` (nil: `{}`) and `overrides` (`key=value`, later ones win).
  ///
  /// Edge cases: a file that is not a JSON object throws `unreadableParamsFile`; an override without `=`
  /// throws `malformedArgument`; one that descends into a non-object value throws `invalidParameter`.
  public static func merged(fileText: String?, filePath: String = "", overrides: [String]) throws -> JSONValue {
    var document = JSONValue.object([:])
    if let fileText { document = try parseFile(fileText, path: filePath) }
    for override in overrides {
      guard let equals = override.firstIndex(of: "=") else {
        throw StageError.malformedArgument(option: "--param", value: override, expected: "key=value")
      }
      let key = String(override[..<equals])
      let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard !path.contains(where: \.isEmpty) else {
        throw StageError.malformedArgument(option: "--param", value: override, expected: "a dotted key such as a.b=1")
      }
      try set(&document, at: path[...], to: parseValue(String(override[override.index(after: equals)...])), key: key)
    }
    return document
  }

  /// A params file: a JSON object, or a YAML mapping (a `.yaml`/`.yml` file, e.g. a params file written by
  /// hand in the manifest's style), typed as `ManifestNode.jsonValue` types YAML scalars.
  static func parseFile(_ text: String, path: String) throws -> JSONValue {
    if !(path.hasSuffix(".yaml") || path.hasSuffix(".yml")) {
      guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object = value else {
        throw StageError.unreadableParamsFile(
          path: path, reason: "not a JSON object (a YAML params file must be named *.yaml or *.yml)")
      }
      return value
    }
    let node: ManifestNode?
    do {
      node = try ManifestNode.parse(yaml: text, file: path)
    } catch {
      throw StageError.unreadableParamsFile(path: path, reason: "not valid YAML (\(error))")
    }
    guard let node, case .object = node.jsonValue else {
      throw StageError.unreadableParamsFile(path: path, reason: "not a YAML mapping of params sections")
    }
    return node.jsonValue
  }

  /// `text` as a JSON value when it is one, else as a string.
  public static func parseValue(_ text: String) -> JSONValue {
    (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
  }

  private static func set(_ node: inout JSONValue, at path: ArraySlice<String>, to value: JSONValue, key: String)
    throws
  {
    guard let head = path.first else {
      node = value
      return
    }
    guard case .object(var members) = node else {
      let parent = key.split(separator: ".").dropLast(path.count).joined(separator: ".")
      throw StageError.invalidParameter(
        path: parent, reason: "is not an object, so \(key) cannot be set; set \(parent) as a whole (JSON)")
    }
    var child = members[head] ?? .object([:])
    try set(&child, at: path.dropFirst(), to: value, key: key)
    members[head] = child
    node = .object(members)
  }

  /// Decodes `document` strictly into `Params` and returns it with its canonical JSON.
  ///
  /// Edge cases: every `DecodingError` (unknown key, wrong type, missing key, a value `validate()`
  /// rejects) becomes `invalidParameter` with the dotted path of the offending key.
  public static func decode<Params: Codable>(_: Params.Type, from document: JSONValue) throws
    -> (params: Params, canonical: String)
  {
    let params: Params
    do {
      params = try JSONDecoder().decode(Params.self, from: try CanonicalJSON.data(document))
    } catch let error as DecodingError {
      throw invalidParameter(error)
    }
    return (params, try CanonicalJSON.string(params))
  }

  /// A `DecodingError` as `invalidParameter` naming the dotted key path.
  static func invalidParameter(_ error: DecodingError) -> StageError {
    func dotted(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
    switch error {
    case .keyNotFound(let key, let context):
      return .invalidParameter(path: dotted(context.codingPath + [key]), reason: "is required")
    case .typeMismatch(let type, let context):
      return .invalidParameter(path: dotted(context.codingPath), reason: "must be of type \(type)")
    case .valueNotFound(let type, let context):
      return .invalidParameter(path: dotted(context.codingPath), reason: "must be a \(type), found null")
    case .dataCorrupted(let context):
      return .invalidParameter(path: dotted(context.codingPath), reason: context.debugDescription)
    @unknown default:
      return .invalidParameter(path: "", reason: "\(error)")
    }
  }

  /// Every leaf of `params`' canonical JSON as `dotted.key = value` lines, sorted by key.
  ///
  /// Objects are flattened; arrays, scalars and empty objects are printed as canonical JSON.
  public static func flattened(_ params: some Encodable) throws -> [(key: String, value: String)] {
    let document = try JSONDecoder().decode(JSONValue.self, from: try CanonicalJSON.data(params))
    var lines: [(String, String)] = []
    func visit(_ node: JSONValue, prefix: String) throws {
      if case .object(let members) = node, !members.isEmpty {
        for key in members.keys.sorted() {
          if let child = members[key] { try visit(child, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
        }
      } else {
        lines.append((prefix, try CanonicalJSON.string(node)))
      }
    }
    try visit(document, prefix: "")
    return lines
  }
}
