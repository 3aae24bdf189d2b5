import AMFCore
import AMFPipeline
import AMFStages
import Foundation

/// The report folder next to a manifest's lock: `<manifest name>.report/`, a copy of the top-level
/// report run's sidecar folder (`report.md`, CSV files, plots), named by the lock's `report_folder`.
extension PipelineSession {
  /// The run whose folder is published: the manifest's top-level `report` (an arm's own report, or a
  /// study's report over every arm).
  public static let reportRun = "report"

  /// What `run` publishes: the `report` run's sidecar folder as `<manifest name>.report`, or nil when
  /// the plan has no top-level report run.
  public var reportPublication: SidecarPublication? {
    guard let run = graph.run(named: Self.reportRun), run.kind == StageKind.report.rawValue else { return nil }
    let lockName = lockURL.lastPathComponent
    let base = lockName.hasSuffix(".lock.json") ? String(lockName.dropLast(".lock.json".count)) : lockName
    return SidecarPublication(run: Self.reportRun, role: StageKind.report.outputRoles[0], folder: "\(base).report")
  }

  /// The report folder the lock names, resolved against the lock's folder (nil: the lock names none).
  public func reportFolderURL(_ lock: LockFile) -> URL? {
    lock.reportFolder.map { lockURL.deletingLastPathComponent().appendingPathComponent($0).standardizedFileURL }
  }

  /// `verify`'s checks of the report folders: the one the lock names exists next to it, and the store
  /// still holds the sidecar folder it was copied from.
  func reportFolderFindings(_ lock: LockFile) -> [LockVerifier.Finding] {
    guard let folder = reportFolderURL(lock) else { return [] }
    var findings: [LockVerifier.Finding] = []
    if !FileManager.default.fileExists(atPath: folder.path) {
      findings.append(
        LockVerifier.Finding(run: Self.reportRun, role: "report folder", path: folder.path, problem: .missing))
    }
    if let entry = lock.stages[Self.reportRun], let role = entry.outputs.keys.sorted().first {
      let roles = entry.outputs.keys.sorted()
      let source = SidecarFolder.url(for: store.outputURL(key: entry.key, role: role, roles: roles))
      if !FileManager.default.fileExists(atPath: source.path) {
        findings.append(
          LockVerifier.Finding(run: Self.reportRun, role: "sidecar", path: source.path, problem: .missing))
      }
    }
    return findings
  }
}
