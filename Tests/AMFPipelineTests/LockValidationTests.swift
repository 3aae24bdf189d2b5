import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// `LockFile.read` checks every field before converting it or turning it into a path (issue #17): values
/// out of range, foreign schemas, keys and hashes that are not SHA-256, paths that escape the lock's folder.
@Suite struct LockValidationTests {
  static let hash = String(repeating: "ab", count: 32)
  static let run = "amf/select/seed-0/round-1"

  /// A valid one-entry lock, with `change` applied to its root (a JSON object) first.
  static func lockText(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
    let entry: [String: Any] = [
      "kind": "select", "key": hash, "stage_version": 1, "seed": 0, "params": ["batch": 2],
      "inputs": ["embeddings": hash], "outputs": ["selection": hash],
    ]
    var root: [String: Any] = [
      "schema": 1, "manifest": "study", "report_folder": "study.report", "stages": [run: entry],
    ]
    change(&root)
    return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
  }

  /// Changes field `key` of the entry.
  static func entryField(_ key: String, _ value: Any?) -> (inout [String: Any]) -> Void {
    { root in
      var stages = root["stages"] as? [String: Any] ?? [:]
      var entry = stages[run] as? [String: Any] ?? [:]
      entry[key] = value
      stages[run] = entry
      root["stages"] = stages
    }
  }

  /// Reads `data` as a lock file; returns the lock or the error's text.
  static func read(_ data: Data) throws -> Result<LockFile, PipelineError> {
    let folder = try TemporaryDirectory("lock-validation")
    defer { folder.remove() }
    let url = folder.file("study.lock.json")
    try data.write(to: url)
    do {
      return .success(try LockFile.read(url, manifest: "study"))
    } catch let error as PipelineError {
      return .failure(error)
    }
  }

  static func message(_ data: Data) throws -> String {
    switch try read(data) {
    case .success: "accepted"
    case .failure(let error): "\(error)"
    }
  }

  @Test func aValidLockReadsBackAsWritten() throws {
    let lock = try Self.read(Self.lockText()).get()
    let entry = try #require(lock.stages[Self.run])
    #expect(entry.key == Self.hash && entry.seed == 0 && entry.stageVersion == 1)
    #expect(lock.reportFolder == "study.report")
    // The largest seed a JSON number holds exactly is accepted.
    let largest = try Self.read(Self.lockText(Self.entryField("seed", 9_007_199_254_740_992))).get()
    #expect(largest.stages[Self.run]?.seed == 1 << 53)
  }

  /// Values that trapped (SIGILL) converting `Double` to `Int`/`UInt64`, and other out-of-range numbers.
  @Test(arguments: [
    ("seed", -1.0, "seed is -1, outside 0…2^53 = 9007199254740992"),
    ("seed", 1e300, "seed is 1e+300, outside 0…2^53"),
    ("seed", 9_007_199_254_740_994.0, "seed is 9007199254740994, outside 0…2^53"),
    ("seed", 1.5, "seed is 1.5, not an integer"),
    ("stage_version", 1e30, "stage_version is 1e+30, outside 0…2147483647"),
    ("stage_version", -3.0, "stage_version is -3, outside 0…2147483647"),
  ])
  func numbersOutOfRangeAreRefused(field: String, value: Double, expected: String) throws {
    let text = try Self.message(Self.lockText(Self.entryField(field, value)))
    #expect(text.contains("study.lock.json: cannot read ("), "\(text)")
    #expect(text.contains("stages[\"amf/select/seed-0/round-1\"].\(expected)"), "\(text)")
    #expect(text.contains("delete the lock to start afresh"), "\(text)")
  }

  @Test func aNewerSchemaIsRefusedNotRewritten() throws {
    let text = try Self.message(Self.lockText { $0["schema"] = 99 })
    #expect(text.contains("lock schema 99 is newer than this build reads (1); update amf"), "\(text)")
    #expect(try Self.message(Self.lockText { $0["schema"] = 0 }).contains("lock schema 0 is not one this build reads (1)"))
    #expect(try Self.message(Self.lockText { $0["schema"] = 1e300 }).contains("schema is 1e+300, outside"))
    #expect(try Self.message(Self.lockText { $0["schema"] = nil }).contains("schema is missing or not an integer"))
  }

  @Test(arguments: ["../../../../etc/passwd", "AB" + String(repeating: "ab", count: 31), "abc", ""])
  func keysThatAreNotSHA256AreRefused(key: String) throws {
    let text = try Self.message(Self.lockText(Self.entryField("key", key)))
    #expect(text.contains("stages[\"amf/select/seed-0/round-1\"].key is \""), "\(text)")
    #expect(text.contains("not a SHA-256 (64 lowercase hex digits)"), "\(text)")
  }

  @Test func hashesAndOutputRolesAreChecked() throws {
    let input = try Self.message(Self.lockText(Self.entryField("inputs", ["embeddings": "../x"])))
    #expect(input.contains(".inputs[\"embeddings\"] is \"../x\", not a SHA-256"), "\(input)")
    let output = try Self.message(Self.lockText(Self.entryField("outputs", ["selection": Self.hash.uppercased()])))
    #expect(output.contains(".outputs[\"selection\"] is \""), "\(output)")
    let role = try Self.message(Self.lockText(Self.entryField("outputs", ["../../x": Self.hash])))
    #expect(role.contains(".outputs is the role \"../../x\", not a plain name"), "\(role)")
  }

  @Test(arguments: ["../../../../secretdir", "/etc", ".", "./", "a/../../b", ""])
  func reportFoldersOutsideTheLockFolderAreRefused(folder: String) throws {
    let text = try Self.message(Self.lockText { $0["report_folder"] = folder })
    #expect(text.contains("report_folder is \"\(folder)\", not a folder inside the lock's folder"), "\(text)")
  }

  @Test func reportFoldersInsideTheLockFolderAreAccepted() throws {
    for folder in ["study.report", "reports/study", "./study.report"] {
      #expect(try Self.read(Self.lockText { $0["report_folder"] = folder }).get().reportFolder == folder)
    }
  }

  @Test func emptyTruncatedAndNonRegularLocksAreRefused() throws {
    let full = try Self.lockText()
    for data in [Data(), full.prefix(full.count / 2), Data("[]".utf8)] {
      let text = try Self.message(data)
      #expect(text.contains("study.lock.json: cannot read ("), "\(text)")
      #expect(text.contains("delete it to start afresh") || text.contains("delete the lock"), "\(text)")
    }
    let folder = try TemporaryDirectory("lock-fifo")
    defer { folder.remove() }
    let fifo = folder.file("fifo.lock.json")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    #expect(throws: PipelineError.unreadable(
      path: fifo.path, reason: "not a lock file: not a regular file (a FIFO); delete it to start afresh"))
    {
      _ = try LockFile.read(fifo, manifest: "x")
    }
  }

  /// A file of nested brackets ends in an error, not a stack overflow.
  @Test func deeplyNestedJSONIsRefused() throws {
    let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: (any Error).self) { _ = try JSONValue.parse(nested) }
    let within = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
    #expect(throws: Never.self) { _ = try JSONValue.parse(within) }
  }

  /// Every committed lock still reads, so the checks reject nothing the tool writes.
  @Test func everyCommittedLockReads() throws {
    let root = Executables.repositoryRoot.appendingPathComponent("Pipelines")
    let walker = FileManager.default.enumerator(atPath: root.path)
    var count = 0
    while let path = walker?.nextObject() as? String {
      guard path.hasSuffix(".lock.json") else { continue }
      let lock = try LockFile.read(root.appendingPathComponent(path), manifest: "")
      #expect(!lock.stages.isEmpty, "\(path)")
      count += 1
    }
    #expect(count > 10)
  }

  @Test func planFilesWithEscapingRolesOrHugeSeedsAreRefused() throws {
    let folder = try TemporaryDirectory("plan-validation")
    defer { folder.remove() }
    func refusal(_ run: StageRunSpec) throws -> String {
      let url = folder.file("p.plan.json")
      try JSONEncoder().encode(PlanFile(name: "p", runs: [run])).write(to: url)
      do {
        _ = try PlanFile.read(url)
        return "accepted"
      } catch {
        return "\(error)"
      }
    }
    let run = StageRunSpec(name: "a", kind: "pretrain", stageVersion: 1, paramsJSON: "{}", seed: 0, inputs: [:],
                           outputRoles: ["policy"])
    #expect(try refusal(run) == "accepted")
    var escaping = run
    escaping.outputRoles = ["../../etc/x"]
    #expect(try refusal(escaping).contains("output role '../../etc/x' is not a plain name"))
    var huge = run
    huge.seed = UInt64.max
    #expect(try refusal(huge).contains("seed 18446744073709551615 is over 2^53"))
  }
}
