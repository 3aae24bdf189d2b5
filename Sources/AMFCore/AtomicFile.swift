import Foundation

/// A file-system operation that failed, with the path and the system's reason.
public struct FileSystemError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file or folder.
  public var path: String
  /// What was attempted, e.g. "rename".
  public var operation: String
  /// The system's message (strerror).
  public var reason: String

  /// Creates an error from its parts.
  public init(path: String, operation: String, reason: String) {
    self.path = path
    self.operation = operation
    self.reason = reason
  }

  /// An error from the current `errno`.
  public static func fromErrno(_ path: String, _ operation: String) -> FileSystemError {
    FileSystemError(path: path, operation: operation, reason: String(cString: strerror(errno)))
  }

  public var description: String { "\(path): \(operation) failed: \(reason)" }
}

/// Writes files so that they appear complete or not at all: a temporary file in the destination's
/// folder, fsync, rename, fsync of the folder.
///
/// Temporaries are named `.<name>.amf-tmp.<pid>.<unique>`; a process killed mid-write leaves one
/// behind, never a file at the destination. `removeLeftovers(in:)` deletes those of dead processes.
public enum AtomicFile {
  /// The marker in every temporary file name.
  public static let temporaryMarker = ".amf-tmp."

  /// Calls `produce` with a temporary path, then moves the result to `destination`.
  ///
  /// Edge cases: on any error the temporary is removed and the error rethrown; an existing file at
  /// `destination` is replaced atomically; missing folders are created. With `durable: false` the
  /// file and folder are not fsynced: the file still appears complete or not at all to other processes,
  /// but may be lost (or empty) after a power failure unless the caller syncs later
  /// (`syncAll()`), as the pipeline does for run records before its commit point.
  public static func write(to destination: URL, durable: Bool = true, _ produce: (URL) throws -> Void) throws {
    let folder = destination.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw FileSystemError(path: folder.path, operation: "create folder", reason: "\(error.localizedDescription)")
    }
    let temporary = temporaryURL(for: destination)
    do {
      try produce(temporary)
      if durable { try fsync(path: temporary.path, directory: false) }
      guard rename(temporary.path, destination.path) == 0 else {
        throw FileSystemError.fromErrno(destination.path, "rename")
      }
    } catch {
      unlink(temporary.path)
      throw error
    }
    if durable { try fsync(path: folder.path, directory: true) }
  }

  /// Flushes every pending write to disk (`sync`, which waits for completion on Linux): one flush that
  /// makes a batch of non-durable writes durable. (`syncfs` would flush one file system only, but Glibc's
  /// Swift overlay does not export it.)
  public static func syncAll() {
    sync()
  }

  /// Writes `data` to `destination` atomically (see `write(to:durable:_:)`).
  public static func write(_ data: Data, to destination: URL, durable: Bool = true) throws {
    try write(to: destination, durable: durable) { try PlainFile.write(data, to: $0) }
  }

  /// A fresh temporary path beside `destination`.
  public static func temporaryURL(for destination: URL) -> URL {
    let unique = UUID().uuidString.prefix(8)
    let name = ".\(destination.lastPathComponent)\(temporaryMarker)\(getpid()).\(unique)"
    return destination.deletingLastPathComponent().appendingPathComponent(name)
  }

  /// Deletes the temporaries in `folder` (not recursive) left by processes that no longer run, and
  /// returns their paths. Temporaries of live processes are kept: they may still be writing.
  @discardableResult
  public static func removeLeftovers(in folder: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var removed: [URL] = []
    for name in names.sorted() where name.hasPrefix(".") && name.contains(temporaryMarker) {
      let suffix = name.components(separatedBy: temporaryMarker).last ?? ""
      guard let pid = Int32(suffix.split(separator: ".").first ?? ""), !isAlive(pid) else { continue }
      let url = folder.appendingPathComponent(name)
      if SidecarFolder.remove(url) { removed.append(url) }  // a file, or a sidecar folder being written
    }
    return removed
  }

  private static func isAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
  }

  private static func fsync(path: String, directory: Bool) throws {
    let descriptor = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY)
    guard descriptor >= 0 else {
      throw FileSystemError.fromErrno(path, "open for fsync")
    }
    defer { close(descriptor) }
    guard Foundation.fsync(descriptor) == 0 else {
      throw FileSystemError.fromErrno(path, "fsync")
    }
  }
}

/// Plain writes with `open`/`write`/`close`: Foundation's `Data.write(to:)` fsyncs every file on Linux,
/// which cost the pipeline engine several milliseconds per small file it writes (BENCHMARKS-pipeline.md).
public enum PlainFile {
  /// Creates or truncates the file at `url` and writes `data` to it; no fsync.
  public static func write(_ data: Data, to url: URL) throws {
    let path = url.path
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FileSystemError.fromErrno(path, "open for writing") }
    defer { close(descriptor) }
    try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw FileSystemError.fromErrno(path, "write")
        }
        offset += written
      }
    }
  }
}
