import AMFCore
import Foundation

/// `gc`: removes the store entries that no lock file references (PIPELINE.md §4).
///
/// A key is kept when any considered lock names it, when another process holds its per-key lock, or
/// when its `.running` marker names a live process. Every file of a removed key goes: outputs, their
/// sidecar folders (`<key>.files/`), run record, log, per-key lock and a stale marker.
public struct GarbageCollector: Sendable {
  /// The store to clean.
  public let store: Store
  /// The lock files whose keys are kept.
  public let locks: [URL]

  /// What a collection removed (or, in a dry run, would remove) and what it kept.
  public struct Report: Sendable {
    /// The lock files considered.
    public var locks: [URL]
    /// Keys any lock references.
    public var referenced: Int
    /// Keys removed (or that a dry run would remove), with their sizes.
    public var removed: [Store.Entry]
    /// Unreferenced keys kept because a run holds or is computing them.
    public var busy: [String]
    /// Keys that stay because a lock references them.
    public var kept: Int
    /// Whether nothing was deleted.
    public var dryRun: Bool
    /// Files `run` moved aside into the store's quarantine (never deleted by `gc`: someone put them there).
    public var quarantined: [Store.Entry] = []

    /// The bytes freed (or that a dry run would free).
    public var bytesFreed: Int64 { removed.reduce(0) { $0 + $1.bytes } }
  }

  /// A collector keeping every key that `locks` reference.
  public init(store: Store, locks: [URL]) {
    self.store = store
    self.locks = locks
  }

  /// The lock files `gc` considers without manifests: every `*.lock.json` under `pipelinesFolder`
  /// (recursively) and directly in `workingDirectory`, sorted and without duplicates.
  public static func discoverLocks(pipelinesFolder: URL, workingDirectory: URL) -> [URL] {
    var found = Set<String>()
    if let walker = FileManager.default.enumerator(atPath: pipelinesFolder.path) {
      while let relative = walker.nextObject() as? String {
        guard relative.hasSuffix(".lock.json") else { continue }
        found.insert(pipelinesFolder.appendingPathComponent(relative).standardizedFileURL.path)
      }
    }
    for name in (try? FileManager.default.contentsOfDirectory(atPath: workingDirectory.path)) ?? []
    where name.hasSuffix(".lock.json") {
      found.insert(workingDirectory.appendingPathComponent(name).standardizedFileURL.path)
    }
    return found.sorted().map { URL(fileURLWithPath: $0) }
  }

  /// Every key the lock files reference; an unreadable lock is an error (deleting what it might
  /// reference would be unrecoverable).
  public func referencedKeys() throws -> Set<String> {
    var keys = Set<String>()
    for url in locks {
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw PipelineError.missingLock(path: url.path, reason: "run the manifest first, or leave it out of gc")
      }
      keys.formUnion(try LockFile.read(url, manifest: "").stages.values.map(\.key))
    }
    return keys
  }

  /// Removes (or with `dryRun` only lists) every unreferenced, idle key.
  ///
  /// Holds the store-wide lock exclusively (`Store.useLock`) while it reads the locks and deletes: a
  /// running `run` holds it shared from planning to writing its lock, so keys it has just computed, but
  /// that no lock references yet, are never collected. Throws `storeBusy` when a run holds it.
  public func collect(dryRun: Bool) throws -> Report {
    guard let storeLock = try store.useLock(exclusive: true, wait: false) else {
      throw PipelineError.storeBusy(store: store.root.path)
    }
    defer { storeLock.release() }
    let referenced = try referencedKeys()
    var report = Report(locks: locks, referenced: referenced.count, removed: [], busy: [], kept: 0, dryRun: dryRun)
    let quarantine = store.quarantine
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: quarantine.path)) ?? []).sorted() {
      let url = quarantine.appendingPathComponent(name)
      report.quarantined.append(Store.Entry(key: name, files: [url], bytes: Store.size(of: url)))
    }
    for entry in store.entries() {
      if referenced.contains(entry.key) {
        report.kept += 1
        continue
      }
      guard !store.hasLiveMarker(key: entry.key) else {
        report.busy.append(entry.key)
        continue
      }
      if dryRun {
        let lockExists = FileManager.default.fileExists(atPath: store.lockURL(key: entry.key).path)
        if lockExists, let lock = try store.tryLock(key: entry.key) { lock.release() } else if lockExists {
          report.busy.append(entry.key)
          continue
        }
        report.removed.append(entry)
        continue
      }
      guard let lock = try store.tryLock(key: entry.key) else {
        report.busy.append(entry.key)
        continue
      }
      defer { lock.release() }
      // Re-check under the lock: a run may have started between the listing and the lock.
      guard !store.hasLiveMarker(key: entry.key) else {
        report.busy.append(entry.key)
        continue
      }
      report.removed.append(entry)
      // Files, and sidecar folders (`<key>.files/`).
      for url in entry.files + [store.lockURL(key: entry.key)] { SidecarFolder.remove(url) }
    }
    return report
  }
}
