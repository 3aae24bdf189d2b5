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
  public static func compute(for run: StageRunSpec, inputHashes: [String: String]) -> String {
    let material = Material(
      stage: run.kind, version: run.stageVersion, params: run.paramsJSON, seed: run.seed, inputs: inputHashes)
    // Encoding a struct of strings and integers cannot fail; an empty key would never match a store entry.
    let data = (try? CanonicalJSON.data(material)) ?? Data()
    return SHA256.hash(data: data).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }
      .joined()
  }
}
