import AMFCore
import Crypto
import Foundation

/// Plain HDF5 files that are not amf artifacts (robomimic and Minari datasets): read whole into an
/// `ArtifactGroup` tree, and written from one with the artifacts' determinism (no timestamps, pinned
/// format, sorted names) and atomically.
public enum HDF5Tree {
  /// Reads every group, group attribute and dataset of the HDF5 file at `url`.
  ///
  /// Edge cases: `missing`, `notHDF5`, `truncated`, `unreadable` as for artifacts; `typeMismatch` naming
  /// the object for an element type outside `ElementType` (one-byte enums read as uint8). Attributes of
  /// datasets are not read.
  public static func read(_ url: URL) throws(ArtifactError) -> ArtifactGroup {
    try HDF5Reader.read(url.path)
  }

  /// Writes `tree` to `url`: the file appears complete or not at all, and equal trees give equal bytes.
  public static func write(_ tree: ArtifactGroup, to url: URL) throws {
    try AtomicFile.write(to: url) { temporary in
      try HDF5Writer.write(tree, toNewFile: temporary.path)
    }
  }

  /// The lowercase hex SHA-256 of the bytes of the file at `url`, read in 1 MiB chunks.
  public static func fileSHA256(_ url: URL) throws(ArtifactError) -> String {
    guard let handle = try? FileHandle(forReadingFrom: url) else { throw ArtifactError.missing(file: url.path) }
    defer { try? handle.close() }
    var hasher = SHA256()
    do {
      while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    } catch {
      throw ArtifactError.io(file: url.path, operation: "read", reason: "\(error)")
    }
    return hexadecimal(hasher.finalize())
  }
}
