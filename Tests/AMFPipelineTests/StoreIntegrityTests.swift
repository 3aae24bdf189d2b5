import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// Issue #17: the store trusts a file at a key only while its bytes are the ones that key's run wrote;
/// run records survive a kill; `gc` and `run` never race.
@Suite struct StoreIntegrityTests {
  typealias Fixture = StalenessTests.Fixture

  func outputURL(_ fixture: Fixture, _ name: String, role: String, roles: [String]) throws -> URL {
    let key = try #require(try fixture.states()[name]?.key)
    return fixture.store.outputURL(key: key, role: role, roles: roles)
  }

  /// Every run record names its outputs' sizes, byte digests and content hashes, which the lock repeats.
  @Test func recordsCarryByteDigests() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let entry = try #require(fixture.lock.stages["evaluate/seed-0/round-1"])
    let record = try #require(RunRecord.read(fixture.store.recordURL(key: entry.key)))
    let digest = try #require(record.outputs?["evaluation"])
    let url = fixture.store.outputURL(key: entry.key, role: "evaluation", roles: ["evaluation"])
    let bytes = try Data(contentsOf: url)
    #expect(digest.bytes == Int64(bytes.count))
    #expect(digest.bytesSHA256 == (try FileBytesHasher().contentHash(of: url)))
    #expect(digest.contentSHA256 == entry.outputs["evaluation"])
    #expect(record.key == entry.key && record.status == .succeeded)
  }

  /// Another *valid* output copied over a key (the laundering of issue #17): the owning run is recomputed,
  /// the foreign file moved aside, nothing downstream reruns, and the lock keeps the original hashes.
  @Test func aForeignFileAtAKeyIsRecomputedNotLaundered() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 2))
    try await fixture.run()
    let before = fixture.lock
    let owner = try outputURL(fixture, "select/seed-0/round-1", role: "selection", roles: ["selection"])
    let other = try outputURL(fixture, "select/seed-0/round-2", role: "selection", roles: ["selection"])
    let foreign = try Data(contentsOf: other)
    try FileManager.default.removeItem(at: owner)
    try foreign.write(to: owner)
    #expect(try fixture.reason("select/seed-0/round-1")?.hasPrefix("artifact is not what its run wrote") == true)
    let summary = try await fixture.run()
    #expect(fixture.runner.executedNames == ["select/seed-0/round-1"])
    #expect(summary.failures.isEmpty)
    #expect(fixture.lock == before)
    let moved = try FileManager.default.contentsOfDirectory(atPath: fixture.store.quarantine.path)
    #expect(moved.count == 1 && moved[0].hasPrefix(owner.lastPathComponent + "."))
    #expect(try Data(contentsOf: fixture.store.quarantine.appendingPathComponent(moved[0])) == foreign)
    let report = LockVerifier(store: fixture.store, hasher: FileBytesHasher()).verify(fixture.lock)
    #expect(report.findings.isEmpty)
    // gc lists the moved-aside file and keeps it.
    let collected = try GarbageCollector(store: fixture.store, locks: [fixture.lockURL]).collect(dryRun: false)
    #expect(collected.removed.isEmpty)
    #expect(collected.quarantined.map(\.bytes) == [Int64(foreign.count)])
    #expect(FileManager.default.fileExists(atPath: fixture.store.quarantine.appendingPathComponent(moved[0]).path))
  }

  /// An output whose run record is gone (a kill between the stage's exit and the record): recomputed, and
  /// `verify` is clean afterwards.
  @Test func anOutputWithoutItsRecordIsRecomputed() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let key = try #require(fixture.lock.stages["finetune/seed-0/round-1"]?.key)
    try FileManager.default.removeItem(at: fixture.store.recordURL(key: key))
    let verifier = LockVerifier(store: fixture.store, hasher: FileBytesHasher())
    #expect(verifier.verify(fixture.lock).findings.map(\.problem) == [.runRecordMissing])
    #expect(try fixture.reason("finetune/seed-0/round-1") == "run record missing; run recomputes the output")
    try await fixture.run()
    #expect(fixture.runner.executedNames == ["finetune/seed-0/round-1"])
    #expect(verifier.verify(fixture.lock).findings.isEmpty)
  }

  /// `verify` reports a flipped byte without parsing the file, and a record of another key as missing.
  @Test func verifyChecksBytesAgainstTheRecord() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let entry = try #require(fixture.lock.stages["pretrain/seed-0"])
    let url = fixture.store.outputURL(key: entry.key, role: "policy", roles: ["demonstrations", "policy"])
    var bytes = try Data(contentsOf: url)
    bytes[0] ^= 0x01
    try bytes.write(to: url)
    let verifier = LockVerifier(store: fixture.store, hasher: FileBytesHasher())
    let findings = verifier.verify(fixture.lock).findings
    #expect(findings.count == 1)
    #expect(findings.first?.role == "policy")
    if case .corrupt(let detail)? = findings.first?.problem {
      #expect(detail.contains("not the ones its run wrote"))
    } else {
      Issue.record("expected a corrupt finding, got \(findings)")
    }
    let otherKey = try #require(fixture.lock.stages["report"]?.key)
    try FileManager.default.removeItem(at: fixture.store.recordURL(key: entry.key))
    try FileManager.default.copyItem(at: fixture.store.recordURL(key: otherKey), to: fixture.store.recordURL(key: entry.key))
    #expect(verifier.verify(fixture.lock).findings.contains { $0.problem == .runRecordMissing && $0.run == "pretrain/seed-0" })
  }

  /// `gc` refuses while a `run` holds the store shared, and runs do not block each other.
  @Test func gcRefusesWhileARunHoldsTheStore() async throws {
    let fixture = try Fixture(TestPlans.chain(rounds: 1))
    try await fixture.run()
    let held = try #require(try fixture.store.useLock(exclusive: false, wait: false))
    let second = try #require(try fixture.store.useLock(exclusive: false, wait: false))
    let collector = GarbageCollector(store: fixture.store, locks: [fixture.lockURL])
    #expect(throws: PipelineError.storeBusy(store: fixture.store.root.path)) { try collector.collect(dryRun: false) }
    held.release()
    second.release()
    #expect(try collector.collect(dryRun: false).removed.isEmpty)
    let exclusive = try #require(try fixture.store.useLock(exclusive: true, wait: false))
    #expect(try fixture.store.useLock(exclusive: false, wait: false) == nil)
    exclusive.release()
  }

  /// The byte digest of a known text: SHA-256 of "abc" (FIPS 180-2, appendix B.1).
  @Test func bytesHashOfAKnownText() throws {
    let folder = try TemporaryDirectory("amf-digest")
    defer { folder.remove() }
    let url = folder.file("abc")
    try Data("abc".utf8).write(to: url)
    let (hash, size) = try OutputDigest.bytesHash(of: url)
    #expect(hash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(size == 3)
    let digest = OutputDigest(contentSHA256: String(repeating: "0", count: 64), bytesSHA256: hash, bytes: 3)
    #expect(try digest.matchesBytes(of: url))
    try Data("abd".utf8).write(to: url)
    #expect(try !digest.matchesBytes(of: url))
  }
}
