import AMFCore
import Foundation

/// A manifest after `extends:` has been resolved: one merged node tree, ready to decode.
public struct LoadedManifest: Hashable, Sendable {
  /// The manifest file that was asked for.
  public var url: URL
  /// The merged tree (without `extends` keys).
  public var root: ManifestNode
  /// The files merged, the requested one first, then what it extends, and so on.
  public var chain: [URL]

  /// Creates a loaded manifest.
  public init(url: URL, root: ManifestNode, chain: [URL]) {
    self.url = url
    self.root = root
    self.chain = chain
  }

  /// Decodes a typed value from the whole tree.
  ///
  /// Throws `ManifestError` with the `file:line:column` of the offending node: `.unknownKey` (with the closest
  /// allowed key), `.typeMismatch`, `.missingKey` or `.invalidValue`.
  public func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try Self.decode(type, from: root)
  }

  /// Decodes a typed value from `node`, which is the root of the tree the coding paths are relative to.
  public static func decode<T: Decodable>(_ type: T.Type, from node: ManifestNode) throws -> T {
    do {
      return try T(from: ManifestNodeDecoder(node: node, codingPath: []))
    } catch let error as DecodingError {
      throw located(error, in: node)
    }
  }

  /// The node at `path` (mapping keys by name, list items by index), if it exists.
  public static func node(at path: [any CodingKey], in root: ManifestNode) -> ManifestNode? {
    var node = root
    for key in path {
      switch node.content {
      case .mapping:
        guard let child = node[key.stringValue] else { return nil }
        node = child
      case .sequence(let items):
        guard let index = key.intValue ?? Int(key.stringValue), items.indices.contains(index) else { return nil }
        node = items[index]
      case .scalar: return nil
      }
    }
    return node
  }

  /// The dotted form of a coding path: `select.strategy`, `arms[2]`.
  public static func fieldPath(_ path: [any CodingKey]) -> String {
    path.reduce(into: "") { text, key in
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += text.isEmpty ? key.stringValue : "." + key.stringValue
      }
    }
  }

  private static func located(_ error: DecodingError, in root: ManifestNode) -> ManifestError {
    switch error {
    case .keyNotFound(let key, let context):
      let node = deepest(context.codingPath, in: root)
      return .missingKey(node.location, path: fieldPath(context.codingPath), key: key.stringValue)
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      let node = deepest(context.codingPath, in: root)
      let expected = (type as? any ManifestScalarDecodable.Type)?.manifestTypeName
        ?? context.debugDescription.replacingOccurrences(of: "expected ", with: "")
      return .typeMismatch(
        node.location, path: fieldPath(context.codingPath), expected: expected, found: node.shapeDescription)
    case .dataCorrupted(let context):
      return dataCorrupted(context, in: root)
    @unknown default:
      return .invalidValue(root.location, path: "", reason: "\(error)")
    }
  }

  private static func dataCorrupted(_ context: DecodingError.Context, in root: ManifestNode) -> ManifestError {
    let path = fieldPath(context.codingPath)
    if let unknown = context.underlyingError as? UnknownKeyError {
      let parent = node(at: context.codingPath.dropLast(), in: root)
      let location = parent?.entry(unknown.key)?.keyLocation ?? deepest(context.codingPath, in: root).location
      return .unknownKey(
        location, path: path, allowed: unknown.allowed, suggestion: closestMatch(to: unknown.key, in: unknown.allowed))
    }
    return .invalidValue(deepest(context.codingPath, in: root).location, path: path, reason: context.debugDescription)
  }

  /// The node at `path`, or the deepest existing node on the way to it.
  private static func deepest(_ path: [any CodingKey], in root: ManifestNode) -> ManifestNode {
    for length in stride(from: path.count, through: 0, by: -1) {
      if let node = node(at: Array(path.prefix(length)), in: root) { return node }
    }
    return root
  }
}
