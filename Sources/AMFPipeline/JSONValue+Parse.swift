import Foundation

/// A small recursive-descent JSON reader for `JSONValue`.
///
/// `JSONDecoder` decodes an untyped value by trying each type in turn and throwing on every miss;
/// on a 2 000-entry lock file that was a fifth of a no-op `status`. This reader looks at the next
/// byte instead. It accepts exactly RFC 8259 JSON (no comments, no trailing commas).
struct JSONReader {
  private let bytes: [UInt8]
  private var index = 0
  /// Arrays and objects open at `index`; bounded by `InputLimits.jsonDepth` so that a file of nested
  /// brackets ends in an error, not a stack overflow.
  private var depth = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  struct Failure: Error, CustomStringConvertible {
    var offset: Int
    var reason: String
    var description: String { "invalid JSON at byte \(offset): \(reason)" }
  }

  static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    var reader = JSONReader(bytes)
    let value = try reader.value()
    reader.skipSpace()
    guard reader.index == bytes.count else { throw Failure(offset: reader.index, reason: "trailing characters") }
    return value
  }

  private mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
  }

  private mutating func expect(_ literal: String, _ value: JSONValue) throws -> JSONValue {
    let expected = Array(literal.utf8)
    guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
      throw Failure(offset: index, reason: "expected \(literal)")
    }
    index += expected.count
    return value
  }

  private mutating func value() throws -> JSONValue {
    skipSpace()
    guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard depth < InputLimits.jsonDepth else {
        throw Failure(offset: index, reason: "nested deeper than \(InputLimits.jsonDepth) levels")
      }
      depth += 1
      defer { depth -= 1 }
      return bytes[index] == UInt8(ascii: "{") ? try object() : try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try expect("true", .bool(true))
    case UInt8(ascii: "f"): return try expect("false", .bool(false))
    case UInt8(ascii: "n"): return try expect("null", .null)
    default: return try number()
    }
  }

  private mutating func object() throws -> JSONValue {
    index += 1
    var members: [String: JSONValue] = [:]
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw Failure(offset: index, reason: "expected a key")
      }
      let key = try string()
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Failure(offset: index, reason: "expected :") }
      index += 1
      members[key] = try value()
      skipSpace()
      guard index < bytes.count else { throw Failure(offset: index, reason: "unterminated object") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      guard bytes[index] == UInt8(ascii: "}") else { throw Failure(offset: index, reason: "expected , or }") }
      index += 1
      return .object(members)
    }
  }

  private mutating func array() throws -> JSONValue {
    index += 1
    var items: [JSONValue] = []
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      items.append(try value())
      skipSpace()
      guard index < bytes.count else { throw Failure(offset: index, reason: "unterminated array") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      guard bytes[index] == UInt8(ascii: "]") else { throw Failure(offset: index, reason: "expected , or ]") }
      index += 1
      return .array(items)
    }
  }

  private mutating func string() throws -> String {
    index += 1
    var scalars: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      if byte == UInt8(ascii: "\"") { return String(decoding: scalars, as: UTF8.self) }
      guard byte == UInt8(ascii: "\\") else { scalars.append(byte); continue }
      guard index < bytes.count else { break }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "n"): scalars.append(0x0A)
      case UInt8(ascii: "t"): scalars.append(0x09)
      case UInt8(ascii: "r"): scalars.append(0x0D)
      case UInt8(ascii: "b"): scalars.append(0x08)
      case UInt8(ascii: "f"): scalars.append(0x0C)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\") {
          index += 2
          let low = try hex4()
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        scalars.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
      default: scalars.append(escape)  // \" \\ \/
      }
    }
    throw Failure(offset: index, reason: "unterminated string")
  }

  private mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
    else { throw Failure(offset: index, reason: "bad \\u escape") }
    index += 4
    return code
  }

  private mutating func number() throws -> JSONValue {
    let start = index
    while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
    guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
      throw Failure(offset: start, reason: "bad number")
    }
    return .number(value)
  }
}
