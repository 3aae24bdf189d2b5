import Foundation

/// The one JSON form used for provenance, stage keys and locks: sorted keys, no escaped slashes, no
/// insignificant whitespace.
///
/// Two values that are equal after decoding encode to the same bytes, so `{}` and an explicit default
/// hash alike once a params type has filled in its defaults (HOUSE-STYLE §3.6).
public enum CanonicalJSON {
  /// Encodes `value` canonically and returns the UTF-8 text.
  public static func string<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try data(value), as: UTF8.self)
  }

  /// Encodes `value` canonically.
  public static func data<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }

  /// Decodes a value from canonical (or any valid) JSON text.
  public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(text.utf8))
  }
}
