import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

@Suite struct AtomicWriteTests {
  @Test func failedProducerLeavesNothing() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    struct Boom: Error {}
    #expect(throws: Boom.self) {
      try AtomicFile.write(to: folder.file("out.h5")) { temporary in
        try Data("partial".utf8).write(to: temporary)
        throw Boom()
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
  }

  @Test func replacesAnExistingFileAndCreatesFolders() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.url.appendingPathComponent("a/b/out.txt")
    try AtomicFile.write(to: url) { try Data("one".utf8).write(to: $0) }
    try AtomicFile.write(to: url) { try Data("two".utf8).write(to: $0) }
    #expect(try String(contentsOf: url, encoding: .utf8) == "two")
    #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["out.txt"])
  }

  /// `kill -9` of a writer while its temporary exists leaves no file at the destination; the
  /// leftover temporary belongs to a dead process and is cleaned up.
  @Test func killedWriterLeavesNoDestination() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let destination = folder.file("big.h5")
    // 64 Mi float32 values (256 MiB): the HDF5 write alone takes far longer than the 5 ms polling interval.
    let process = try Executables.start("amf-bench", ["write", "--elements", "67108864", "--output", destination.path])
    var sawTemporary = false
    for _ in 0..<24_000 {  // up to two minutes on a loaded machine
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.url.path)) ?? []
      if names.contains(where: { $0.contains(AtomicFile.temporaryMarker) }) {
        sawTemporary = true
        break
      }
      if !process.isRunning { break }
      Thread.sleep(forTimeInterval: 0.005)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(sawTemporary, "the writer never created its temporary file")
    #expect(!FileManager.default.fileExists(atPath: destination.path))
    let removed = AtomicFile.removeLeftovers(in: folder.url)
    #expect(removed.count == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
  }

  @Test func leftoversOfLiveProcessesAreKept() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let mine = AtomicFile.temporaryURL(for: folder.file("x.h5"))
    try Data().write(to: mine)
    #expect(AtomicFile.removeLeftovers(in: folder.url).isEmpty)
    #expect(FileManager.default.fileExists(atPath: mine.path))
  }
}
