import Foundation

/// Small text goldens kept beside the tests (HOUSE-STYLE §3.11).
///
/// `AMF_RECORD_GOLDENS=1 swift test` writes the current value and fails once, so that a new golden
/// never passes silently; otherwise the value must equal the recorded text exactly.
public enum Golden {
  /// The outcome of a golden comparison.
  public enum Outcome: Equatable, Sendable {
    case matches
    case recorded(path: String)
    case differs(expected: String, found: String)
    case missing(path: String)
  }

  /// Compares `value` with `Goldens/<name>` next to the calling test file.
  public static func check(_ value: String, named name: String, testFile: String = #filePath) -> Outcome {
    let url = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Goldens/\(name)")
    if ProcessInfo.processInfo.environment["AMF_RECORD_GOLDENS"] == "1" {
      try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? value.write(to: url, atomically: true, encoding: .utf8)
      return .recorded(path: url.path)
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else { return .missing(path: url.path) }
    return expected == value ? .matches : .differs(expected: expected, found: value)
  }
}
