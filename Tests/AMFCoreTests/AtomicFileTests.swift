import AMFTestSupport
import Foundation
import Testing

@testable import AMFCore

/// Atomic and plain writes, their errors, and the other small file helpers of AMFCore.
@Suite struct AtomicFileTests {
  @Test func writesDataDurablyOrNotAndLeavesNoTemporary() throws {
    let folder = try TemporaryDirectory("amf-atomic")
    defer { folder.remove() }
    try AtomicFile.write(Data("one".utf8), to: folder.file("a/out.txt"))
    try AtomicFile.write(Data("two".utf8), to: folder.file("a/out.txt"), durable: false)
    AtomicFile.syncAll()
    #expect(try String(contentsOf: folder.file("a/out.txt"), encoding: .utf8) == "two")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("a").path) == ["out.txt"])
  }

  /// `.<name>.amf-tmp.<pid>.<8 characters>` beside the destination.
  @Test func temporaryNamesCarryTheMarkerAndPid() {
    let destination = URL(fileURLWithPath: "/tmp/x/out.h5")
    let temporary = AtomicFile.temporaryURL(for: destination)
    #expect(temporary.deletingLastPathComponent().path == "/tmp/x")
    let prefix = ".out.h5.amf-tmp.\(getpid())."
    #expect(temporary.lastPathComponent.hasPrefix(prefix))
    #expect(temporary.lastPathComponent.count == prefix.count + 8)
    #expect(AtomicFile.temporaryURL(for: destination) != temporary)
  }

  /// A destination under a regular file cannot get its folder: the error names the folder and the step.
  @Test func folderThatIsAFileIsNamed() throws {
    let folder = try TemporaryDirectory("amf-atomic")
    defer { folder.remove() }
    try Data("x".utf8).write(to: folder.file("blocker"))
    #expect {
      try AtomicFile.write(Data("y".utf8), to: folder.file("blocker/out.txt"))
    } throws: { error in
      guard let error = error as? FileSystemError else { return false }
      return error.path == folder.file("blocker").path && error.operation == "create folder"
    }
  }

  @Test func plainWriteErrorsComeFromErrno() throws {
    let path = "/nonexistent-amf-folder/file.txt"
    #expect(throws: FileSystemError(path: path, operation: "open for writing", reason: "No such file or directory")) {
      try PlainFile.write(Data("x".utf8), to: URL(fileURLWithPath: path))
    }
    #expect(FileSystemError(path: "p", operation: "rename", reason: "r").description == "p: rename failed: r")
  }

  /// Only `.`-prefixed names with the marker and a dead pid go; a bad pid field is kept.
  @Test func leftoverCleanupIsSelective() throws {
    let folder = try TemporaryDirectory("amf-atomic")
    defer { folder.remove() }
    let names = ["plain.txt", "x\(AtomicFile.temporaryMarker)2147483647.a", ".y\(AtomicFile.temporaryMarker)notapid.b",
                 ".z\(AtomicFile.temporaryMarker)2147483647.c"]
    for name in names { try Data().write(to: folder.file(name)) }
    #expect(AtomicFile.removeLeftovers(in: folder.url).map(\.lastPathComponent) == [names[3]])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == names.prefix(3).sorted())
  }

  @Test func sidecarContentsCompareByBytes() throws {
    let folder = try TemporaryDirectory("amf-sidecar-compare")
    defer { folder.remove() }
    let (a, b) = (folder.file("a.files"), folder.file("b.files"))
    try SidecarFolder.write(["r.md": Data("1".utf8), "bad/name": Data("2".utf8), "": Data()], to: a)
    #expect(try FileManager.default.contentsOfDirectory(atPath: a.path) == ["r.md"])
    try SidecarFolder.write(["r.md": Data("1".utf8)], to: b)
    #expect(SidecarFolder.sameContents(a, b))
    try SidecarFolder.write(["r.md": Data("2".utf8)], to: b)
    #expect(!SidecarFolder.sameContents(a, b))
    #expect(!SidecarFolder.sameContents(a, folder.file("missing")))
    #expect(SidecarFolder.remove(folder.file("missing")) && SidecarFolder.remove(b))
    #expect(!FileManager.default.fileExists(atPath: b.path))
  }

  @Test func blasKernelPin() {
    #expect(BLASKernel.toPin(environment: [:]) == "Haswell")
    #expect(BLASKernel.toPin(environment: ["OPENBLAS_CORETYPE": "Zen"]) == nil)
    #expect(BLASKernel.toPin(environment: ["AMF_BLAS_KERNEL": "native"]) == nil)
    #expect(BLASKernel.toPin(environment: ["AMF_BLAS_KERNEL": "Sandybridge"]) == "Sandybridge")
  }
}
