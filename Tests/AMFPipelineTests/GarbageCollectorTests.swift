import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// Which locks `gc` considers, and that it refuses to guess when a named lock is missing.
@Suite struct GarbageCollectorTests {
  @Test func discoversLocksUnderPipelinesAndInTheWorkingDirectory() throws {
    let folder = try TemporaryDirectory("amf-gc")
    defer { folder.remove() }
    let pipelines = folder.file("Pipelines")
    try FileManager.default.createDirectory(at: pipelines.appendingPathComponent("ablations"),
                                            withIntermediateDirectories: true)
    for path in ["Pipelines/ablations/no-is.lock.json", "Pipelines/amf.lock.json", "top.lock.json",
                 "Pipelines/ablations/no-is.yaml"] {
      try Data("{}".utf8).write(to: folder.file(path))
    }
    let found = GarbageCollector.discoverLocks(pipelinesFolder: pipelines, workingDirectory: folder.url)
    #expect(found.map(\.lastPathComponent) == ["no-is.lock.json", "amf.lock.json", "top.lock.json"])
  }

  @Test func aMissingLockIsAnError() throws {
    let folder = try TemporaryDirectory("amf-gc")
    defer { folder.remove() }
    let collector = GarbageCollector(store: Store(root: folder.file("store")), locks: [folder.file("x.lock.json")])
    #expect(throws: PipelineError.self) { try collector.collect(dryRun: true) }
  }

  @Test func storeEntriesGroupFilesByKey() throws {
    let folder = try TemporaryDirectory("amf-gc")
    defer { folder.remove() }
    let store = Store(root: folder.file("store"))
    let key = String(repeating: "ab", count: 32)
    try FileManager.default.createDirectory(at: store.folder(for: key), withIntermediateDirectories: true)
    for name in ["\(key).h5", "\(key).run.json", "\(key).log", ".\(key).h5.amf-tmp.1.x", "README"] {
      try Data("12345".utf8).write(to: store.folder(for: key).appendingPathComponent(name))
    }
    let entries = store.entries()
    #expect(entries.map(\.key) == [key])
    #expect(entries.first?.bytes == 15)
    #expect(try store.resolve(keyPrefix: "abab") == store.outputURL(key: key, role: "x", roles: ["x"]))
    #expect(throws: PipelineError.self) { try store.resolve(keyPrefix: "cd") }
  }
}
