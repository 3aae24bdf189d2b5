import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// Reproduction packages: the members under their paths, a `sha256sum -c` list, and nothing on failure.
@Suite struct ArchiveBuilderTests {
  // SHA-256 of "abc" and of "hello\n" (FIPS 180-2 B.1; `printf 'hello\n' | sha256sum`).
  static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
  static let hello = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

  static func members(_ folder: TemporaryDirectory) throws -> [ArchiveBuilder.Member] {
    try Data("abc".utf8).write(to: folder.file("lock.json"))
    let report = folder.file("report")
    try FileManager.default.createDirectory(at: report.appendingPathComponent("figures"), withIntermediateDirectories: true)
    try Data("hello\n".utf8).write(to: report.appendingPathComponent("report.md"))
    try Data("abc".utf8).write(to: report.appendingPathComponent("figures/auc.svg"))
    return [
      ArchiveBuilder.Member(source: folder.file("lock.json"), path: "Pipelines/study.lock.json"),
      ArchiveBuilder.Member(source: report, path: "Pipelines/study.report"),
      // The same path twice is archived once.
      ArchiveBuilder.Member(source: folder.file("lock.json"), path: "Pipelines/study.lock.json"),
    ]
  }

  @Test func theArchiveHoldsEveryMemberAndItsChecksums() throws {
    let folder = try TemporaryDirectory("amf-archive")
    defer { folder.remove() }
    let output = folder.file("out/study.tar.gz")
    try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
    let paths = try ArchiveBuilder(members: Self.members(folder)).write(to: output)
    #expect(paths == [
      "Pipelines/study.lock.json", "Pipelines/study.report/figures/auc.svg", "Pipelines/study.report/report.md",
      "SHA256SUMS",
    ])
    let extracted = folder.file("x")
    try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/bin/tar")
    tar.arguments = ["xzf", output.path, "-C", extracted.path]
    try tar.run()
    tar.waitUntilExit()
    #expect(tar.terminationStatus == 0)
    let sums = try String(contentsOf: extracted.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
    #expect(sums == """
      \(Self.abc)  Pipelines/study.lock.json
      \(Self.abc)  Pipelines/study.report/figures/auc.svg
      \(Self.hello)  Pipelines/study.report/report.md

      """)
    #expect(try Data(contentsOf: extracted.appendingPathComponent("Pipelines/study.report/report.md")) == Data("hello\n".utf8))
    // No staging folder is left beside the archive.
    #expect(try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path) == ["study.tar.gz"])
    #expect(try ArchiveBuilder.sha256(of: folder.file("lock.json")) == Self.abc)
  }

  @Test func aMissingMemberIsNamed() throws {
    let folder = try TemporaryDirectory("amf-archive")
    defer { folder.remove() }
    let missing = folder.file("store/ab/none.h5")
    let builder = ArchiveBuilder(members: [ArchiveBuilder.Member(source: missing, path: "store/ab/none.h5")])
    #expect(throws: PipelineError.archiveIncomplete(path: missing.path, reason: "no such file")) {
      _ = try builder.write(to: folder.file("a.tar.gz"))
    }
    #expect(!FileManager.default.fileExists(atPath: folder.file("a.tar.gz").path))
  }

  /// A failing tar leaves no archive (and no staging folder) behind, and says which tool failed.
  @Test func aFailingTarLeavesNothing() throws {
    let folder = try TemporaryDirectory("amf-archive")
    defer { folder.remove() }
    let builder = ArchiveBuilder(members: try Self.members(folder), tar: URL(fileURLWithPath: "/usr/bin/false"))
    #expect(throws: PipelineError.toolFailed(tool: "/usr/bin/false", status: 1, detail: "")) {
      _ = try builder.write(to: folder.file("a.tar.gz"))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
    #expect(left == ["lock.json", "report"])
  }
}
