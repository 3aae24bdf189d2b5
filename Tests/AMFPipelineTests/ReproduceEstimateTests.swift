import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// `Scripts/reproduce-estimate.py` (issue #20): each study's runs that no earlier study has, priced by run
/// records, on numbers derived by hand.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: EstimateScript.python),
                "python3 is not installed (apt-get install python3): the estimate script needs it"))
struct ReproduceEstimateTests {

  static func key(_ digit: Int) -> String { String(repeating: "\(digit)", count: 64) }

  static func entry(_ kind: String, key: Int, round: Int, section: String = "{}", env: String = "reacher") -> String {
    """
    {"kind": "\(kind)", "key": "\(Self.key(key))", "stage_version": 1, "seed": 0, "inputs": {}, "outputs": {},
     "params": {"env": {"name": "\(env)"}, "\(kind)": \(section), "round": \(round)}}
    """
  }

  static func lock(_ name: String, _ stages: [String: String]) -> String {
    let body = stages.keys.sorted().map { "\"\($0)\": \(stages[$0]!)" }.joined(separator: ",\n")
    return "{\"schema\": 1, \"manifest\": \"\(name)\", \"stages\": {\(body)}}"
  }

  /// Study a: three runs with records (120, 240, 60 s). Study b: one run shared with a (not counted), a
  /// fine-tuning of a's arm in another round (priced at its arm's mean, 180 s), an evaluation with other
  /// evaluation parameters (its kind's mean, 60 s) and a kitchen pre-training nobody has priced. So a = 420 s,
  /// b = 240 s, 660 s in all: 11 core-min, 5.5 min on 2 cores (printed rounded half to even: 6 min).
  @Test func pricesEachStudysNewRunsByTheirRecords() throws {
    let folder = try TemporaryDirectory("amf-estimate")
    defer { folder.remove() }
    let store = Store(root: folder.file("store"))
    for (digit, seconds) in [(1, 120.0), (2, 240.0), (3, 60.0)] {
      try FileManager.default.createDirectory(at: store.folder(for: Self.key(digit)), withIntermediateDirectories: true)
      var record = RunRecordTests.record()
      record.key = Self.key(digit)
      record.seconds = seconds
      try record.write(to: store.recordURL(key: Self.key(digit)))
    }
    let a = folder.file("a.lock.json")
    let b = folder.file("b.lock.json")
    try Self.lock("a", [
      "arm/finetune/round-1": Self.entry("finetune", key: 1, round: 1, section: #"{"steps": 3000}"#),
      "arm/finetune/round-2": Self.entry("finetune", key: 2, round: 2, section: #"{"steps": 3000}"#),
      "arm/evaluate/round-1": Self.entry("evaluate", key: 3, round: 1, section: #"{"episodes": 10}"#),
    ]).write(to: a, atomically: true, encoding: .utf8)
    try Self.lock("b", [
      "arm/finetune/round-1": Self.entry("finetune", key: 1, round: 1, section: #"{"steps": 3000}"#),
      "arm/finetune/round-3": Self.entry("finetune", key: 4, round: 3, section: #"{"steps": 3000}"#),
      "other/evaluate/round-1": Self.entry("evaluate", key: 5, round: 1, section: #"{"episodes": 20}"#),
      "pretrain": Self.entry("pretrain", key: 6, round: 0, env: "kitchen"),
    ]).write(to: b, atomically: true, encoding: .utf8)
    let result = try Executables.run(
      executable: URL(fileURLWithPath: EstimateScript.python),
      [Executables.repositoryRoot.appendingPathComponent("Scripts/reproduce-estimate.py").path,
       "--store", store.root.path, "--lock", a.path, "--lock", b.path, "--by-family"])
    let output = result.standardOutput
    #expect(result.status == 0, "\(result.standardError)")
    let lines = output.split(separator: "\n").map(String.init)
    #expect(lines.first == "6 distinct stage runs in 2 studies; run records of 3 of them in \(store.root.path).")
    #expect(lines.contains("| a | 3 | 3 / 0 / 0 / 0 / 0 | 7.0 | 63.6% | 4 min |"), "\(output)")
    #expect(lines.contains("| b | 3 | 0 / 1 / 0 / 1 / 1 | 4.0 | 36.4% | 2 min |"), "\(output)")
    #expect(lines.contains("| **total** | 6 | 1 unpriced | 11 | 100% | **6 min** |"), "\(output)")
    // By family: the environments of each study's runs (b has a kitchen run too), both main studies.
    #expect(lines.contains("| reacher | main | 1 | 3 | 0 | 7 | 63.6% | 4 min |"), "\(output)")
    #expect(lines.contains("| kitchen, reacher | main | 1 | 3 | 1 | 4 | 36.4% | 2 min |"), "\(output)")
  }
}

/// The interpreter the estimate script runs with.
enum EstimateScript {
  static let python = "/usr/bin/python3"
}
