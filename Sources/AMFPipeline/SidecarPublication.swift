import AMFCore
import Foundation

/// A stage run's sidecar folder (`SidecarFolder.url(for:)` of one of its outputs: human-readable files
/// beside the artifact) that a run copies next to the lock and records as the lock's `report_folder`.
///
/// The engine knows nothing about reports: the expander says which run's folder to publish (for AMF,
/// the manifest's top-level `report`), the engine copies it when the lock names that run.
public struct SidecarPublication: Hashable, Sendable, Codable {
  /// The stage run whose output has the folder.
  public var run: String
  /// The output role whose sidecar folder to publish.
  public var role: String
  /// Where to publish it, relative to the lock's folder, e.g. `no-is.report`.
  public var folder: String

  /// Creates a publication.
  public init(run: String, role: String, folder: String) {
    self.run = run
    self.role = role
    self.folder = folder
  }
}

extension Executor {
  /// Copies the sidecar folder of `publication`'s run (as `lock` records it) to the lock's folder,
  /// replacing the previous copy atomically, and sets `lock.reportFolder`.
  ///
  /// Edge cases: nothing happens when the lock has no entry for the run (it never succeeded), or when
  /// the entry, the folder name and the published folder are what the previous lock recorded (a no-op
  /// run copies nothing). A store entry without a sidecar folder is logged and publishes nothing.
  func publish(_ publication: SidecarPublication, in lock: inout LockFile, previous: LockFile, lockURL: URL) {
    guard let entry = lock.stages[publication.run] else { return }
    let destination = lockURL.deletingLastPathComponent().appendingPathComponent(publication.folder)
    if isPublished(publication, in: lock, previous: previous, lockURL: lockURL) { return }
    let roles = entry.outputs.keys.sorted()
    let source = SidecarFolder.url(for: store.outputURL(key: entry.key, role: publication.role, roles: roles))
    guard FileManager.default.fileExists(atPath: source.path) else {
      log("\(publication.run): the store has no folder \(source.path); nothing published "
        + "(rerun it with --force \(publication.run))")
      return
    }
    // Temporaries of a publication (or lock write) killed earlier would otherwise stay beside the manifest.
    AtomicFile.removeLeftovers(in: destination.deletingLastPathComponent())
    do {
      try SidecarFolder.copy(source, to: destination)
      lock.reportFolder = publication.folder
    } catch {
      log("could not publish \(source.path) to \(destination.path): \(error)")
    }
  }

  /// Whether `publish` would do nothing: no entry to publish, or the previous lock published this very
  /// entry under this folder name and the folder still holds what the store has for it. The bytes are
  /// compared (a few small files): a lock restored by `git checkout` must not leave another branch's
  /// report in place.
  func isPublished(_ publication: SidecarPublication, in lock: LockFile, previous: LockFile, lockURL: URL) -> Bool {
    guard let entry = lock.stages[publication.run] else { return true }
    guard previous.stages[publication.run] == entry, previous.reportFolder == publication.folder else { return false }
    let destination = lockURL.deletingLastPathComponent().appendingPathComponent(publication.folder)
    let roles = entry.outputs.keys.sorted()
    let source = SidecarFolder.url(for: store.outputURL(key: entry.key, role: publication.role, roles: roles))
    // Without the store's folder there is nothing to compare with (or to copy): keep what is there.
    guard FileManager.default.fileExists(atPath: source.path) else {
      return FileManager.default.fileExists(atPath: destination.path)
    }
    return SidecarFolder.sameContents(source, destination)
  }
}
