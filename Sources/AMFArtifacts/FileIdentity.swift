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

  /// An identity from its parts (as stored in a cache file).
  public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64, changedNanoseconds: Int64) {
    self.device = device
    self.inode = inode
    self.size = size
    self.modifiedNanoseconds = modifiedNanoseconds
    self.changedNanoseconds = changedNanoseconds
  }

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

  /// Creates an empty in-memory cache, or one backed by the file at `url`.
  ///
  /// The file is plain text, one entry a line: `device inode size mtime_ns ctime_ns sha256` (a no-op
  /// `status` of a 2 000-run study reads it, so it is parsed by hand rather than by `JSONDecoder`).
  /// Lines that do not parse are skipped: every entry can be recomputed.
  public init(persistedAt url: URL? = nil) {
    self.url = url
    guard let url, let data = try? Data(contentsOf: url) else { return }
    for line in data.split(separator: UInt8(ascii: "\n")) {
      let fields = line.split(separator: UInt8(ascii: " "))
      guard fields.count == 6, fields[5].count == 64 else { continue }
      let numbers = fields[0..<5].map { Int64(String(decoding: $0, as: UTF8.self)) }
      guard let device = numbers[0], let inode = numbers[1], let size = numbers[2], let modified = numbers[3],
        let changedAt = numbers[4]
      else { continue }
      let identity = FileIdentity(
        device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode), size: size,
        modifiedNanoseconds: modified, changedNanoseconds: changedAt)
      entries[identity] = String(decoding: fields[5], as: UTF8.self)
    }
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
    let snapshot: [String]? = lock.withLock {
      guard changed else { return nil }
      changed = false
      return entries.map { identity, hash in
        "\(Int64(bitPattern: identity.device)) \(Int64(bitPattern: identity.inode)) \(identity.size) "
          + "\(identity.modifiedNanoseconds) \(identity.changedNanoseconds) \(hash)"
      }.sorted()
    }
    guard let snapshot else { return }
    try AtomicFile.write(Data((snapshot.joined(separator: "\n") + "\n").utf8), to: url)
  }
}
