import AMFCore
import Foundation

/// Listing the store by key, and asking whether a key is in use: what `gc` and `show` need.
extension Store {
  /// One key's files in the store.
  public struct Entry: Hashable, Sendable {
    /// The stage key (64 lowercase hex digits).
    public var key: String
    /// Every file of the key: outputs, their sidecar folders, run record, log, per-key lock, marker.
    public var files: [URL]
    /// Their total size in bytes.
    public var bytes: Int64
  }

  /// Whether `name` is a stage key: 64 lowercase hex digits.
  public static func isKey(_ name: Substring) -> Bool {
    name.utf8.count == 64 && name.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }

  /// Every key with files in the store, sorted; files that are not named `<key>.…` (temporaries,
  /// foreign files) are ignored.
  public func entries() -> [Entry] {
    let manager = FileManager.default
    var byKey: [String: Entry] = [:]
    let folders = ((try? manager.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.count == 2 }
    for folderName in folders.sorted() {
      let folder = root.appendingPathComponent(folderName)
      for name in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() {
        let key = name.prefix { $0 != "." }
        guard Self.isKey(key), key.hasPrefix(folderName), name.count > key.count else { continue }
        let url = folder.appendingPathComponent(name)
        let size = Self.size(of: url)
        var entry = byKey[String(key)] ?? Entry(key: String(key), files: [], bytes: 0)
        entry.files.append(url)
        entry.bytes += size
        byKey[String(key)] = entry
      }
    }
    return byKey.keys.sorted().compactMap { byKey[$0] }
  }

  /// The bytes of a file, or of every file in a folder (a sidecar folder `<key>.files/`).
  static func size(of url: URL) -> Int64 {
    let manager = FileManager.default
    func fileSize(_ path: String) -> Int64 {
      ((try? manager.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
    var isFolder: ObjCBool = false
    guard manager.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
      return fileSize(url.path)
    }
    return ((try? manager.subpathsOfDirectory(atPath: url.path)) ?? [])
      .reduce(0) { $0 + fileSize(url.appendingPathComponent($1).path) }
  }

  /// Whether a run of `key` is in progress: its `.running` marker names a live process.
  public func hasLiveMarker(key: String) -> Bool {
    FileManager.default.fileExists(atPath: markerURL(key: key).path) && !hasStaleMarker(key: key)
  }

  /// Takes the per-key lock of `key` without waiting; nil when another process holds it.
  ///
  /// Edge cases: a key without a lock file gets one (it is removed with the key's other files).
  public func tryLock(key: String) throws -> KeyLock? {
    let path = lockURL(key: key).path
    let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FileSystemError.fromErrno(path, "open lock") }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let failure = errno
      close(descriptor)
      if failure == EWOULDBLOCK { return nil }
      throw FileSystemError(path: path, operation: "flock", reason: String(cString: strerror(failure)))
    }
    return KeyLock(descriptor: descriptor)
  }

  /// The output artifact a key prefix names: `<prefix>…​.h5` in the store; `<key>.<role>` picks one
  /// output of a multi-output key.
  ///
  /// Throws `noSuchKey` when nothing matches (or the prefix is shorter than two characters) and
  /// `ambiguousKey` when several outputs do.
  public func resolve(keyPrefix prefix: String) throws -> URL {
    let lowered = prefix.lowercased()
    guard lowered.count >= 2 else { throw PipelineError.noSuchKey(prefix: prefix, store: root.path) }
    let folder = root.appendingPathComponent(String(lowered.prefix(2)))
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
      .filter { $0.hasPrefix(lowered) && $0.hasSuffix(".h5") && Self.isKey($0.prefix { $0 != "." }) }
      .sorted()
    if let exact = names.first(where: { $0 == "\(lowered).h5" }) { return folder.appendingPathComponent(exact) }
    guard let first = names.first else { throw PipelineError.noSuchKey(prefix: prefix, store: root.path) }
    guard names.count == 1 else { throw PipelineError.ambiguousKey(prefix: prefix, candidates: names) }
    return folder.appendingPathComponent(first)
  }
}
