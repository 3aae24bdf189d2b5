import AMFCore
import Foundation

/// The content-addressed store: `<root>/<key[0:2]>/<key>…` (PIPELINE.md §3).
///
/// Per key: the output (`<key>.h5`, or `<key>.<role>.h5` for stages with several outputs), the run
/// record `<key>.run.json`, the log `<key>.log`, the marker `<key>.running` while a run is in
/// progress, and `<key>.lock`, the per-key file lock that keeps two orchestrators from computing the
/// same key at once.
public struct Store: Sendable {
  /// The store folder, e.g. `Artifacts/store`.
  public let root: URL

  private let rootPath: String

  /// A store at `root` (created on first write).
  public init(root: URL) {
    self.root = root
    rootPath = root.path
  }

  /// The folder of `key`.
  public func folder(for key: String) -> URL { root.appendingPathComponent(String(key.prefix(2))) }

  /// Where output `role` of a run with `key` and `roles` lives.
  public func outputURL(key: String, role: String, roles: [String]) -> URL {
    // Built as one string: `status` makes thousands of these, and each URL append allocates.
    let name = roles.count == 1 ? "\(key).h5" : "\(key).\(role).h5"
    return URL(fileURLWithPath: "\(rootPath)/\(key.prefix(2))/\(name)", isDirectory: false)
  }

  /// The run record of `key`.
  public func recordURL(key: String) -> URL { folder(for: key).appendingPathComponent("\(key).run.json") }
  /// The log of `key`.
  public func logURL(key: String) -> URL { folder(for: key).appendingPathComponent("\(key).log") }
  /// The in-progress marker of `key`.
  public func markerURL(key: String) -> URL { folder(for: key).appendingPathComponent("\(key).running") }
  /// The lock file of `key`.
  public func lockURL(key: String) -> URL { folder(for: key).appendingPathComponent("\(key).lock") }

  /// Whether a marker from a process that no longer runs says a run of `key` was interrupted.
  ///
  /// A marker written on another host (a Slurm job on another node, `<pid> <host>`) is never judged
  /// stale from here: its process cannot be checked, and the key's file lock already keeps a second
  /// writer out.
  public func hasStaleMarker(key: String) -> Bool {
    guard let text = try? String(contentsOf: markerURL(key: key), encoding: .utf8) else { return false }
    let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard let pid = Int32(fields.first ?? "") else { return true }
    if fields.count > 1, String(fields[1]) != Self.hostName { return false }
    return !(kill(pid, 0) == 0 || errno == EPERM)
  }

  /// This host's name, as markers record it.
  static let hostName = ProcessInfo.processInfo.hostName

  /// Removes leftovers of killed runs: temporaries and markers of dead processes. Returns their count.
  @discardableResult
  public func recover() -> Int {
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    var removed = 0
    for name in folders where name.count == 2 {
      let folder = root.appendingPathComponent(name)
      removed += AtomicFile.removeLeftovers(in: folder).count
      let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      for file in files where file.hasSuffix(".running") {
        let key = String(file.dropLast(".running".count))
        if hasStaleMarker(key: key), unlink(markerURL(key: key).path) == 0 { removed += 1 }
      }
    }
    return removed
  }

  /// Where `run` puts files it will not trust and must not delete: `<root>/quarantine/`.
  public var quarantine: URL { root.appendingPathComponent("quarantine") }

  /// Moves the file at `url` (if any) into the quarantine as `<name>.<UTC time>.<pid>`; returns its new place.
  public func moveAside(_ url: URL) throws -> URL? {
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    try FileManager.default.createDirectory(at: quarantine, withIntermediateDirectories: true)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withFractionalSeconds]
    let stamp = formatter.string(from: Date()).replacingOccurrences(of: ":", with: "")
    let destination = quarantine.appendingPathComponent("\(url.lastPathComponent).\(stamp).\(getpid())")
    guard rename(url.path, destination.path) == 0 else { throw FileSystemError.fromErrno(url.path, "move aside") }
    return destination
  }

  /// Removes every temporary of `key`'s outputs, whoever left it: called while holding the key's lock,
  /// when no live writer of this key can exist (an orphan that survived its orchestrator loses its rename).
  public func removeTemporaries(key: String) {
    let folderURL = folder(for: key)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folderURL.path)) ?? []
    for name in names where name.hasPrefix(".\(key).") && name.contains(AtomicFile.temporaryMarker) {
      SidecarFolder.remove(folderURL.appendingPathComponent(name))
    }
  }

  /// Holds the per-key lock of `key` until `release()`.
  public final class KeyLock: @unchecked Sendable {
    private var descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Releases the lock (idempotent).
    public func release() {
      guard descriptor >= 0 else { return }
      flock(descriptor, LOCK_UN)
      close(descriptor)
      descriptor = -1
    }

    deinit { release() }
  }

  /// The store-wide lock `<root>/.store.flock`. Every `run` holds it shared from planning to its lock file
  /// write, `gc` exclusively while it deletes: a `gc` can never remove an output that a running `run` has
  /// just finished or is about to read (issue #17). Shared holders do not block each other.
  ///
  /// With `wait`, blocks until granted; without, returns nil when another process holds it incompatibly.
  public func useLock(exclusive: Bool, wait: Bool) throws -> KeyLock? {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let path = root.appendingPathComponent(".store.flock").path
    let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FileSystemError.fromErrno(path, "open store lock") }
    let operation = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)
    while flock(descriptor, operation) != 0 {
      let failure = errno
      if failure == EINTR { continue }
      close(descriptor)
      if failure == EWOULDBLOCK { return nil }
      throw FileSystemError(path: path, operation: "flock", reason: String(cString: strerror(failure)))
    }
    return KeyLock(descriptor: descriptor)
  }

  /// Acquires the per-key lock of `key`, waiting (polling every 20 ms) while another process holds it.
  public func lock(key: String) async throws -> KeyLock {
    try FileManager.default.createDirectory(at: folder(for: key), withIntermediateDirectories: true)
    let descriptor = open(lockURL(key: key).path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FileSystemError.fromErrno(lockURL(key: key).path, "open lock") }
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR else {
        close(descriptor)
        throw FileSystemError.fromErrno(lockURL(key: key).path, "flock")
      }
      try await Task.sleep(nanoseconds: 20_000_000)
    }
    return KeyLock(descriptor: descriptor)
  }
}
