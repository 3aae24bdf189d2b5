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
    let bytes = [UInt8](data)
    var index = 0
    while index < bytes.count {
      var lineEnd = index
      while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      if let (identity, hash) = Self.parseLine(bytes[index..<lineEnd]) { entries[identity] = hash }
      index = lineEnd + 1
    }
  }

  /// `device inode size mtime_ns ctime_ns sha256` → an entry, or nil for a malformed line.
  private static func parseLine(_ line: ArraySlice<UInt8>) -> (FileIdentity, String)? {
    var numbers: [Int64] = []
    numbers.reserveCapacity(5)
    var position = line.startIndex
    while numbers.count < 5 {
      var value: Int64 = 0
      var negative = false
      if position < line.endIndex, line[position] == UInt8(ascii: "-") {
        negative = true
        position += 1
      }
      let digitsStart = position
      while position < line.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[position]) {
        let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = scaled.addingReportingOverflow(Int64(line[position] - UInt8(ascii: "0")))
        guard !overflow1, !overflow2 else { return nil }
        value = sum
        position += 1
      }
      guard position > digitsStart, position < line.endIndex, line[position] == UInt8(ascii: " ") else { return nil }
      numbers.append(negative ? -value : value)
      position += 1
    }
    let hash = line[position...]
    guard hash.count == 64 else { return nil }
    let identity = FileIdentity(
      device: UInt64(bitPattern: numbers[0]), inode: UInt64(bitPattern: numbers[1]), size: numbers[2],
      modifiedNanoseconds: numbers[3], changedNanoseconds: numbers[4])
    return (identity, String(decoding: hash, as: UTF8.self))
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
