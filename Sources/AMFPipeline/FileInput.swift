import Foundation

/// A stage run input that is a file outside the store (e.g. recorded demonstrations a manifest names), pinned
/// to the content hash it had when the plan was made.
///
/// Its content hash enters the run's key like a producer's output hash does, so changing the file's bytes
/// makes the run (and everything downstream) stale, while moving it changes no key. The executors pass the
/// file as `--input <role>=<path>` and check, right before the stage starts, that it still has `contentHash`.
public struct FileInput: Hashable, Sendable, Codable {
  /// The file's absolute path.
  public var path: String
  /// Its content hash (for an artifact, the verified `amf.content_sha256`) when the plan was made.
  public var contentHash: String

  /// The file at the absolute `path`, with content hash `contentHash`.
  public init(path: String, contentHash: String) {
    self.path = path
    self.contentHash = contentHash
  }

  /// The file's URL.
  public var url: URL { URL(fileURLWithPath: path) }

  /// Throws `PipelineError.fileInputChanged` unless the file still has `contentHash` (by `hasher`, which
  /// may answer from its cache for a file version it has seen).
  func check(run: String, role: String, hasher: any ContentHasher) throws(PipelineError) {
    let found: String
    do {
      found = try hasher.contentHash(of: url)
    } catch {
      throw PipelineError.fileInputChanged(run: run, role: role, path: path, reason: "cannot be read now (\(error))")
    }
    guard found == contentHash else {
      throw PipelineError.fileInputChanged(
        run: run, role: role, path: path, reason: "has content hash \(found) now, \(contentHash) when planned")
    }
  }

  /// `path` relative to `folder` (with `..` where needed), or absolute when they share only the root: how
  /// a lock next to a manifest records the file.
  public func path(relativeTo folder: URL) -> String {
    let file = url.standardizedFileURL.pathComponents
    let base = folder.standardizedFileURL.pathComponents
    let shared = zip(file, base).prefix { $0 == $1 }.count
    guard shared > 1 else { return url.standardizedFileURL.path }
    let ups = [String](repeating: "..", count: base.count - shared)
    return (ups + file[shared...]).joined(separator: "/")
  }
}
