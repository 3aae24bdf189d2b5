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
  /// Executed and failed.
  case failed(exitCode: Int32, log: String)
  /// Not executed because an upstream run failed or the run stopped.
  case skipped(reason: String)

  /// Whether the run ended with usable outputs.
  public var isSuccess: Bool {
    switch self {
    case .upToDate, .reused, .succeeded: true
    case .failed, .skipped: false
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

  /// Runs that failed.
  public var failures: [(name: String, outcome: RunOutcome)] {
    outcomes.filter { if case .failed = $0.outcome { true } else { false } }
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
    var outputs: [String: [String: String]] = [:]
    var keys: [String: String] = [:]
    var outcomes: [String: RunOutcome] = [:]
    var pending: [(String, Bool)] = []  // (name, forced)
    for (name, runState) in states {
      switch runState {
      case .upToDate(let key, let produced):
        outputs[name] = produced
        keys[name] = key
        outcomes[name] = .upToDate
      case .stale(let reason, _):
        pending.append((name, reason == .forced))
      }
    }
    // Leftovers of killed runs only matter to runs about to execute; a no-op run skips the scan.
    if !pending.isEmpty { store.recover() }
    let total = pending.count
    var started = 0
    var stopped = false
    await withTaskGroup(of: (String, Result<([String: String], RunOutcome), any Error>).self) { group in
      var running = 0
      while true {
        var index = 0
        while index < pending.count, running < max(1, jobs), !stopped, !isCancelled {
          let (name, forced) = pending[index]
          guard let run = graph.run(named: name) else { pending.remove(at: index); continue }
          if let blocker = run.inputs.values.first(where: { outcomes[$0.run].map { !$0.isSuccess } ?? false }) {
            outcomes[name] = .skipped(reason: "upstream \(blocker.run) did not succeed")
            pending.remove(at: index)
            continue
          }
          guard let hashes = Planner.inputHashes(of: run, outputs: { outputs[$0] }) else { index += 1; continue }
          var inputURLs: [String: URL] = [:]
          for (role, reference) in run.inputs {
            guard let producer = graph.run(named: reference.run), let key = keys[reference.run] else { continue }
            inputURLs[role] = store.outputURL(key: key, role: reference.role, roles: producer.outputRoles)
          }
          pending.remove(at: index)
          running += 1
          started += 1
          log("[\(started)/\(total)] \(name)")
          group.addTask { (name, await self.execute(run, inputHashes: hashes, inputURLs: inputURLs, forced: forced)) }
        }
        guard running > 0, let (name, result) = await group.next() else { break }
        running -= 1
        switch result {
        case .success(let (produced, outcome)):
          outputs[name] = produced
          outcomes[name] = outcome
          if let run = graph.run(named: name), let hashes = Planner.inputHashes(of: run, outputs: { outputs[$0] }) {
            keys[name] = StageKey.compute(for: run, inputHashes: hashes)
          }
        case .failure(let error):
          let outcome: RunOutcome
          if case PipelineError.stageFailed(_, let code, let logPath) = error {
            outcome = .failed(exitCode: code, log: logPath)
          } else {
            outcome = .failed(exitCode: -1, log: "\(error)")
          }
          outcomes[name] = outcome
          // After SIGINT/SIGTERM the stages die of the run's own SIGTERM: stopped, not failed.
          log(isCancelled ? "stopped \(name) (interrupted)" : "FAILED \(name): \(error)")
          if !keepGoing { stopped = true }
        }
      }
    }
    for (name, _) in pending where outcomes[name] == nil {
      let blocker = graph.run(named: name)?.inputs.values.first { outcomes[$0.run].map { !$0.isSuccess } ?? false }
      if let blocker, !isCancelled {
        outcomes[name] = .skipped(reason: "upstream \(blocker.run) did not succeed")
      } else {
        outcomes[name] = .skipped(reason: isCancelled ? "interrupted" : "not started after a failure")
      }
    }
    // Temporaries of writers that were still being reaped when the run started are gone by now.
    if total > 0 { store.recover() }
    var lock = updatedLock(previousLock, outputs: outputs)
    let publicationDue = publishing.map { !isPublished($0, in: lock, previous: previousLock, lockURL: lockURL) } ?? false
    if started > 0 { AtomicFile.syncAll() }
    // A no-op run leaves an unchanged lock alone (rewriting it cost a third of a no-op run of 2 000 runs).
    // Otherwise the lock is re-read under its writer lock and updated from what is there now, so that
    // entries committed meanwhile (a Slurm job, another `run`) are kept rather than overwritten.
    if lock != previousLock || publicationDue || !FileManager.default.fileExists(atPath: lockURL.path) {
      lock = try LockFile.update(at: lockURL, manifest: previousLock.manifest) { current in
        var next = updatedLock(current, outputs: outputs)
        if let publishing { publish(publishing, in: &next, previous: current, lockURL: lockURL) }
        current = next
      }
    }
    try? hasher.save()
    return RunSummary(
      outcomes: graph.order.map { ($0.name, outcomes[$0.name] ?? .skipped(reason: "not planned")) },
      interrupted: isCancelled, lock: lock)
  }

  /// The lock after a run: fresh entries for every run with known outputs, old ones for the rest.
  func updatedLock(_ previous: LockFile, outputs: [String: [String: String]]) -> LockFile {
    Self.updatedLock(previous, graph: graph, outputs: outputs)
  }

  /// The lock of `graph` after a run: fresh entries for every run with known outputs, old ones for the
  /// rest; entries of runs the graph no longer has are dropped.
  static func updatedLock(_ previous: LockFile, graph: StageGraph, outputs: [String: [String: String]]) -> LockFile {
    var lock = LockFile(manifest: previous.manifest)
    lock.reportFolder = previous.reportFolder
    for run in graph.order {
      if let produced = outputs[run.name],
        let hashes = Planner.inputHashes(of: run, outputs: { outputs[$0] })
      {
        let key = StageKey.compute(for: run, inputHashes: hashes)
        if let old = previous.stages[run.name], old.key == key, old.outputs == produced, old.inputs == hashes {
          lock.stages[run.name] = old  // same key ⇒ same params: skip re-parsing them
          continue
        }
        lock.stages[run.name] = LockFile.Entry(
          kind: run.kind, key: key, stageVersion: run.stageVersion,
          seed: run.seed, params: (try? JSONValue.parse(run.paramsJSON)) ?? .null, inputs: hashes, outputs: produced)
      } else if let old = previous.stages[run.name] {
        lock.stages[run.name] = old
      }
    }
    return lock
  }
}
