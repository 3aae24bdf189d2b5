/// A coding key that accepts any string, used to list the keys a document actually has.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
  public var stringValue: String
  public var intValue: Int?

  /// Creates a key from its string form.
  public init(_ string: String) {
    stringValue = string
    intValue = nil
  }

  public init?(stringValue: String) { self.init(stringValue) }

  public init?(intValue: Int) {
    stringValue = String(intValue)
    self.intValue = intValue
  }
}

/// The coding keys of a type without parameters.
public enum NoKeys: CodingKey, CaseIterable {}

extension Decoder {
  /// Throws if this level of the document has a key outside `Keys` (plus `extra`).
  ///
  /// `Codable` silently drops unknown keys, so a typo such as `batch_sise: 4` would run with the default.
  public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(
    _: Keys.Type, allowing extra: Set<String> = []
  ) throws {
    let known = Set(Keys.allCases.map(\.stringValue)).union(extra)
    let container = try container(keyedBy: AnyCodingKey.self)
    let unknown = container.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
    if let first = unknown.first, let key = AnyCodingKey(stringValue: first) {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: container.codingPath + [key],
          debugDescription: "unknown key '\(first)'; expected one of \(known.sorted())",
          underlyingError: UnknownKeyError(key: first, allowed: known.sorted())))
    }
  }
}

/// The structured cause of an unknown-key `DecodingError`, so a decoder can point at the key and
/// suggest the closest allowed one.
public struct UnknownKeyError: Error, Hashable, Sendable {
  /// The key that is not allowed.
  public var key: String
  /// The keys allowed at that level, sorted.
  public var allowed: [String]

  /// Creates the error.
  public init(key: String, allowed: [String]) {
    self.key = key
    self.allowed = allowed
  }
}

/// A value of the right type that a params type's `validate()` rejects, with the path of the field
/// relative to the type (e.g. `["demos"]`).
public struct InvalidParameter: Error, Hashable, Sendable, CustomStringConvertible {
  /// The field's path below the validated value, e.g. `["demos"]`.
  public var field: [String]
  /// What is wrong and how to fix it, e.g. `must be divisible by batch (2)`.
  public var reason: String

  /// Creates the error.
  public init(_ field: String..., reason: String) {
    self.field = field
    self.reason = reason
  }

  public var description: String { "\(field.joined(separator: ".")): \(reason)" }
}

extension Decoder {
  /// Runs `validate` and turns an `InvalidParameter` into a `DecodingError` at the field's full coding path,
  /// so a manifest decoder can point at the offending value.
  public func validating(_ validate: () throws -> Void) throws {
    do {
      try validate()
    } catch let error as InvalidParameter {
      let path = codingPath + error.field.map { AnyCodingKey($0) }
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: path, debugDescription: error.reason, underlyingError: error))
    }
  }
}
