import AMFArtifacts
import AMFPipeline
import Foundation

/// The pipeline's view of artifact hashes: `amf.content_sha256`, verified on first sight and cached
/// by file identity in `<cache folder>/content-hashes.txt`, so a no-op `status` reads no artifact.
public struct ArtifactContentHasher: ContentHasher {
  private let cache: VerificationCache

  /// A hasher whose verification cache persists in `folder` (nil: in memory only).
  public init(cacheFolder folder: URL?) {
    cache = VerificationCache(persistedAt: folder?.appendingPathComponent("content-hashes.txt"))
  }

  /// The hasher of `store`, its cache in `cache/` beside the store (`Artifacts/cache`).
  public init(store: Store) {
    self.init(cacheFolder: store.root.deletingLastPathComponent().appendingPathComponent("cache"))
  }

  public func contentHash(of url: URL) throws -> String {
    try ArtifactFile.contentHash(of: url, cache: cache)
  }

  /// A file version verified before with the digest's content hash matches without being read; otherwise
  /// its bytes are hashed (never parsed) and, when they match, the version is remembered.
  public func matches(_ url: URL, _ digest: OutputDigest) throws -> Bool {
    let identity = try FileIdentity(path: url.path)
    guard identity.size == digest.bytes else { return false }
    if cache.hash(for: identity) == digest.contentSHA256 { return true }
    guard try digest.matchesBytes(of: url) else { return false }
    cache.record(digest.contentSHA256, for: identity)
    return true
  }

  public func save() throws { try cache.save() }
}
