import Foundation

/// What `status` and `cancel` know about a manifest's Slurm submissions: each stage run's job and its
/// state, from the lock (done), the jobs' state files (running, failed) and `squeue` (pending, running).
public struct SlurmMonitor: Sendable {
  public let graph: StageGraph
  public let lockURL: URL
  public let folder: SlurmFolder
  public let client: any SlurmClient

  /// Creates a monitor for the submissions of `lockURL` in `store`'s Slurm folder.
  public init(graph: StageGraph, store: Store, lockURL: URL, client: any SlurmClient) {
    self.graph = graph
    self.lockURL = lockURL.standardizedFileURL
    folder = SlurmFolder(store: store)
    self.client = client
  }

  /// One stage run's job as last submitted.
  public struct JobStatus: Equatable, Sendable {
    /// Where the job stands.
    public var state: JobPhase
    public var jobID: String
    public var submission: String
    /// Slurm's reason for a pending job, the failure, or the log.
    public var detail: String

    /// Creates a status.
    public init(state: JobPhase, jobID: String, submission: String, detail: String) {
      self.state = state
      self.jobID = jobID
      self.submission = submission
      self.detail = detail
    }
  }

  /// The job status of every run that a submission of the current definition covers, by run name (empty,
  /// without asking Slurm, when the manifest has no submission).
  public func statuses() throws -> [String: JobStatus] {
    let definitions = SlurmSubmitter.definitions(of: graph)
    let submissions = folder.submissions(lockURL: lockURL)
    guard !submissions.isEmpty else { return [:] }
    // The latest submission that covers each run with its current definition.
    var latest: [String: (run: SlurmSubmission.Run, folder: URL, id: String)] = [:]
    for (submissionFolder, record) in submissions {
      for run in record.runs where definitions[run.name] == run.definition {
        latest[run.name] = (run, submissionFolder, record.id)
      }
    }
    let queue = try client.states(of: Array(Set(latest.values.map(\.run.jobID))))
    var result: [String: JobStatus] = [:]
    for (name, entry) in latest {
      // A reused job wrote its state file in the submission that made it.
      let owner = entry.run.reusedFrom.map { folder.manifestFolder(lockURL: lockURL).appendingPathComponent($0) }
        ?? entry.folder
      let stateURL = SlurmFolder.stateURL(submission: owner, jobID: entry.run.jobID)
      let record = (try? Data(contentsOf: stateURL)).flatMap { try? JSONDecoder().decode(SlurmJobRecord.self, from: $0) }
      let log = SlurmFolder.logURL(submission: owner, jobID: entry.run.jobID).path
      result[name] = Self.classify(record: record, queued: queue[entry.run.jobID], jobID: entry.run.jobID,
                                   submission: entry.run.reusedFrom ?? entry.id, log: log)
    }
    return result
  }

  /// Where one stage run's job stands, as `status` shows it.
  public enum JobPhase: Hashable, Sendable, CustomStringConvertible {
    case pending, running, failed, cancelled, done
    /// Slurm no longer lists the job and it left no result: cancelled before it started, or lost.
    case submitted
    /// A Slurm state this tool does not classify (e.g. `suspended`), lower-cased.
    case other(String)

    /// The word `status` prints.
    public var description: String {
      switch self {
      case .pending: "pending"
      case .running: "running"
      case .failed: "failed"
      case .cancelled: "cancelled"
      case .done: "done"
      case .submitted: "submitted"
      case .other(let state): state
      }
    }
  }

  /// One job's status from its state file and its queue entry.
  static func classify(record: SlurmJobRecord?, queued: SlurmJobState?, jobID: String, submission: String,
                       log: String) -> JobStatus {
    func status(_ state: JobPhase, _ detail: String) -> JobStatus {
      JobStatus(state: state, jobID: jobID, submission: submission, detail: detail)
    }
    if let record {
      switch record.status {
      case .succeeded, .reused: return status(.done, record.detail)
      case .failed: return status(.failed, "\(record.detail) (job log \(log))")
      case .running: break
      }
    }
    if let queued {
      switch queued.state {
      case "PENDING":
        if queued.reason == "DependencyNeverSatisfied" { return status(.cancelled, "a job it depends on failed") }
        return status(.pending, queued.reason)
      case "RUNNING", "CONFIGURING", "COMPLETING": return status(.running, record?.host ?? "")
      case "CANCELLED": return status(.cancelled, record == nil ? "before it started" : "while running")
      case "COMPLETED": return status(.done, "")
      case "TIMEOUT": return status(.failed, "time limit reached (raise --slurm-time; job log \(log))")
      case "OUT_OF_MEMORY": return status(.failed, "out of memory (raise --slurm-mem; job log \(log))")
      case "NODE_FAIL", "BOOT_FAIL", "PREEMPTED", "FAILED", "DEADLINE":
        return status(.failed, "\(queued.state.lowercased()) (job log \(log))")
      default: return status(.other(queued.state.lowercased()), queued.reason)
      }
    }
    if record?.status == .running { return status(.failed, "the job ended without a result (job log \(log))") }
    return status(.submitted, "no longer queued and never started: cancelled, or its dependency failed")
  }

  /// Cancels every still-queued or running job of this manifest's submissions; returns their ids.
  public func cancelAll() throws -> [String] {
    let ids = Array(Set(folder.submissions(lockURL: lockURL).flatMap { $0.record.runs.map(\.jobID) }))
    let queue = try client.states(of: ids)
    let live = ids.filter { queue[$0]?.isLive == true || queue[$0]?.state == "PENDING" }
      .sorted { ($0.count, $0) < ($1.count, $1) }
    try client.cancel(live)
    return live
  }
}
