import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

@Suite struct VerificationCacheTests {
  @Test func cachedIdentitySkipsReading() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("a.h5")
    let hash = try ArtifactFile.write(try Fixtures.small(), to: url)
    let cache = VerificationCache()
    #expect(try ArtifactFile.contentHash(of: url, cache: cache) == hash)
    #expect(cache.count == 1)
    // A planted entry is returned as is: proof that a cache hit does not open the file.
    cache.record("planted", for: try FileIdentity(path: url.path))
    #expect(try ArtifactFile.contentHash(of: url, cache: cache) == "planted")
  }

  /// Rewriting the file changes its identity, so a stale entry cannot hide corruption.
  @Test func changedFileIsVerifiedAgain() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("b.h5")
    try ArtifactFile.write(try Fixtures.marked(), to: url)
    let cache = VerificationCache()
    _ = try ArtifactFile.read(url, cache: cache)
    var bytes = try Data(contentsOf: url)
    let marker = withUnsafeBytes(of: Float(7.5)) { Data($0) }
    let range = try #require(bytes.range(of: marker))
    bytes[range.lowerBound] ^= 0x40
    try bytes.write(to: url)
    #expect(throws: ArtifactError.self) { _ = try ArtifactFile.read(url, cache: cache) }
  }

  @Test func persistedCacheSurvivesReload() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("c.h5")
    let hash = try ArtifactFile.write(try Fixtures.small(), to: url)
    let cacheFile = folder.file("cache/verified.json")
    let cache = VerificationCache(persistedAt: cacheFile)
    _ = try ArtifactFile.contentHash(of: url, cache: cache)
    try cache.save()
    let reloaded = VerificationCache(persistedAt: cacheFile)
    #expect(reloaded.hash(for: try FileIdentity(path: url.path)) == hash)
    try Data("{damaged".utf8).write(to: cacheFile)
    #expect(VerificationCache(persistedAt: cacheFile).count == 0)
  }
}
