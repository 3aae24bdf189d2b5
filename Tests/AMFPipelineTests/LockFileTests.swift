import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// The lock file's bytes, its round trip, its path, and `update`'s read-modify-write under the writer lock.
@Suite struct LockFileTests {
  static let a = String(repeating: "a", count: 64)
  static let b = String(repeating: "b", count: 64)
  static let c = String(repeating: "c", count: 64)

  static func sample() -> LockFile {
    var lock = LockFile(manifest: "no-is", stages: [
      "select/seed-0/round-1": LockFile.Entry(
        kind: "select", key: a, stageVersion: 2, seed: 5,
        params: .object(["batch": .number(2), "strategy": .string("amf"), "rate": .number(0.25)]),
        inputs: ["embeddings": b], outputs: ["selection": c]),
    ])
    lock.reportFolder = "no-is.report"
    return lock
  }

  /// The committed format: pretty-printed, sorted keys, unescaped slashes, integers as integers, newline.
  @Test func bytesAreTheCommittedFormat() throws {
    let folder = try TemporaryDirectory("amf-lockfile")
    defer { folder.remove() }
    let url = folder.file("no-is.lock.json")
    try Self.sample().write(to: url)
    let expected = """
      {
        "manifest" : "no-is",
        "report_folder" : "no-is.report",
        "schema" : 1,
        "stages" : {
          "select/seed-0/round-1" : {
            "inputs" : {
              "embeddings" : "\(Self.b)"
            },
            "key" : "\(Self.a)",
            "kind" : "select",
            "outputs" : {
              "selection" : "\(Self.c)"
            },
            "params" : {
              "batch" : 2,
              "rate" : 0.25,
              "strategy" : "amf"
            },
            "seed" : 5,
            "stage_version" : 2
          }
        }
      }

      """
    #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self) == expected)
    #expect(try LockFile.read(url, manifest: "ignored") == Self.sample())
  }

  @Test func aLockWithoutReportFolderOmitsTheField() throws {
    let folder = try TemporaryDirectory("amf-lockfile")
    defer { folder.remove() }
    var lock = Self.sample()
    lock.reportFolder = nil
    try lock.write(to: folder.file("x.lock.json"))
    let text = String(decoding: try Data(contentsOf: folder.file("x.lock.json")), as: UTF8.self)
    #expect(!text.contains("report_folder"))
    #expect(try LockFile.read(folder.file("x.lock.json"), manifest: "no-is") == lock)
  }

  @Test func aMissingLockIsEmpty() throws {
    let folder = try TemporaryDirectory("amf-lockfile")
    defer { folder.remove() }
    let lock = try LockFile.read(folder.file("none.lock.json"), manifest: "study")
    #expect(lock == LockFile(manifest: "study"))
    #expect(lock.schema == 1 && lock.reportFolder == nil && lock.stages.isEmpty)
  }

  @Test(arguments: [
    ("/p/no-is.yaml", "/p/no-is.lock.json"), ("/p/a.yml", "/p/a.lock.json"), ("/p/s.plan.json", "/p/s.lock.json"),
    ("/p/s.json", "/p/s.lock.json"), ("/p/noext", "/p/noext.lock.json"), ("/p/a.b.yaml", "/p/a.b.lock.json"),
  ])
  func lockPathForManifest(manifest: String, lock: String) {
    #expect(LockFile.url(forManifest: URL(fileURLWithPath: manifest)).path == lock)
  }

  @Test func writerLockIsAHiddenSibling() {
    let url = LockFile.writerLockURL(for: URL(fileURLWithPath: "/p/studies/x.lock.json"))
    #expect(url.path == "/p/studies/.x.lock.json.flock")
  }

  @Test func updateCreatesMergesAndReturnsWhatItWrote() throws {
    let folder = try TemporaryDirectory("amf-lockfile")
    defer { folder.remove() }
    let url = folder.file("sub/study.lock.json")
    let created = try LockFile.update(at: url, manifest: "study") { _ in }
    #expect(created == LockFile(manifest: "study"))
    #expect(FileManager.default.fileExists(atPath: url.path))
    #expect(FileManager.default.fileExists(atPath: LockFile.writerLockURL(for: url).path))
    let entry = try #require(Self.sample().stages["select/seed-0/round-1"])
    try LockFile.update(at: url, manifest: "study") { $0.stages["one"] = entry }
    let merged = try LockFile.update(at: url, manifest: "study") { $0.stages["two"] = entry }
    #expect(merged.stages.keys.sorted() == ["one", "two"])
    #expect(try LockFile.read(url, manifest: "study") == merged)
  }

  /// A change that changes nothing does not rewrite the file (a no-op run leaves a committed lock alone).
  @Test func updateWithoutChangeLeavesTheBytes() throws {
    let folder = try TemporaryDirectory("amf-lockfile")
    defer { folder.remove() }
    let url = folder.file("study.lock.json")
    let compact = """
      {"manifest":"study","schema":1,"stages":{"r":{"inputs":{},"key":"\(Self.a)","kind":"k","outputs":{},\
      "params":null,"seed":0,"stage_version":1}}}
      """
    try Data(compact.utf8).write(to: url)
    let lock = try LockFile.update(at: url, manifest: "study") { $0.stages["r"]?.seed = 0 }
    #expect(lock.stages["r"]?.key == Self.a)
    #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self) == compact)
    try LockFile.update(at: url, manifest: "study") { $0.stages["r"]?.seed = 1 }
    #expect(try LockFile.read(url, manifest: "study").stages["r"]?.seed == 1)
    #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self) != compact)
  }

  /// An error thrown by the change leaves the lock as it was.
  @Test func aFailingChangeWritesNothing() throws {
    let folder = try TemporaryDirectory("amf-lockfile")
    defer { folder.remove() }
    let url = folder.file("study.lock.json")
    try Self.sample().write(to: url)
    let before = try Data(contentsOf: url)
    #expect(throws: PipelineError.invalidParams(run: "r", reason: "x")) {
      try LockFile.update(at: url, manifest: "no-is") { lock in
        lock.stages.removeAll()
        throw PipelineError.invalidParams(run: "r", reason: "x")
      }
    }
    #expect(try Data(contentsOf: url) == before)
  }

  @Test func hashesAndNames() {
    #expect(LockFile.isHash(Self.a))
    #expect(LockFile.isHash("0123456789abcdef" + String(repeating: "0", count: 48)))
    #expect(!LockFile.isHash(String(repeating: "A", count: 64)))
    #expect(!LockFile.isHash(String(repeating: "a", count: 63)))
    #expect(!LockFile.isHash(String(repeating: "g", count: 64)))
    for name in ["policy", "demonstrations", "log_weights", "evaluation-3", "X9"] { #expect(LockFile.isPlainName(name), "\(name)") }
    for name in ["", "a.b", "a/b", "../x", "sp ace", "θ", "a\0"] { #expect(!LockFile.isPlainName(name), "\(name)") }
  }

  @Test func reportFolderMustStayInsideTheLocksFolder() throws {
    for good in ["study.report", "reports/study", "./study.report"] {
      #expect(try LockFile.relativeFolder(good, field: "report_folder") == good)
    }
    for bad in ["/tmp/x", "../x", "a/../../x", ".", "", "./.", "a\0b"] {
      #expect(throws: (any Error).self, "\(bad)") { _ = try LockFile.relativeFolder(bad, field: "report_folder") }
    }
  }

  @Test func quotingAndNumbersInMessages() {
    #expect(LockFile.quoted(#"a"b\c"#) == #""a\"b\\c""#)
    #expect(LockFile.quoted(String(repeating: "x", count: 81)) == "\"" + String(repeating: "x", count: 80) + "…\"")
    #expect(LockFile.describe(-1) == "-1")
    #expect(LockFile.describe(1e300) == "1e+300")
    #expect(LockFile.describe(0.5) == "0.5")
  }
}
