import AMFCore
import Foundation

/// What identifies one version of a file without reading it: device, inode, size, mtime and ctime.
///
/// Any write, truncation, rename-over or `touch` changes at least one of these, so a hash cached
/// under an identity stays valid while the identity does (PIPELINE.md §3).
public struct FileIdentity: Hashable, Sendable, Codable {
  public var device: UInt64
  public var inode: UInt64
  public var size: Int64
  public var modifiedNanoseconds: Int64
  public var changedNanoseconds: Int64

  /// Reads the identity of the file at `path`; throws `missing` when there is none.
  public init(path: String) throws(ArtifactError) {
    var info = stat()
    guard stat(path, &info) == 0 else { throw ArtifactError.missing(file: path) }
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    size = Int64(info.st_size)
    modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    changedNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
  }
}

/// File identities whose content hash has been verified, optionally persisted as JSON.
///
/// Thread-safe. A persisted cache is loaded on creation and written (atomically) by `save()`; a
/// damaged cache file is ignored, since every entry can be recomputed.
public final class VerificationCache: @unchecked Sendable {
  private let lock = NSLock()
  private var entries: [FileIdentity: String] = [:]
  private var changed = false
  private let url: URL?

  /// Creates an empty in-memory cache, or one backed by the JSON file at `url`.
  public init(persistedAt url: URL? = nil) {
    self.url = url
    if let url, let data = try? Data(contentsOf: url),
      let stored = try? JSONDecoder().decode([Entry].self, from: data)
    {
      for entry in stored { entries[entry.identity] = entry.hash }
    }
  }

  private struct Entry: Codable {
    var identity: FileIdentity
    var hash: String
  }

  /// The verified hash of the file version `identity`, if known.
  public func hash(for identity: FileIdentity) -> String? {
    lock.withLock { entries[identity] }
  }

  /// Records that the file version `identity` has content hash `hash`.
  public func record(_ hash: String, for identity: FileIdentity) {
    lock.withLock {
      if entries.updateValue(hash, forKey: identity) != hash { changed = true }
    }
  }

  /// The number of cached identities.
  public var count: Int { lock.withLock { entries.count } }

  /// Writes the cache to its file, if it has one and anything was recorded since it was loaded or saved
  /// (a no-op `status` rewrites nothing).
  public func save() throws {
    guard let url else { return }
    let snapshot: [Entry]? = lock.withLock {
      guard changed else { return nil }
      changed = false
      return entries.map { Entry(identity: $0.key, hash: $0.value) }.sorted { $0.hash < $1.hash }
    }
    guard let snapshot else { return }
    let data = try JSONEncoder().encode(snapshot)
    try AtomicFile.write(data, to: url)
  }
}
