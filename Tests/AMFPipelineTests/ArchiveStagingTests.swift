import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// `archive` removes the staging folders of killed `archive` runs, and only those.
@Suite struct ArchiveStagingTests {
  @Test func onlyStagingFoldersOfDeadProcessesAreRemoved() throws {
    let folder = try TemporaryDirectory("archive-staging")
    defer { folder.remove() }
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/bin/true")
    try child.run()
    child.waitUntilExit()
    let dead = ".a.tar.gz.staging.\(child.processIdentifier)"
    let names = [dead, ".b.tar.gz.staging.\(getpid())", ".c.tar.gz.staging.1", "d.staging.x", ".e.staging.notapid"]
    for name in names {
      try FileManager.default.createDirectory(at: folder.file(name).appendingPathComponent("store"),
                                              withIntermediateDirectories: true)
    }
    #expect(ArchiveBuilder.removeStaleStaging(in: folder.url) == [dead])
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
    #expect(left == names.filter { $0 != dead }.sorted())
  }
}
