import Foundation

/// The folder of human-readable files beside an artifact: `<output path without .h5>.files/`
/// (the report's Markdown, CSV and plots), written and replaced so it appears complete or not at all.
public enum SidecarFolder {
  /// The sidecar folder of the artifact at `output`: `x.h5` → `x.files`.
  public static func url(for output: URL) -> URL {
    let name = output.lastPathComponent
    let base = name.hasSuffix(".h5") ? String(name.dropLast(3)) : name
    return output.deletingLastPathComponent().appendingPathComponent("\(base).files", isDirectory: true)
  }

  /// Writes `files` (name → bytes; names without `/`) into a fresh folder at `folder`, replacing any.
  ///
  /// The files go to a temporary folder beside it (named like `AtomicFile`'s temporaries, so leftovers
  /// of killed processes are cleaned the same way) and are fsynced, then the folder is renamed into place.
  public static func write(_ files: [String: Data], to folder: URL) throws {
    try replace(folder) { temporary in
      for name in files.keys.sorted() {
        guard let data = files[name], !name.isEmpty, !name.contains("/") else { continue }
        try AtomicFile.write(data, to: temporary.appendingPathComponent(name))
      }
    }
  }

  /// Copies the folder `source` (regular files, recursively) to `destination`, replacing any.
  public static func copy(_ source: URL, to destination: URL) throws {
    try replace(destination) { temporary in
      try FileManager.default.removeItem(at: temporary)
      do {
        try FileManager.default.copyItem(at: source, to: temporary)
      } catch {
        throw FileSystemError(path: source.path, operation: "copy folder", reason: error.localizedDescription)
      }
    }
  }

  /// Whether two folders hold the same files with the same bytes (recursively); false when either is missing.
  public static func sameContents(_ a: URL, _ b: URL) -> Bool {
    let manager = FileManager.default
    guard let left = try? manager.subpathsOfDirectory(atPath: a.path),
      let right = try? manager.subpathsOfDirectory(atPath: b.path), left.sorted() == right.sorted()
    else { return false }
    for path in left {
      var isFolder: ObjCBool = false
      guard manager.fileExists(atPath: a.appendingPathComponent(path).path, isDirectory: &isFolder) else { return false }
      if isFolder.boolValue { continue }
      guard manager.contentsEqual(atPath: a.appendingPathComponent(path).path, andPath: b.appendingPathComponent(path).path)
      else { return false }
    }
    return true
  }

  /// Removes a file or folder; true when it is gone.
  @discardableResult
  public static func remove(_ url: URL) -> Bool {
    if unlink(url.path) == 0 || errno == ENOENT { return true }
    return (try? FileManager.default.removeItem(at: url)) != nil
  }

  /// Fills a temporary folder with `produce`, then moves it to `destination`: a folder already there is
  /// first renamed aside and removed afterwards (`rename` cannot replace a non-empty folder).
  private static func replace(_ destination: URL, _ produce: (URL) throws -> Void) throws {
    let temporary = AtomicFile.temporaryURL(for: destination)
    do {
      try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
      try produce(temporary)
      var aside: URL?
      if FileManager.default.fileExists(atPath: destination.path) {
        let moved = AtomicFile.temporaryURL(for: destination)
        guard rename(destination.path, moved.path) == 0 else {
          throw FileSystemError.fromErrno(destination.path, "rename aside")
        }
        aside = moved
      }
      guard rename(temporary.path, destination.path) == 0 else {
        throw FileSystemError.fromErrno(destination.path, "rename")
      }
      if let aside { remove(aside) }
    } catch {
      remove(temporary)
      throw error
    }
  }
}
