import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// Run records (`<key>.run.json`): their bytes, their fast verification parse, and `RunStatus`.
@Suite struct RunRecordTests {
  static let key = String(repeating: "1", count: 64)
  static let content = String(repeating: "c", count: 64)
  static let bytes = String(repeating: "b", count: 64)

  static func record(status: RunStatus = .succeeded) -> RunRecord {
    var record = RunRecord(
      key: key, name: "select/seed-0/round-1", kind: "select", status: status, exitCode: 0,
      started: "2026-12-05T17:00:00Z", seconds: 1.5, host: "h", executable: "/bin/amf",
      executableSHA256: "e", projectVersion: "0.1 (abc)", log: "/s/11/x.log")
    record.outputs = ["selection": OutputDigest(contentSHA256: content, bytesSHA256: bytes, bytes: 4096)]
    return record
  }

  /// The status values are the bytes older stores hold: a store written before `RunStatus` still reads.
  @Test func statusRawValuesAreTheRecordedStrings() throws {
    #expect(RunStatus.allCases.map(\.rawValue) == ["running", "succeeded", "reused", "failed"])
    #expect(try JSONDecoder().decode([RunStatus].self, from: Data(#"["failed","reused"]"#.utf8)) == [.failed, .reused])
    #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(RunStatus.self, from: Data(#""done""#.utf8)) }
  }

  @Test func bytesAreSortedPrettyJSON() throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let url = folder.file("r.run.json")
    try Self.record().write(to: url)
    let expected = """
      {
        "executable" : "/bin/amf",
        "executable_sha256" : "e",
        "exit_code" : 0,
        "host" : "h",
        "key" : "\(Self.key)",
        "kind" : "select",
        "log" : "/s/11/x.log",
        "name" : "select/seed-0/round-1",
        "outputs" : {
          "selection" : {
            "bytes" : 4096,
            "bytes_sha256" : "\(Self.bytes)",
            "content_sha256" : "\(Self.content)"
          }
        },
        "project_version" : "0.1 (abc)",
        "seconds" : 1.5,
        "started" : "2026-12-05T17:00:00Z",
        "status" : "succeeded"
      }
      """
    #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self) == expected)
    #expect(RunRecord.read(url) == Self.record())
  }

  @Test func verificationOfASucceededAndAFailedRecord() throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let url = folder.file("r.run.json")
    try Self.record().write(to: url)
    let verified = try #require(RunRecord.verification(at: url))
    #expect(verified == RunRecord.Verification(key: Self.key, succeeded: true, outputs: Self.record().outputs))
    try Self.record(status: .failed).write(to: url)
    #expect(RunRecord.verification(at: url)?.succeeded == false)
  }

  /// Records from before issue #17 carry no digests: the outputs are then checked by content hash only.
  @Test func aRecordWithoutDigestsVerifiesWithNilOutputs() throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let url = folder.file("r.run.json")
    var record = Self.record()
    record.outputs = nil
    try record.write(to: url)
    #expect(RunRecord.verification(at: url) == RunRecord.Verification(key: Self.key, succeeded: true, outputs: nil))
  }

  @Test(arguments: [
    "", "{", "[]", #"{"status":"succeeded"}"#, #"{"key":"k"}"#, #"{"key":1,"status":"succeeded"}"#,
    #"{"key":"k","status":"succeeded","outputs":[]}"#,
    #"{"key":"k","status":"succeeded","outputs":{"p":{"content_sha256":"c","bytes_sha256":"b"}}}"#,
    #"{"key":"k","status":"succeeded","outputs":{"p":{"content_sha256":"c","bytes_sha256":"b","bytes":-1}}}"#,
    #"{"key":"k","status":"succeeded","outputs":{"p":{"content_sha256":"c","bytes_sha256":"b","bytes":1.5}}}"#,
    #"{"key":"k","status":"succeeded","outputs":{"p":{"content_sha256":"c","bytes_sha256":"b","bytes":1e16}}}"#,
    #"{"key":"k","status":"succeeded","outputs":{"p":"c"}}"#,
  ])
  func damagedRecordsDoNotVerify(text: String) throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let url = folder.file("r.run.json")
    try Data(text.utf8).write(to: url)
    #expect(RunRecord.verification(at: url) == nil)
  }

  @Test func anUnknownStatusVerifiesAsNotSucceeded() throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let url = folder.file("r.run.json")
    try Data(#"{"key":"k","status":"SUCCEEDED"}"#.utf8).write(to: url)
    #expect(RunRecord.verification(at: url) == RunRecord.Verification(key: "k", succeeded: false, outputs: nil))
    #expect(RunRecord.read(url) == nil)
    #expect(RunRecord.verification(at: folder.file("missing.run.json")) == nil)
  }

  /// Records over 1 MiB are not read at all.
  @Test func anOversizedRecordIsRefused() throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let url = folder.file("r.run.json")
    let padding = String(repeating: " ", count: 1 << 20)
    try Data((#"{"key":"k","status":"succeeded"}"# + padding).utf8).write(to: url)
    #expect(RunRecord.verification(at: url) == nil)
  }

  @Test func contextHashesTheExecutableOnFirstUseOnly() throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let executable = folder.file("stage")
    try Data("abc".utf8).write(to: executable)
    let context = RunContext(executable: executable)
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    #expect(context.executableSHA256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(context.executable == executable.path)
    #expect(RunContext(executable: executable, knownSHA256: "given").executableSHA256 == "given")
    #expect(RunContext(executable: folder.file("none")).executableSHA256 == "unknown")
  }

  @Test func outputDigestOfAFile() throws {
    let folder = try TemporaryDirectory("amf-record")
    defer { folder.remove() }
    let url = folder.file("out")
    try Data("abc".utf8).write(to: url)
    let digest = try OutputDigest(of: url, contentSHA256: "content")
    #expect(digest == OutputDigest(
      contentSHA256: "content", bytesSHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", bytes: 3))
    #expect(try digest.matchesBytes(of: url))
    try Data("abd".utf8).write(to: url)
    #expect(try !digest.matchesBytes(of: url))
    try Data("abcd".utf8).write(to: url)
    #expect(try !digest.matchesBytes(of: url))
    #expect(throws: FileSystemError.self) { _ = try digest.matchesBytes(of: folder.file("missing")) }
    // The empty file: SHA-256 of no bytes.
    try Data().write(to: url)
    let empty = try OutputDigest.bytesHash(of: url)
    #expect(empty.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(empty.bytes == 0)
  }
}
