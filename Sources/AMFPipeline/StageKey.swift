import AMFCore
import Crypto
import Foundation

/// The content key of a stage run: SHA-256 of the canonical JSON of what determines its output
/// (PIPELINE.md §3). Same key ⇒ same output, so runs with one key are computed once, by anyone.
public enum StageKey {
  private struct Material: Encodable {
    var stage: String
    var version: Int
    var params: String
    var seed: UInt64
    var inputs: [String: String]
  }

  /// The key of `run` given the content hashes of its inputs (role → hash).
  ///
  /// The material is the canonical JSON of `{inputs, params, seed, stage, version}` (sorted keys, no
  /// escaped slashes), written by hand because `status` keys thousands of runs; a test checks that it
  /// equals `CanonicalJSON` of the same struct byte for byte.
  public static func compute(for run: StageRunSpec, inputHashes: [String: String]) -> String {
    let inputs = inputHashes.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      .map { "\(quoted($0)):\(quoted(inputHashes[$0] ?? ""))" }.joined(separator: ",")
    let text = "{\"inputs\":{\(inputs)},\"params\":\(quoted(run.paramsJSON)),\"seed\":\(run.seed),"
      + "\"stage\":\(quoted(run.kind)),\"version\":\(run.stageVersion)}"
    return digest(Data(text.utf8))
  }

  /// The canonical JSON of the key material through `JSONEncoder`: the reference `compute` must equal.
  static func referenceMaterial(for run: StageRunSpec, inputHashes: [String: String]) -> Data {
    let material = Material(
      stage: run.kind, version: run.stageVersion, params: run.paramsJSON, seed: run.seed, inputs: inputHashes)
    return (try? CanonicalJSON.data(material)) ?? Data()
  }

  /// A JSON string literal as `JSONEncoder` writes it (with `.withoutEscapingSlashes`).
  static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case "\u{08}": result += "\\b"
      case "\u{0C}": result += "\\f"
      case let control where control.value < 0x20:
        let hex = String(control.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  static func digest(_ data: Data) -> String {
    SHA256.hash(data: data).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }
      .joined()
  }
}
