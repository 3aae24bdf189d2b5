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
    var bytes: [UInt8] = []
    bytes.reserveCapacity(run.paramsJSON.utf8.count + 96 * (inputHashes.count + 1))
    append("{\"inputs\":{", to: &bytes)
    let roles = inputHashes.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    for (index, role) in roles.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      appendQuoted(role, to: &bytes)
      bytes.append(UInt8(ascii: ":"))
      appendQuoted(inputHashes[role] ?? "", to: &bytes)
    }
    append("},\"params\":", to: &bytes)
    appendQuoted(run.paramsJSON, to: &bytes)
    append(",\"seed\":\(run.seed),\"stage\":", to: &bytes)
    appendQuoted(run.kind, to: &bytes)
    append(",\"version\":\(run.stageVersion)}", to: &bytes)
    return digest(Data(bytes))
  }

  private static func append(_ text: String, to bytes: inout [UInt8]) {
    bytes.append(contentsOf: text.utf8)
  }

  /// Appends `text` as a JSON string literal the way `JSONEncoder` writes it (`.withoutEscapingSlashes`).
  private static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
      case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// The canonical JSON of the key material through `JSONEncoder`: the reference `compute` must equal.
  static func referenceMaterial(for run: StageRunSpec, inputHashes: [String: String]) -> Data {
    let material = Material(
      stage: run.kind, version: run.stageVersion, params: run.paramsJSON, seed: run.seed, inputs: inputHashes)
    return (try? CanonicalJSON.data(material)) ?? Data()
  }

  static func digest(_ data: Data) -> String { hexadecimal(SHA256.hash(data: data)) }
}
