import AMFCore
import AMFTestSupport
import Foundation
import Testing

@Suite struct SidecarFolderTests {
  @Test func sidecarOfAnArtifactDropsTheH5Extension() {
    #expect(SidecarFolder.url(for: URL(fileURLWithPath: "/a/b/study.h5")).path == "/a/b/study.files")
    #expect(SidecarFolder.url(for: URL(fileURLWithPath: "/a/out")).path == "/a/out.files")
  }

  @Test func writeReplacesTheWholeFolderAndLeavesNoTemporaries() throws {
    let folder = try TemporaryDirectory("amf-sidecar")
    defer { folder.remove() }
    let target = folder.file("x.files")
    try SidecarFolder.write(["a.txt": Data("1".utf8), "b.txt": Data("2".utf8)], to: target)
    try SidecarFolder.write(["c.txt": Data("3".utf8)], to: target)
    #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["c.txt"])
    let copy = folder.file("published")
    try SidecarFolder.copy(target, to: copy)
    try SidecarFolder.copy(target, to: copy)
    #expect(try Data(contentsOf: copy.appendingPathComponent("c.txt")) == Data("3".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["published", "x.files"])
  }

  /// A folder being written by a process that died (pid 2³¹ − 1 never runs) is a leftover like a file.
  @Test func leftoverTemporaryFoldersOfDeadProcessesAreRemoved() throws {
    let folder = try TemporaryDirectory("amf-sidecar-leftover")
    defer { folder.remove() }
    let dead = folder.file(".x.files\(AtomicFile.temporaryMarker)2147483647.abcd")
    try FileManager.default.createDirectory(at: dead, withIntermediateDirectories: true)
    try Data("partial".utf8).write(to: dead.appendingPathComponent("report.md"))
    #expect(AtomicFile.removeLeftovers(in: folder.url).map(\.lastPathComponent) == [dead.lastPathComponent])
    #expect(!FileManager.default.fileExists(atPath: dead.path))
  }
}
