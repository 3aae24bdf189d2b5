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
      throw DecodingError.dataCorruptedError(
        forKey: key, in: container,
        debugDescription: "unknown key '\(first)'; expected one of \(known.sorted())")
    }
  }
}
