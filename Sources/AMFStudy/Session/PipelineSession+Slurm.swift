import AMFCore
import AMFPipeline
import AMFStages
import Foundation

/// The Slurm executor's view of a session (`run --executor slurm`, `status`, `cancel`, `job`).
extension PipelineSession {
  /// Submits the stale runs to Slurm (see `SlurmSubmitter`), the jobs running this very
  /// binary (a copy of it) unless `stageExecutable` names another.
  public func submitToSlurm(forced: Set<String>, settings: SlurmSettings,
                            stageExecutable: String?, client: any SlurmClient = CommandLineSlurm(),
                            log: @escaping @Sendable (String) -> Void) throws -> SlurmSubmitter.Outcome {
    let executable = URL(fileURLWithPath: BuildInfo.executablePath)
    let digest = try FileBytesHasher().contentHash(of: executable)
    let stage = stageExecutable.map { URL(fileURLWithPath: $0).standardizedFileURL }
    if let stage, !FileManager.default.isExecutableFile(atPath: stage.path) {
      throw PipelineError.unreadable(path: stage.path, reason: "not an executable stage binary")
    }
    let submitter = SlurmSubmitter(
      graph: graph, store: store, lockURL: lockURL, manifest: plan.name, client: client, settings: settings, log: log)
    let outcome = try submitter.submit(
      planStates: { try states(forced: forced) }, forced: forced, executable: executable, executableSHA256: digest, stageExecutable: stage,
      publication: reportPublication)
    try? hasher.save()
    return outcome
  }

  /// The monitor of this manifest's Slurm submissions.
  public func slurmMonitor(client: any SlurmClient = CommandLineSlurm()) -> SlurmMonitor {
    SlurmMonitor(graph: graph, store: store, lockURL: lockURL, client: client)
  }

  /// Runs one stage run of the Slurm submission in `folder` (what `job.sh` calls).
  public static func runSlurmJob(folder: URL, run: String, forced: Bool, jobID: String,
                                 log: @escaping @Sendable (String) -> Void) async throws -> SlurmJobExecution.Result {
    let submission = try SlurmSubmission.read(folder.appendingPathComponent("submission.json"))
    let store = Store(root: URL(fileURLWithPath: submission.storePath))
    let hasher = ArtifactContentHasher(store: store)
    let execution = try SlurmJobExecution(
      folder: folder, hasher: hasher, verifier: ArtifactContentHasher(cacheFolder: nil), log: log)
    return try await execution.run(run, forced: forced, jobID: jobID)
  }
}
