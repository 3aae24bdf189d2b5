import Foundation
import Testing

@testable import AMFPipeline

/// The hand-written JSON reader behind locks, plans and run records, and the value's text forms.
@Suite struct JSONValueTests {
  /// The reader's message for `text`, or "accepted".
  static func failure(_ text: String) -> String {
    do {
      _ = try JSONValue.parse(text)
      return "accepted"
    } catch {
      return "\(error)"
    }
  }

  @Test(arguments: [
    ("0", 0.0), ("-0", 0.0), ("42", 42.0), ("-12.5e2", -1250.0), ("1E3", 1000.0), ("2.5e-3", 0.0025),
    ("9007199254740993", 9_007_199_254_740_992.0), ("1e308", 1e308), (" 7 ", 7.0),
  ])
  func numbers(text: String, expected: Double) throws {
    #expect(try JSONValue.parse(text) == .number(expected))
  }

  @Test func literalsArraysAndObjects() throws {
    #expect(try JSONValue.parse("true") == .bool(true))
    #expect(try JSONValue.parse("false") == .bool(false))
    #expect(try JSONValue.parse("null") == .null)
    #expect(try JSONValue.parse("[]") == .array([]))
    #expect(try JSONValue.parse("{}") == .object([:]))
    #expect(try JSONValue.parse(" [ 1 , \"a\" , [ null ] ] ") == .array([.number(1), .string("a"), .array([.null])]))
    let object = try JSONValue.parse("{\n\t\"b\" : {\"c\": false},\r\n \"a\": 1.5 }")
    #expect(object == .object(["a": .number(1.5), "b": .object(["c": .bool(false)])]))
    // A repeated key keeps the last value.
    #expect(try JSONValue.parse(#"{"a":1,"a":2}"#) == .object(["a": .number(2)]))
  }

  @Test func stringEscapes() throws {
    #expect(try JSONValue.parse(#""a\"b\\c\/d\ne\tf\rg\bh\fi""#) == .string("a\"b\\c/d\ne\tf\rg\u{08}h\u{0C}i"))
    #expect(try JSONValue.parse(#""caf\u00e9 \u00E9""#) == .string("café é"))
    #expect(try JSONValue.parse(#""\u0041\u0000z""#) == .string("A\u{0}z"))
    // Raw UTF-8 passes through unchanged.
    #expect(try JSONValue.parse("\"θ 🤖\"") == .string("θ 🤖"))
  }

  /// Characters outside the Basic Multilingual Plane arrive as a surrogate pair (🤖 is U+1F916).
  @Test func surrogatePairs() throws {
    #expect(try JSONValue.parse(#""\ud83e\udd16""#) == .string("🤖"))
    #expect(try JSONValue.parse(#""x\uD834\uDD1Ey""#) == .string("x𝄞y"))
    // A lone surrogate is not a scalar: it becomes U+FFFD rather than invalid text.
    #expect(try JSONValue.parse(#""\ud800""#) == .string("\u{FFFD}"))
    #expect(try JSONValue.parse(#""\udc00!""#) == .string("\u{FFFD}!"))
  }

  @Test(arguments: [
    ("", "invalid JSON at byte 0: unexpected end"),
    ("tru", "invalid JSON at byte 0: expected true"),
    ("nul", "invalid JSON at byte 0: expected null"),
    ("[1,]", "invalid JSON at byte 3: bad number"),
    ("[1 2]", "invalid JSON at byte 3: expected , or ]"),
    ("[1", "invalid JSON at byte 2: unterminated array"),
    (#"{"a" 1}"#, "invalid JSON at byte 5: expected :"),
    (#"{"a":1"#, "invalid JSON at byte 6: unterminated object"),
    (#"{"a":1 "b":2}"#, "invalid JSON at byte 7: expected , or }"),
    ("{a:1}", "invalid JSON at byte 1: expected a key"),
    (#""abc"#, "invalid JSON at byte 4: unterminated string"),
    (#""\u12""#, "invalid JSON at byte 3: bad \\u escape"),
    (#""\uzzzz""#, "invalid JSON at byte 3: bad \\u escape"),
    ("1 2", "invalid JSON at byte 2: trailing characters"),
    ("{} {}", "invalid JSON at byte 3: trailing characters"),
    ("-", "invalid JSON at byte 0: bad number"),
    ("1e", "invalid JSON at byte 0: bad number"),
    ("@", "invalid JSON at byte 0: bad number"),
  ])
  func malformedTextNamesTheByte(text: String, expected: String) {
    #expect(Self.failure(text) == expected)
  }

  /// Nesting is bounded, so a file of brackets ends in an error instead of a stack overflow.
  @Test func depthLimit() throws {
    let limit = InputLimits.jsonDepth
    #expect(limit == 512)
    let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
    var value = try JSONValue.parse(deepest)
    var depth = 0
    while case .array(let items) = value {
      depth += 1
      value = items.first ?? .null
    }
    #expect(depth == limit)
    let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
    #expect(Self.failure(tooDeep) == "invalid JSON at byte 512: nested deeper than 512 levels")
    let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
    #expect(Self.failure(objects) == "invalid JSON at byte \(5 * limit): nested deeper than 512 levels")
  }

  @Test func flattenedByKeyPath() throws {
    let value = try JSONValue.parse(#"{"a":{"b":1,"c":[1,2],"d":{"e":null}},"f":"x","g":0.25}"#)
    #expect(value.flattened() == ["a.b": "1", "a.c": "[1,2]", "a.d.e": "null", "f": "\"x\"", "g": "0.25"])
    #expect(JSONValue.number(3).flattened() == ["": "3"])
    #expect(JSONValue.object([:]).flattened().isEmpty)
    #expect(JSONValue.object(["x": .number(1)]).flattened(prefix: "finetune") == ["finetune.x": "1"])
  }

  @Test func compactText() {
    #expect(JSONValue.number(1000).compactText == "1000")
    #expect(JSONValue.number(-2).compactText == "-2")
    #expect(JSONValue.number(0.5).compactText == "0.5")
    #expect(JSONValue.number(1e15).compactText == "1000000000000000.0")  // at the integer cutoff
    #expect(JSONValue.number(1e16).compactText == "1e+16")
    #expect(JSONValue.bool(false).compactText == "false")
    #expect(JSONValue.null.compactText == "null")
    #expect(JSONValue.array([.number(64), .number(64)]).compactText == "[64,64]")
    #expect(JSONValue.object(["b": .string("x"), "a": .array([])]).compactText == #"{"a":[],"b":"x"}"#)
  }

  /// Locks write integers as integers and everything else as `JSONEncoder` does.
  @Test func encodingAndDecoding() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let value = JSONValue.object([
      "steps": .number(1000), "lr": .number(0.001), "name": .string("a/b"), "flags": .array([.bool(true), .null]),
    ])
    let text = String(decoding: try encoder.encode(value), as: UTF8.self)
    #expect(text == #"{"flags":[true,null],"lr":0.001,"name":"a/b","steps":1000}"#)
    #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
    #expect(try JSONValue.parse(Data(text.utf8)) == value)
  }
}
