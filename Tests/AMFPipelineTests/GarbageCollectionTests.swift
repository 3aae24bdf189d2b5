import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// `gc` on a real store: exactly the keys no lock names go, in-use keys stay, a dry run deletes nothing.
@Suite struct GarbageCollectionTests {
  /// A chain run twice, with evaluate's parameters changed in between: the first evaluate and report keys
  /// are then referenced by no lock. Returns the fixture and those two keys.
  static func supersededStore() async throws -> (StalenessTests.Fixture, Set<String>) {
    let fixture = try StalenessTests.Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let before = fixture.lock
    let index = try #require(fixture.runs.firstIndex { $0.name == "evaluate/seed-0/round-1" })
    fixture.runs[index].paramsJSON = #"{"episodes":8}"#
    try await fixture.run()
    #expect(fixture.runner.executedNames == ["evaluate/seed-0/round-1", "report"])
    let old = Set(["evaluate/seed-0/round-1", "report"].compactMap { before.stages[$0]?.key })
    #expect(old.count == 2 && old.isDisjoint(with: fixture.lock.stages.values.map(\.key)))
    return (fixture, old)
  }

  @Test func aDryRunListsExactlyTheUnreferencedKeysAndDeletesNothing() async throws {
    let (fixture, old) = try await Self.supersededStore()
    let entriesBefore = fixture.store.entries()
    #expect(entriesBefore.count == 7)
    let report = try GarbageCollector(store: fixture.store, locks: [fixture.lockURL]).collect(dryRun: true)
    #expect(Set(report.removed.map(\.key)) == old)
    #expect(report.kept == 5 && report.referenced == 5 && report.busy.isEmpty && report.dryRun)
    #expect(report.bytesFreed == report.removed.reduce(0) { $0 + $1.bytes } && report.bytesFreed > 0)
    #expect(fixture.store.entries() == entriesBefore)
  }

  @Test func collectingRemovesEveryFileOfTheUnreferencedKeys() async throws {
    let (fixture, old) = try await Self.supersededStore()
    let report = try GarbageCollector(store: fixture.store, locks: [fixture.lockURL]).collect(dryRun: false)
    #expect(Set(report.removed.map(\.key)) == old)
    for entry in report.removed {
      for url in entry.files { #expect(!FileManager.default.fileExists(atPath: url.path), "\(url.path)") }
      #expect(!FileManager.default.fileExists(atPath: fixture.store.lockURL(key: entry.key).path))
    }
    #expect(Set(fixture.store.entries().map(\.key)) == Set(fixture.lock.stages.values.map(\.key)))
    // What the lock references is untouched: nothing is stale, and a second gc finds nothing.
    #expect(try fixture.states().values.allSatisfy { if case .upToDate = $0 { true } else { false } })
    let again = try GarbageCollector(store: fixture.store, locks: [fixture.lockURL]).collect(dryRun: false)
    #expect(again.removed.isEmpty && again.kept == 5)
  }

  /// An unreferenced key whose marker names this live process is busy: kept, and listed as such.
  @Test func aKeyWithALiveMarkerIsBusy() async throws {
    let (fixture, old) = try await Self.supersededStore()
    let busy = try #require(old.sorted().first)
    try Data("\(getpid()) \(Store.hostName)\n".utf8).write(to: fixture.store.markerURL(key: busy))
    #expect(fixture.store.hasLiveMarker(key: busy) && !fixture.store.hasStaleMarker(key: busy))
    let report = try GarbageCollector(store: fixture.store, locks: [fixture.lockURL]).collect(dryRun: false)
    #expect(report.busy == [busy])
    #expect(report.removed.map(\.key) == old.subtracting([busy]).sorted())
    #expect(FileManager.default.fileExists(atPath: fixture.store.recordURL(key: busy).path))
  }

  /// A marker of a process that is gone is stale, and `recover` removes it.
  @Test func aDeadProcessesMarkerIsStale() throws {
    let folder = try TemporaryDirectory("amf-gc-marker")
    defer { folder.remove() }
    let store = Store(root: folder.file("store"))
    let key = String(repeating: "d", count: 64)
    try FileManager.default.createDirectory(at: store.folder(for: key), withIntermediateDirectories: true)
    // pid_max on Linux is at most 2^22, so this pid never runs.
    try Data("99999999 \(Store.hostName)\n".utf8).write(to: store.markerURL(key: key))
    #expect(store.hasStaleMarker(key: key) && !store.hasLiveMarker(key: key))
    // A marker from another host is never judged from here.
    try Data("99999999 another-host\n".utf8).write(to: store.markerURL(key: key))
    #expect(!store.hasStaleMarker(key: key) && store.hasLiveMarker(key: key))
    try Data("99999999 \(Store.hostName)\n".utf8).write(to: store.markerURL(key: key))
    #expect(store.recover() == 1)
    #expect(!FileManager.default.fileExists(atPath: store.markerURL(key: key).path))
  }

  /// `gc` does not run while a `run` holds the store (shared).
  @Test func aRunningRunMakesTheStoreBusy() async throws {
    let (fixture, _) = try await Self.supersededStore()
    let held = try #require(try fixture.store.useLock(exclusive: false, wait: true))
    defer { held.release() }
    #expect(throws: PipelineError.storeBusy(store: fixture.store.root.path)) {
      _ = try GarbageCollector(store: fixture.store, locks: [fixture.lockURL]).collect(dryRun: true)
    }
  }

  @Test func storeLayout() {
    let store = Store(root: URL(fileURLWithPath: "/s"))
    let key = "ab" + String(repeating: "0", count: 62)
    #expect(store.folder(for: key).path == "/s/ab")
    #expect(store.recordURL(key: key).path == "/s/ab/\(key).run.json")
    #expect(store.logURL(key: key).path == "/s/ab/\(key).log")
    #expect(store.markerURL(key: key).path == "/s/ab/\(key).running")
    #expect(store.lockURL(key: key).path == "/s/ab/\(key).lock")
    #expect(store.quarantine.path == "/s/quarantine")
    #expect(Store.isKey(Substring(key)) && !Store.isKey("AB" + key.dropFirst(2)) && !Store.isKey(key.dropLast()))
  }
}
