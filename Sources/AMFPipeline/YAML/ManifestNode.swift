import Yams

/// A YAML node of a manifest with the place it was written, so errors can point at it.
///
/// Aliases are expanded by the parser; tags other than the core ones are ignored.
public struct ManifestNode: Hashable, Sendable {
  /// The node's value.
  public indirect enum Content: Hashable, Sendable {
    /// A scalar such as `20`, `amf`, `"0..9"` or `true`.
    case scalar(ManifestScalar)
    /// A sequence, in order.
    case sequence([ManifestNode])
    /// A mapping, in the order the keys were written.
    case mapping([ManifestEntry])
  }

  /// The node's value.
  public var content: Content
  /// Where the node starts.
  public var location: SourceLocation

  /// Creates a node.
  public init(_ content: Content, at location: SourceLocation) {
    self.content = content
    self.location = location
  }

  /// The value under `key` if this node is a mapping that has it.
  public subscript(key: String) -> ManifestNode? { entry(key)?.value }

  /// The entry for `key` if this node is a mapping that has it.
  public func entry(_ key: String) -> ManifestEntry? {
    guard case .mapping(let entries) = content else { return nil }
    return entries.first { $0.key == key }
  }

  /// A short description of the node's shape for error messages: `'abc'`, `a list`, `a mapping`.
  public var shapeDescription: String {
    switch content {
    case .scalar(let scalar): scalar.isNull ? "null" : "'\(scalar.text)'"
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }
}

/// A scalar's text and whether it was written plain (unquoted), which decides whether it may be a number,
/// a boolean or null.
public struct ManifestScalar: Hashable, Sendable {
  /// The text as written, without quotes.
  public var text: String
  /// True for an unquoted scalar.
  public var isPlain: Bool

  /// Creates a scalar.
  public init(_ text: String, isPlain: Bool = true) {
    self.text = text
    self.isPlain = isPlain
  }

  /// True for a plain `~`, `null` or empty scalar (YAML 1.2 core schema).
  public var isNull: Bool { isPlain && ["", "~", "null", "Null", "NULL"].contains(text) }
}

/// One `key: value` of a mapping, with where the key was written.
public struct ManifestEntry: Hashable, Sendable {
  /// The key's text.
  public var key: String
  /// Where the key was written (unknown-key errors point here).
  public var keyLocation: SourceLocation
  /// The value.
  public var value: ManifestNode

  /// Creates an entry.
  public init(key: String, keyLocation: SourceLocation, value: ManifestNode) {
    self.key = key
    self.keyLocation = keyLocation
    self.value = value
  }
}

extension ManifestNode {
  /// Parses YAML text into a node tree; `file` is used in locations and errors.
  ///
  /// Returns nil for an empty document. Throws `ManifestError.syntax`, `.duplicateKey` at the repeated key, or
  /// `.limitExceeded` past `InputLimits.manifestNodes` nodes.
  public static func parse(yaml: String, file: String) throws -> ManifestNode? {
    let node: Node?
    do {
      node = try Yams.compose(yaml: yaml)
    } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
      throw duplicateKeyError(keys.first ?? "", first: context.mark, in: yaml, file: file)
    } catch let error as YamlError {
      throw ManifestError.syntax(Self.location(of: error, file: file), problem: Self.problem(of: error))
    }
    guard let node else { return nil }
    var budget = InputLimits.manifestNodes
    return try ManifestNode(node, file: file, budget: &budget)
  }

  /// Converts `node`, counting every node converted against `budget` (an alias counts once per use, so an
  /// alias bomb stops at the limit instead of exhausting memory).
  private init(_ node: Node, file: String, budget: inout Int) throws {
    let location = SourceLocation(
      file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    budget -= 1
    guard budget >= 0 else {
      throw ManifestError.limitExceeded(
        location, reason: "the manifest expands to more than \(InputLimits.manifestNodes) YAML nodes (each use "
          + "of an alias counts its whole subtree; a limit against alias bombs, far above any real manifest); "
          + "write it with fewer or shallower aliases")
    }
    switch node {
    case .scalar(let scalar):
      self.init(.scalar(ManifestScalar(scalar.string, isPlain: scalar.style == .plain)), at: location)
    case .sequence(let sequence):
      var items: [ManifestNode] = []
      for item in sequence { items.append(try ManifestNode(item, file: file, budget: &budget)) }
      self.init(.sequence(items), at: location)
    case .mapping(let mapping):
      var entries: [ManifestEntry] = []
      for (key, value) in mapping {
        let keyNode = try ManifestNode(key, file: file, budget: &budget)
        guard case .scalar(let scalar) = keyNode.content else {
          throw ManifestError.typeMismatch(
            keyNode.location, path: "", expected: "a plain key", found: keyNode.shapeDescription)
        }
        let valueNode = try ManifestNode(value, file: file, budget: &budget)
        entries.append(ManifestEntry(key: scalar.text, keyLocation: keyNode.location, value: valueNode))
      }
      self.init(.mapping(entries), at: location)
    case .alias:
      throw ManifestError.syntax(location, problem: "unresolved alias")
    }
  }

  private static func location(of error: YamlError, file: String) -> SourceLocation {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
      SourceLocation(file: file, line: mark.line, column: mark.column)
    default: SourceLocation(file: file, line: 1, column: 1)
    }
  }

  private static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
    default: "\(error)"
    }
  }
}

extension ManifestNode {
  /// The node as JSON: mappings as objects, sequences as arrays, and scalars typed as YAML 1.2's core schema
  /// types them — plain `null`/`~`/empty as null, `true`/`false` as booleans, numbers as numbers (`.inf`
  /// and `.nan` stay strings: JSON has no such numbers), everything else (and every quoted scalar) as a string.
  public var jsonValue: JSONValue {
    switch content {
    case .mapping(let entries):
      return .object(Dictionary(entries.map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { _, last in last }))
    case .sequence(let nodes):
      return .array(nodes.map(\.jsonValue))
    case .scalar(let scalar):
      if scalar.isNull { return .null }
      guard scalar.isPlain else { return .string(scalar.text) }
      if let value = Bool.parse(scalar) { return .bool(value) }
      if let value = Double(scalar.text), value.isFinite { return .number(value) }
      return .string(scalar.text)
    }
  }
}
