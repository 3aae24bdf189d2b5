import Foundation

/// A JSON value, for storing parameters readably in lock files and diffing them by key path.
public indirect enum JSONValue: Hashable, Sendable, Codable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .number(let value):
      if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }

  /// Parses JSON text.
  public static func parse(_ text: String) throws -> JSONValue {
    try JSONReader.parse(Array(text.utf8))
  }

  /// Parses JSON bytes.
  public static func parse(_ data: Data) throws -> JSONValue {
    try JSONReader.parse(Array(data))
  }

  /// Leaf values by dotted key path (`finetune.steps` → `1000`); arrays are leaves.
  public func flattened(prefix: String = "") -> [String: String] {
    switch self {
    case .object(let members):
      var result: [String: String] = [:]
      for (key, value) in members {
        result.merge(value.flattened(prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { $1 }
      }
      return result
    default:
      return [prefix: compactText]
    }
  }

  /// The value as compact JSON text (`1000`, `"amf"`, `[64,64]`).
  public var compactText: String {
    switch self {
    case .null: "null"
    case .bool(let value): value ? "true" : "false"
    case .number(let value):
      value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    case .string(let value): "\"\(value)\""
    case .array(let values): "[" + values.map(\.compactText).joined(separator: ",") + "]"
    case .object(let members):
      "{" + members.keys.sorted().map { "\"\($0)\":\(members[$0]?.compactText ?? "null")" }.joined(separator: ",") + "}"
    }
  }
}
