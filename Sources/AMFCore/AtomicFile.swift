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
  /// `destination` is replaced atomically; missing folders are created.
  public static func write(to destination: URL, _ produce: (URL) throws -> Void) throws {
    let folder = destination.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw FileSystemError(path: folder.path, operation: "create folder", reason: "\(error.localizedDescription)")
    }
    let temporary = temporaryURL(for: destination)
    do {
      try produce(temporary)
      try fsync(path: temporary.path, directory: false)
      guard rename(temporary.path, destination.path) == 0 else {
        throw FileSystemError.fromErrno(destination.path, "rename")
      }
    } catch {
      unlink(temporary.path)
      throw error
    }
    try fsync(path: folder.path, directory: true)
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
      if unlink(url.path) == 0 { removed.append(url) }
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
