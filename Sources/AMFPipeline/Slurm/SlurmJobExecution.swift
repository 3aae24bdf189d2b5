import AMFCore
import Foundation

/// What one Slurm job does (`amf-pipeline job SUBMISSION RUN`): plan its run again from the submitted
/// plan, re-check the content hash of every input, compute under the key's lock (or find the key
/// done and do nothing), and commit its lock entry under the lock file's writer lock.
///
/// A job trusts nothing its dependencies promise: Slurm accepts `afterok` on a job id that no longer
/// exists, so a job may start before (or without) its producers. It then fails with a message naming
/// the missing input, and `--kill-on-invalid-dep` cancels what depends on it.
public struct SlurmJobExecution: Sendable {
  /// The submission folder.
  public let folder: URL
  public let submission: SlurmSubmission
  public let plan: PlanFile
  /// The hasher used to plan (may cache by file identity).
  public let hasher: any ContentHasher
  /// The hasher used to re-check the inputs right before computing (must read the files).
  public let verifier: any ContentHasher
  public let log: @Sendable (String) -> Void
  /// Runs the stage (nil: a child process of the submission's stage executable; tests pass their own).
  public let runner: (any StageRunner)?

  /// Loads the submission in `folder`.
  public init(folder: URL, hasher: any ContentHasher, verifier: any ContentHasher, runner: (any StageRunner)? = nil,
              log: @escaping @Sendable (String) -> Void) throws {
    self.folder = folder
    self.runner = runner
    submission = try SlurmSubmission.read(folder.appendingPathComponent("submission.json"))
    plan = try PlanFile.read(folder.appendingPathComponent("plan.json"))
    self.hasher = hasher
    self.verifier = verifier
    self.log = log
  }

  /// How a job ended.
  public enum Result: Equatable, Sendable {
    /// The outputs at its key existed (another job or a local run made them): nothing computed.
    case alreadyDone(key: String)
    /// Computed now.
    case computed(key: String, seconds: Double)
  }

  /// Runs `name` (recomputing even when its key has outputs if `forced`); throws when it cannot start
  /// or fails. The job's state file says the same.
  public func run(_ name: String, forced: Bool, jobID: String) async throws -> Result {
    let host = ProcessInfo.processInfo.hostName
    let stateURL = SlurmFolder.stateURL(submission: folder, jobID: jobID)
    try? writeState(SlurmJobRecord(run: name, status: .running, host: host, detail: ""), to: stateURL)
    do {
      let result = try await execute(name, forced: forced)
      let detail: String
      switch result {
      case .alreadyDone(let key): detail = "outputs at key \(key) existed"
      case .computed(let key, let seconds): detail = "computed key \(key) in \(String(format: "%.2f", seconds)) s"
      }
      let status: RunStatus = if case .alreadyDone = result { .reused } else { .succeeded }
      try? writeState(SlurmJobRecord(run: name, status: status, host: host, detail: detail), to: stateURL)
      return result
    } catch {
      try? writeState(SlurmJobRecord(run: name, status: .failed, host: host, detail: "\(error)"), to: stateURL)
      throw error
    }
  }

  private func execute(_ name: String, forced: Bool) async throws -> Result {
    let all = try StageGraph(plan.runs)
    guard let spec = all.run(named: name) else { throw SlurmError.unknownRun(run: name, submission: folder.path) }
    // Only the run and its ancestors matter; planning them alone keeps a job's start-up small.
    let needed = Set(all.closure(upstreamOf: [name]))
    let graph = try StageGraph(all.order.filter { needed.contains($0.name) })
    let store = Store(root: URL(fileURLWithPath: submission.storePath))
    // As a local `run`: from planning to the lock entry, `gc` must not collect what this job reads or writes.
    let storeLock = try store.useLock(exclusive: false, wait: true)
    defer { storeLock?.release() }
    let states = Dictionary(uniqueKeysWithValues: try Planner(
      graph: graph, store: store, lock: LockFile(manifest: plan.name), hasher: hasher).states().map { ($0.name, $0.state) })
    let (inputHashes, inputURLs) = try verifiedInputs(of: spec, graph: graph, store: store, states: states)
    let run = ResolvedRun(spec, inputHashes: inputHashes)
    let executable = URL(fileURLWithPath: submission.stageExecutable)
    let context = RunContext(
      executable: executable,
      knownSHA256: submission.stageExecutable == submission.executable ? submission.executableSHA256 : nil)
    let executor = Executor(
      graph: graph, store: store, hasher: hasher, runner: runner ?? SubprocessStageRunner(executable: executable),
      context: context, log: log)
    let (result, outputs) = try await compute(run, forced: forced, upToDate: states[name], executor: executor,
                                              inputURLs: inputURLs)
    AtomicFile.syncAll()
    try commit(FinishedRun(run: run, outputs: outputs), executor: executor)
    return result
  }

  /// The content hash and path of every input of `spec`, each re-read now; throws
  /// `SlurmError.inputNotReady` naming the role when a producer's output is missing, unreadable or changed,
  /// and `PipelineError.fileInputChanged` when a file input no longer has the hash it was submitted with.
  private func verifiedInputs(of spec: StageRunSpec, graph: StageGraph, store: Store, states: [String: RunState])
    throws -> ([String: String], [String: URL])
  {
    var inputHashes: [String: String] = [:]
    var inputURLs: [String: URL] = [:]
    for (role, file) in spec.files.sorted(by: { $0.key < $1.key }) {
      try file.check(run: spec.name, role: role, hasher: verifier)
      inputHashes[role] = file.contentHash
      inputURLs[role] = file.url
    }
    for role in spec.inputs.keys.sorted() {
      guard let reference = spec.inputs[role], let producer = graph.run(named: reference.run) else { continue }
      func notReady(_ reason: String) -> SlurmError {
        SlurmError.inputNotReady(run: spec.name, role: role, producer: reference.run, reason: reason)
      }
      guard case .upToDate(let key, let outputs)? = states[reference.run], let expected = outputs[reference.role] else {
        if case .stale(let why, _)? = states[reference.run] { throw notReady("is not in the store (\(why))") }
        throw notReady("is not in the store")
      }
      let url = store.outputURL(key: key, role: reference.role, roles: producer.outputRoles)
      let actual: String
      do {
        actual = try verifier.contentHash(of: url)
      } catch {
        throw notReady("is unreadable: \(error)")
      }
      guard actual == expected else { throw notReady("changed while planning (\(expected) → \(actual))") }
      inputHashes[role] = actual
      inputURLs[role] = url
    }
    return (inputHashes, inputURLs)
  }

  /// Computes `run` under its key lock, or finds its outputs there; returns how, and the outputs.
  private func compute(_ run: ResolvedRun, forced: Bool, upToDate state: RunState?, executor: Executor,
                       inputURLs: [String: URL]) async throws -> (Result, [String: String]) {
    let (name, key) = (run.spec.name, run.key)
    if !forced, case .upToDate(_, let produced)? = state {
      log("\(name): outputs at key \(key) exist; nothing to compute")
      return (.alreadyDone(key: key), produced)
    }
    switch await executor.execute(run, inputURLs: inputURLs, forced: forced) {
    case .success((let produced, .succeeded(let seconds))):
      return (.computed(key: key, seconds: seconds), produced)
    case .success(let (produced, _)):
      log("\(name): outputs at key \(key) appeared meanwhile; nothing computed")
      return (.alreadyDone(key: key), produced)
    case .failure(let error):
      throw error
    }
  }

  /// Commits the run's lock entry (and the publication it carries) under the lock file's writer lock.
  private func commit(_ finished: FinishedRun, executor: Executor) throws {
    let entry = try finished.lockEntry(lockFolder: URL(fileURLWithPath: submission.lockPath).deletingLastPathComponent())
    let name = finished.run.spec.name
    try LockFile.update(at: URL(fileURLWithPath: submission.lockPath), manifest: plan.name) { lock in
      let previous = lock
      lock.stages[name] = entry
      if let publication = submission.publication, publication.run == name {
        executor.publish(
          publication, in: &lock, previous: previous, lockURL: URL(fileURLWithPath: submission.lockPath))
      }
    }
  }

  private func writeState(_ record: SlurmJobRecord, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(try encoder.encode(record), to: url, durable: false)
  }
}
