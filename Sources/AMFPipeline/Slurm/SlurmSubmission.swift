import AMFCore
import Foundation

/// The record of one `run --executor slurm`: `<slurm folder>/<manifest id>/<submission id>/submission.json`.
///
/// It is written before the first `sbatch` (with no runs: what each job needs to run) and again once
/// every job is submitted (with the runs and their job ids: what `status` and `cancel` read). Beside
/// it: `plan.json` (the plan as submitted; jobs run from it, so editing the manifest later changes no
/// submitted job), `job.sh` (the batch script), `logs/<job id>.out` and `state/<job id>.json`.
public struct SlurmSubmission: Codable, Equatable, Sendable {
  /// The submission id: `yyyyMMdd-HHmmss-<milliseconds>-<pid>` (UTC).
  public var id: String
  /// When it was made (ISO 8601).
  public var created: String
  /// The plan's name.
  public var manifest: String
  /// The lock the jobs commit their entries to.
  public var lockPath: String
  /// The store.
  public var storePath: String
  /// The folder the jobs run in (`sbatch --chdir`).
  public var workingDirectory: String
  /// The orchestrator binary the jobs run (a content-addressed copy, so a rebuild cannot change a
  /// submitted job), and its SHA-256.
  public var executable: String
  public var executableSHA256: String
  /// The binary that runs the stages (normally `executable`, `… stage <kind>`).
  public var stageExecutable: String
  /// The report folder the `report` job publishes next to the lock, if any.
  public var publication: SidecarPublication?
  /// The resources asked for.
  public var settings: SlurmSettings
  /// The submitted stage runs, in graph order (empty in the first write).
  public var runs: [Run]

  /// One stage run of the submission.
  public struct Run: Codable, Equatable, Sendable {
    /// The stage run's name.
    public var name: String
    /// Its kind.
    public var kind: String
    /// Its definition digest (`SlurmSubmitter.definitions`): equal digests compute the same key.
    public var definition: String
    /// The Slurm job id that computes it.
    public var jobID: String
    /// The job ids it runs after.
    public var dependencies: [String]
    /// The earlier submission whose still-queued job this one reuses (nil: submitted here).
    public var reusedFrom: String?
    /// Whether the run was forced (`--force`): its job recomputes even when the key has outputs.
    public var forced: Bool
  }

  /// Reads a record.
  public static func read(_ url: URL) throws -> SlurmSubmission {
    do {
      return try JSONDecoder().decode(SlurmSubmission.self, from: Data(contentsOf: url))
    } catch {
      throw SlurmError.badSubmission(path: url.path, reason: "\(error)")
    }
  }

  /// Writes it atomically.
  public func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    try AtomicFile.write(try encoder.encode(self) + Data("\n".utf8), to: url)
  }
}

/// Where Slurm submissions live: `<store's parent>/slurm/` (`Artifacts/slurm` for the default store).
public struct SlurmFolder: Sendable {
  /// `Artifacts/slurm`.
  public let root: URL

  /// The Slurm folder that belongs to `store`.
  public init(store: Store) {
    root = store.root.standardizedFileURL.deletingLastPathComponent().appendingPathComponent("slurm")
  }

  /// The folder of a lock's submissions: its path relative to the working directory (absolute when
  /// outside), with `/` turned into `-`, e.g. `Pipelines-ablations-no-is`.
  public func manifestFolder(lockURL: URL) -> URL {
    let cwd = FileManager.default.currentDirectoryPath
    var path = lockURL.standardizedFileURL.path
    if path.hasPrefix(cwd + "/") { path = String(path.dropFirst(cwd.count + 1)) }
    if path.hasSuffix(".lock.json") { path = String(path.dropLast(".lock.json".count)) }
    let name = path.split(separator: "/").joined(separator: "-")
    return root.appendingPathComponent(name.isEmpty ? "manifest" : name)
  }

  /// The state file a job of the submission in `submission` keeps (`SlurmJobRecord`).
  public static func stateURL(submission: URL, jobID: String) -> URL {
    submission.appendingPathComponent("state").appendingPathComponent("\(jobID).json")
  }

  /// Slurm's output file of a job: `sbatch --output` with `%j`, or, given the id, the file itself.
  public static func logURL(submission: URL, jobID: String = "%j") -> URL {
    submission.appendingPathComponent("logs").appendingPathComponent("\(jobID).out")
  }

  /// A submission's folder.
  public func submissionFolder(lockURL: URL, id: String) -> URL {
    manifestFolder(lockURL: lockURL).appendingPathComponent(id)
  }

  /// Every complete submission of `lockURL` (those with runs), oldest first.
  public func submissions(lockURL: URL) -> [(folder: URL, record: SlurmSubmission)] {
    let folder = manifestFolder(lockURL: lockURL)
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    return names.compactMap { name in
      let submission = folder.appendingPathComponent(name)
      guard let record = try? SlurmSubmission.read(submission.appendingPathComponent("submission.json")),
        !record.runs.isEmpty, record.lockPath == lockURL.standardizedFileURL.path
      else { return nil }
      return (submission, record)
    }
  }

  /// The copy of `executable` that submissions run: `bin/amf-pipeline-<sha256 prefix>`, made once.
  public func installedExecutable(_ executable: URL, sha256: String) throws -> URL {
    let destination = root.appendingPathComponent("bin").appendingPathComponent(
      "\(executable.lastPathComponent)-\(sha256.prefix(16))")
    if FileManager.default.isExecutableFile(atPath: destination.path) { return destination }
    try AtomicFile.write(to: destination) { temporary in
      try FileManager.default.copyItem(at: executable, to: temporary)
      chmod(temporary.path, 0o755)
    }
    return destination
  }
}

/// The file a job keeps about itself: `state/<job id>.json`.
public struct SlurmJobRecord: Codable, Equatable, Sendable {
  /// The stage run.
  public var run: String
  /// `running`, `succeeded`, `reused` (outputs at the key existed), or `failed`.
  public var status: RunStatus
  /// The host it ran on.
  public var host: String
  /// What failed, or where the stage's log is.
  public var detail: String

  /// Creates a record.
  public init(run: String, status: RunStatus, host: String, detail: String) {
    self.run = run
    self.status = status
    self.host = host
    self.detail = detail
  }
}
