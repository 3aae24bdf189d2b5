import AMFCore
import Foundation

/// How one stage run ended in a `run`.
public enum RunOutcome: Hashable, Sendable {
  /// Nothing to do: valid outputs existed before the run.
  case upToDate
  /// Outputs at its key appeared meanwhile (another arm or process computed the same key).
  case reused
  /// Executed successfully.
  case succeeded(seconds: Double)
  /// Executed and failed: the stage process exited with `exitCode`; its output is in `log`.
  case failed(exitCode: Int32, log: String)
  /// Failed in the orchestrator's own work around the stage, before or after its process (a marker, log or
  /// run record it could not write, e.g. on a full disk; an input changed after planning): `message` says what.
  case errored(message: String)
  /// Not executed because an upstream run failed or the run stopped.
  case skipped(reason: String)

  /// Whether the run ended with usable outputs.
  public var isSuccess: Bool {
    switch self {
    case .upToDate, .reused, .succeeded: true
    case .failed, .errored, .skipped: false
    }
  }
}

/// The result of `Executor.run`.
public struct RunSummary: Sendable {
  /// Each run's outcome, in graph order.
  public var outcomes: [(name: String, outcome: RunOutcome)]
  /// Whether a signal stopped the run.
  public var interrupted: Bool
  /// The lock as written.
  public var lock: LockFile

  /// Runs that failed, in their stage process or in the orchestrator's work around it.
  public var failures: [(name: String, outcome: RunOutcome)] {
    outcomes.filter {
      switch $0.outcome {
      case .failed, .errored: true
      default: false
      }
    }
  }
}

/// Runs the stale stage runs of a plan: in dependency order, `jobs` at a time, each under its
/// per-key lock, then writes the lock file (PIPELINE.md §3–4).
public final class Executor: @unchecked Sendable {
  public let graph: StageGraph
  public let store: Store
  public let hasher: any ContentHasher
  public let runner: any StageRunner
  public let context: RunContext
  /// Called with one human-readable line per event (start, finish, failure).
  public let log: @Sendable (String) -> Void
  /// Where the progress lines (a run starts, a run finishes with the estimate of the time left) go instead
  /// of `log`, when set: `amf-pipeline run` on a terminal rewrites one line with them.
  public var progressLog: (@Sendable (String) -> Void)?
  private let state = NSLock()
  private var cancelled = false
  private var computedKeys: Set<String> = []

  /// Whether this executor computed `key` already (forced runs sharing a key run once).
  func computedKeysContains(_ key: String) -> Bool { state.withLock { computedKeys.contains(key) } }

  /// Records that this executor computed `key`.
  func markComputed(_ key: String) { _ = state.withLock { computedKeys.insert(key) } }

  /// Creates an executor.
  public init(graph: StageGraph, store: Store, hasher: any ContentHasher, runner: any StageRunner,
              context: RunContext, log: @escaping @Sendable (String) -> Void = { _ in }) {
    self.graph = graph
    self.store = store
    self.hasher = hasher
    self.runner = runner
    self.context = context
    self.log = log
  }

  /// Stops launching runs and terminates the running ones (from a signal handler's queue).
  public func cancel() {
    state.withLock { cancelled = true }
    runner.terminateAll()
  }

  private var isCancelled: Bool { state.withLock { cancelled } }

  /// Executes every stale run of `states`, then writes the lock to `lockURL` (after copying the sidecar
  /// folder of `publishing`, if given, next to it).
  public func run(states: [(name: String, state: RunState)], previousLock: LockFile, lockURL: URL,
                  jobs: Int, keepGoing: Bool, publishing: SidecarPublication? = nil) async throws -> RunSummary {
    var schedule = Schedule(graph: graph, states: states)
    // Leftovers of killed runs only matter to runs about to execute; a no-op run skips the scan.
    if schedule.total > 0 { store.recover() }
    let work = schedule.total > 0 ? ProgressEstimate.work(states: states, graph: graph, store: store) : .init()
    let kinds = Set(work.kinds.values)
    let prior = kinds.isEmpty ? [:] : ProgressEstimate.priorDurations(lock: previousLock, kinds: kinds, store: store)
    var progress = ProgressEstimate(total: schedule.total, work: work, prior: prior, jobs: jobs)
    await launch(&schedule, progress: &progress, jobs: max(1, jobs), keepGoing: keepGoing)
    schedule.skipWaiting(interrupted: isCancelled)
    // Temporaries of writers that were still being reaped when the run started are gone by now.
    if schedule.total > 0 { store.recover() }
    if schedule.started > 0 { AtomicFile.syncAll() }
    let lock = try writeLock(
      finished: schedule.finished, previous: previousLock, lockURL: lockURL, publishing: publishing)
    try? hasher.save()
    return RunSummary(outcomes: schedule.orderedOutcomes, interrupted: isCancelled, lock: lock)
  }

  /// Launches the schedule's runs as their inputs become known, `jobs` at a time, until none is left,
  /// one failed (without `keepGoing`) or the run was cancelled.
  private func launch(_ schedule: inout Schedule, progress: inout ProgressEstimate, jobs: Int, keepGoing: Bool) async {
    let clock = ContinuousClock()
    let start = clock.now
    await withTaskGroup(of: (ResolvedRun, Result<([String: String], RunOutcome), any Error>).self) { group in
      var running = 0
      var stopped = false
      while true {
        while running < jobs, !stopped, !isCancelled, let next = schedule.nextLaunch() {
          let inputURLs = self.inputURLs(of: next.run.spec, finished: schedule.finished)
          running += 1
          let elapsed = Self.seconds(clock.now - start)
          let left = progress.secondsLeft(elapsed: elapsed).map { " · about \(ProgressEstimate.duration($0)) left" } ?? ""
          (progressLog ?? log)("[\(schedule.started)/\(schedule.total)] \(next.run.spec.name)\(left)")
          group.addTask { (next.run, await self.execute(next.run, inputURLs: inputURLs, forced: next.forced)) }
        }
        guard running > 0, let (run, result) = await group.next() else { break }
        running -= 1
        let succeeded = record(result, of: run, in: &schedule)
        report(result, of: run, progress: &progress, elapsed: Self.seconds(clock.now - start))
        if !succeeded, !keepGoing { stopped = true }
      }
    }
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }

  /// Counts a finished run into `progress` and logs `done NAME in S s · k/N done, about T left`.
  private func report(_ result: Result<([String: String], RunOutcome), any Error>, of run: ResolvedRun,
                      progress: inout ProgressEstimate, elapsed: Double) {
    guard case .success(let (_, outcome)) = result else {
      progress.finish(name: run.spec.name, kind: run.spec.kind, seconds: nil)
      return
    }
    if case .succeeded(let seconds) = outcome {
      progress.finish(name: run.spec.name, kind: run.spec.kind, seconds: seconds)
      (progressLog ?? log)(
        "done \(run.spec.name) in \(String(format: "%.2f", seconds)) s · \(progress.summary(elapsed: elapsed))")
    } else {
      progress.finish(name: run.spec.name, kind: run.spec.kind, seconds: nil)
    }
  }

  /// Paths of `spec`'s inputs: each producer's output at the producer's key, and each file input.
  func inputURLs(of spec: StageRunSpec, finished: [String: FinishedRun]) -> [String: URL] {
    var urls = spec.files.mapValues(\.url)
    for (role, reference) in spec.inputs {
      guard let producer = finished[reference.run] else { continue }
      urls[role] = store.outputURL(
        key: producer.run.key, role: reference.role, roles: producer.run.spec.outputRoles)
    }
    return urls
  }

  /// Enters one execution's result into the schedule; false when the run failed.
  private func record(_ result: Result<([String: String], RunOutcome), any Error>, of run: ResolvedRun,
                      in schedule: inout Schedule) -> Bool {
    switch result {
    case .success(let (outputs, outcome)):
      schedule.succeed(run, outputs: outputs, outcome: outcome)
      return true
    case .failure(let error):
      schedule.fail(run, error: error)
      // After SIGINT/SIGTERM the stages die of the run's own SIGTERM: stopped, not failed.
      log(isCancelled ? "stopped \(run.spec.name) (interrupted)" : "FAILED \(run.spec.name): \(error)")
      return false
    }
  }

  /// Writes the lock after a run and returns it.
  ///
  /// A no-op run leaves an unchanged lock alone (rewriting it cost a third of a no-op run of 2 000 runs).
  /// Otherwise the lock is re-read under its writer lock and updated from what is there now, so that
  /// entries committed meanwhile (a Slurm job, another `run`) are kept rather than overwritten.
  private func writeLock(finished: [String: FinishedRun], previous: LockFile, lockURL: URL,
                         publishing: SidecarPublication?) throws -> LockFile {
    let lockFolder = lockURL.deletingLastPathComponent()
    let lock = try previous.updated(graph: graph, finished: finished, lockFolder: lockFolder)
    let publicationDue = publishing.map { !isPublished($0, in: lock, previous: previous, lockURL: lockURL) } ?? false
    guard lock != previous || publicationDue || !FileManager.default.fileExists(atPath: lockURL.path) else {
      return lock
    }
    return try LockFile.update(at: lockURL, manifest: previous.manifest) { current in
      var next = try current.updated(graph: graph, finished: finished, lockFolder: lockFolder)
      if let publishing { publish(publishing, in: &next, previous: current, lockURL: lockURL) }
      current = next
    }
  }
}
