import AMFCore
import Foundation

/// `run --executor slurm`: plans locally, submits one `sbatch` job per stale stage run, wired with
/// `afterok` dependencies, writes the submission record, and returns (PIPELINE.md §4).
///
/// Keys of runs downstream of stale runs are unknown until their inputs exist, so a job does not get
/// its key from here: it plans its own run again from the submitted plan when it starts
/// (`SlurmJobExecution`). What the submitter decides is *which* runs need a job, and which earlier
/// jobs (still queued or running, for the same definition) already cover a run.
public struct SlurmSubmitter: Sendable {
  public let graph: StageGraph
  public let store: Store
  public let lockURL: URL
  /// The plan's name (recorded in the lock).
  public let manifest: String
  public let client: any SlurmClient
  public let settings: SlurmSettings
  public let folder: SlurmFolder
  /// Called with one human-readable line per event.
  public let log: @Sendable (String) -> Void

  /// Creates a submitter.
  public init(graph: StageGraph, store: Store, lockURL: URL, manifest: String, client: any SlurmClient,
              settings: SlurmSettings, log: @escaping @Sendable (String) -> Void = { _ in }) {
    self.graph = graph
    self.store = store
    self.lockURL = lockURL.standardizedFileURL
    self.manifest = manifest
    self.client = client
    self.settings = settings
    folder = SlurmFolder(store: store)
    self.log = log
  }

  /// What a submission did.
  public struct Outcome: Sendable {
    /// The record (nil: nothing was stale, nothing submitted).
    public var submission: SlurmSubmission?
    /// Its folder.
    public var folder: URL?
    /// Runs submitted as new jobs.
    public var submitted: Int
    /// Runs left to jobs of earlier submissions that are still queued or running.
    public var reused: Int
    /// Runs that were up to date.
    public var upToDate: Int
  }

  /// Each run's definition digest: its key material with every input hash replaced by the definition
  /// of the producing run (a file input keeps its pinned hash). Two runs with equal definitions compute the
  /// same key once their inputs exist, so a queued job of an earlier submission with the same definition
  /// does this run's work.
  public static func definitions(of graph: StageGraph) -> [String: String] {
    var definitions: [String: String] = [:]
    for run in graph.order {
      var inputs = run.files.mapValues(\.contentHash)
      for (role, reference) in run.inputs {
        inputs[role] = "definition:\(definitions[reference.run] ?? "?"):\(reference.role)"
      }
      definitions[run.name] = StageKey.compute(for: run, inputHashes: inputs)
    }
    return definitions
  }

  /// Submits the stale runs of `states`.
  ///
  /// Edge cases: a stale run whose definition has a live job in an earlier submission of the same lock
  /// gets no new job (its dependents wait on that job); when an `sbatch` fails, every job this
  /// submission made is cancelled and its folder removed, so nothing half-submitted remains; up-to-date
  /// runs are committed to the lock first (as a local `run` would), entries of runs the manifest no
  /// longer has are dropped.
  ///
  /// `planStates` is called after the queue is read, not before: a job that ends in between has then
  /// either left its outputs for the planner to find, or is still live and reused; planning first
  /// would resubmit a run whose job finished a moment after the planner looked.
  public func submit(planStates: () throws -> [(name: String, state: RunState)], forced: Set<String>,
                     executable: URL, executableSHA256: String, stageExecutable: URL?,
                     publication: SidecarPublication?) throws -> Outcome
  {
    try client.checkAvailable()
    let live = try liveJobs()
    let states = try planStates()
    var upToDate: [String: [String: String]] = [:]
    var stale: Set<String> = []
    for (name, state) in states {
      switch state {
      case .upToDate(_, let outputs): upToDate[name] = outputs
      case .stale: stale.insert(name)
      }
    }
    // Up-to-date runs go into the lock (as a local `run` would record them) once the jobs are submitted;
    // a failed submission leaves the lock alone.
    func commitUpToDate() throws {
      if upToDate.isEmpty, !FileManager.default.fileExists(atPath: lockURL.path) { return }
      try LockFile.update(at: lockURL, manifest: manifest) { lock in
        lock = try lock.updated(
          graph: graph, finished: FinishedRun.upToDate(states, graph: graph),
          lockFolder: lockURL.deletingLastPathComponent())
      }
    }
    guard !stale.isEmpty else {
      try commitUpToDate()
      return Outcome(submission: nil, folder: nil, submitted: 0, reused: 0, upToDate: upToDate.count)
    }
    let definitions = Self.definitions(of: graph)
    let installed = try folder.installedExecutable(executable, sha256: executableSHA256)
    let id = Self.submissionID()
    let submissionFolder = folder.submissionFolder(lockURL: lockURL, id: id)
    var record = SlurmSubmission(
      id: id, created: ISO8601DateFormatter().string(from: Date()), manifest: manifest, lockPath: lockURL.path,
      storePath: store.root.standardizedFileURL.path, workingDirectory: FileManager.default.currentDirectoryPath,
      executable: installed.path, executableSHA256: executableSHA256,
      stageExecutable: (stageExecutable ?? installed).path, publication: publication, settings: settings, runs: [])
    try writeFolder(record, to: submissionFolder)
    var jobOf: [String: String] = [:]
    var madeHere: [String] = []
    var submitted = 0
    var reused = 0
    do {
      for run in graph.order where stale.contains(run.name) {
        let definition = definitions[run.name] ?? ""
        if !forced.contains(run.name), let earlier = live[definition] {
          jobOf[run.name] = earlier.jobID
          record.runs.append(SlurmSubmission.Run(
            name: run.name, kind: run.kind, definition: definition, jobID: earlier.jobID, dependencies: [],
            reusedFrom: earlier.submission, forced: false))
          reused += 1
          continue
        }
        let dependencies = Array(Set(run.inputs.values.compactMap { jobOf[$0.run] })).sorted {
          ($0.count, $0) < ($1.count, $1)
        }
        let request = SlurmJobRequest(
          name: "amf:\(run.name)", script: submissionFolder.appendingPathComponent("job.sh"),
          arguments: forced.contains(run.name) ? [run.name, "--forced"] : [run.name], dependencies: dependencies,
          options: settings.options(for: run.kind),
          output: SlurmFolder.logURL(submission: submissionFolder).path,
          workingDirectory: record.workingDirectory)
        let jobID = try client.submit(request)
        madeHere.append(jobID)
        jobOf[run.name] = jobID
        record.runs.append(SlurmSubmission.Run(
          name: run.name, kind: run.kind, definition: definition, jobID: jobID, dependencies: dependencies,
          reusedFrom: nil, forced: forced.contains(run.name)))
        submitted += 1
        log("submitted \(run.name) as job \(jobID)"
          + (dependencies.isEmpty ? "" : " after \(dependencies.joined(separator: ","))"))
      }
      try record.write(to: submissionFolder.appendingPathComponent("submission.json"))
      try commitUpToDate()
    } catch {
      try? client.cancel(madeHere)
      try? FileManager.default.removeItem(at: submissionFolder)
      if !madeHere.isEmpty { log("cancelled the \(madeHere.count) jobs this submission had made") }
      throw error
    }
    return Outcome(submission: record, folder: submissionFolder, submitted: submitted, reused: reused,
                   upToDate: upToDate.count)
  }

  /// Jobs of earlier submissions of this lock that Slurm still queues or runs, by definition.
  func liveJobs() throws -> [String: (jobID: String, submission: String)] {
    let earlier = folder.submissions(lockURL: lockURL)
    let ids = earlier.flatMap { $0.record.runs.map(\.jobID) }
    guard !ids.isEmpty else { return [:] }
    let states = try client.states(of: ids)
    var live: [String: (jobID: String, submission: String)] = [:]
    for (_, record) in earlier {
      for run in record.runs where states[run.jobID]?.isLive == true {
        live[run.definition] = (run.jobID, run.reusedFrom ?? record.id)
      }
    }
    return live
  }

  /// The submission folder before any job exists: the record, the plan the jobs run, the script.
  func writeFolder(_ record: SlurmSubmission, to submissionFolder: URL) throws {
    try FileManager.default.createDirectory(
      at: submissionFolder.appendingPathComponent("logs"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      at: submissionFolder.appendingPathComponent("state"), withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let plan = PlanFile(name: manifest, runs: graph.order)
    try AtomicFile.write(try encoder.encode(plan), to: submissionFolder.appendingPathComponent("plan.json"))
    try record.write(to: submissionFolder.appendingPathComponent("submission.json"))
    let script = """
      #!/bin/sh
      # One stage run of amf-pipeline submission \(record.id) (\(manifest)); argument: the run's name.
      # The job re-checks its inputs' content hashes, computes under the key's lock, and commits its lock entry.
      exec \(Self.shellQuoted(record.executable)) job \(Self.shellQuoted(submissionFolder.path)) "$@"

      """
    let scriptURL = submissionFolder.appendingPathComponent("job.sh")
    try AtomicFile.write(Data(script.utf8), to: scriptURL)
    chmod(scriptURL.path, 0o755)
  }

  static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

  static func submissionID() -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss-SSS"
    return "\(formatter.string(from: Date()))-\(getpid())"
  }
}
