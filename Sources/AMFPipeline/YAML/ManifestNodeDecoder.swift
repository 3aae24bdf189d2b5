import AMFCore

/// A `Decoder` over a `ManifestNode` tree, so typed values decode with their own `init(from:)`.
///
/// Scalars decode as `String` always, and as numbers, booleans or null only when written plain (YAML 1.2
/// core schema). Failures are `DecodingError`s whose coding path leads to the offending node;
/// `LoadedManifest.decode` turns them into located `ManifestError`s.
struct ManifestNodeDecoder: Decoder {
  let node: ManifestNode
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard case .mapping(let entries) = node.content else {
      throw mismatch([String: String].self, "a mapping")
    }
    return KeyedDecodingContainer(KeyedNodeContainer<Key>(entries: entries, codingPath: codingPath))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard case .sequence(let items) = node.content else { throw mismatch([String].self, "a list") }
    return UnkeyedNodeContainer(items: items, codingPath: codingPath)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleNodeContainer(decoder: self) }

  func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
    DecodingError.typeMismatch(
      type, DecodingError.Context(codingPath: codingPath, debugDescription: "expected \(expected)"))
  }
}

/// Types a plain or quoted scalar converts to directly.
protocol ManifestScalarDecodable {
  /// The value of `scalar`, or nil if it does not spell one.
  static func parse(_ scalar: ManifestScalar) -> Self?
  /// How the expected type is named in errors, e.g. `an integer`.
  static var manifestTypeName: String { get }
}

extension String: ManifestScalarDecodable {
  static func parse(_ scalar: ManifestScalar) -> String? { scalar.isNull ? nil : scalar.text }
  static var manifestTypeName: String { "a string" }
}

extension Bool: ManifestScalarDecodable {
  static func parse(_ scalar: ManifestScalar) -> Bool? {
    guard scalar.isPlain else { return nil }
    return ["true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false][scalar.text]
  }
  static var manifestTypeName: String { "true or false" }
}

extension Int: ManifestScalarDecodable {
  static func parse(_ scalar: ManifestScalar) -> Int? { scalar.isPlain ? Int(scalar.text) : nil }
  static var manifestTypeName: String { "an integer" }
}

extension UInt64: ManifestScalarDecodable {
  static func parse(_ scalar: ManifestScalar) -> UInt64? { scalar.isPlain ? UInt64(scalar.text) : nil }
  static var manifestTypeName: String { "a non-negative integer" }
}

extension Double: ManifestScalarDecodable {
  static func parse(_ scalar: ManifestScalar) -> Double? {
    guard scalar.isPlain else { return nil }
    switch scalar.text {
    case ".inf", ".Inf", "+.inf": return .infinity
    case "-.inf", "-.Inf": return -.infinity
    case ".nan", ".NaN": return .nan
    default: return Double(scalar.text)
    }
  }
  static var manifestTypeName: String { "a number" }
}

private struct SingleNodeContainer: SingleValueDecodingContainer {
  let decoder: ManifestNodeDecoder
  var codingPath: [any CodingKey] { decoder.codingPath }

  func decodeNil() -> Bool {
    if case .scalar(let scalar) = decoder.node.content { return scalar.isNull }
    return false
  }

  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    guard let scalarType = T.self as? any ManifestScalarDecodable.Type else { return try T(from: decoder) }
    guard case .scalar(let scalar) = decoder.node.content, let value = scalarType.parse(scalar) as? T else {
      throw decoder.mismatch(T.self, scalarType.manifestTypeName)
    }
    return value
  }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let entries: [ManifestEntry]
  let codingPath: [any CodingKey]

  var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.key) } }

  func contains(_ key: Key) -> Bool { entries.contains { $0.key == key.stringValue } }

  func decodeNil(forKey key: Key) throws -> Bool {
    guard case .scalar(let scalar) = try child(key).content else { return false }
    return scalar.isNull
  }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try T(from: ManifestNodeDecoder(node: try child(key), codingPath: codingPath + [key]))
  }

  func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type, forKey key: Key
  ) throws -> KeyedDecodingContainer<NestedKey> {
    try ManifestNodeDecoder(node: try child(key), codingPath: codingPath + [key]).container(keyedBy: type)
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try ManifestNodeDecoder(node: try child(key), codingPath: codingPath + [key]).unkeyedContainer()
  }

  func superDecoder() throws -> any Decoder {
    throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "manifests have no super"))
  }

  func superDecoder(forKey key: Key) throws -> any Decoder {
    ManifestNodeDecoder(node: try child(key), codingPath: codingPath + [key])
  }

  private func child(_ key: Key) throws -> ManifestNode {
    guard let entry = entries.first(where: { $0.key == key.stringValue }) else {
      throw DecodingError.keyNotFound(
        key, DecodingError.Context(codingPath: codingPath, debugDescription: "missing key '\(key.stringValue)'"))
    }
    return entry.value
  }
}

private struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
  let items: [ManifestNode]
  let codingPath: [any CodingKey]
  var currentIndex = 0
  var count: Int? { items.count }
  var isAtEnd: Bool { currentIndex >= items.count }

  init(items: [ManifestNode], codingPath: [any CodingKey]) {
    self.items = items
    self.codingPath = codingPath
  }

  mutating func decodeNil() throws -> Bool {
    guard case .scalar(let scalar) = try next(peek: true).node.content, scalar.isNull else { return false }
    currentIndex += 1
    return true
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
    let value = try T(from: try next(peek: true))
    currentIndex += 1
    return value
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type
  ) throws -> KeyedDecodingContainer<NestedKey> {
    let container = try next(peek: true).container(keyedBy: type)
    currentIndex += 1
    return container
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    let container = try next(peek: true).unkeyedContainer()
    currentIndex += 1
    return container
  }

  mutating func superDecoder() throws -> any Decoder {
    let decoder = try next(peek: true)
    currentIndex += 1
    return decoder
  }

  private func next(peek: Bool) throws -> ManifestNodeDecoder {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(
        Any.self, DecodingError.Context(codingPath: codingPath, debugDescription: "the list has too few items"))
    }
    return ManifestNodeDecoder(node: items[currentIndex], codingPath: codingPath + [AnyCodingKey(index: currentIndex)])
  }
}

extension AnyCodingKey {
  /// A key for position `index` of a list.
  init(index: Int) {
    self.init(String(index))
    intValue = index
  }
}
