import Foundation

/// A stage run whose inputs are known: its spec, the content hash of each input role and its key,
/// computed once, here (PIPELINE.md §3). Everything after planning that needs a run's key (the key
/// lock, the store paths, the run record, the lock entry) reads it from one of these.
public struct ResolvedRun: Hashable, Sendable {
  /// What to run.
  public let spec: StageRunSpec
  /// Input role → content hash of the file read there.
  public let inputHashes: [String: String]
  /// `StageKey.compute(for: spec, inputHashes: inputHashes)`.
  public let key: String

  /// Resolves `spec` on `inputHashes`, computing its key.
  public init(_ spec: StageRunSpec, inputHashes: [String: String]) {
    self.init(spec, inputHashes: inputHashes, key: StageKey.compute(for: spec, inputHashes: inputHashes))
  }

  /// A run whose key the planner has computed from these very input hashes already.
  init(_ spec: StageRunSpec, inputHashes: [String: String], key: String) {
    self.spec = spec
    self.inputHashes = inputHashes
    self.key = key
  }

  /// `spec` resolved on its producers' outputs (run name → role → content hash), or nil while a
  /// producer's outputs are unknown.
  public static func resolving(_ spec: StageRunSpec, outputs: (String) -> [String: String]?) -> ResolvedRun? {
    Planner.inputHashes(of: spec, outputs: outputs).map { ResolvedRun(spec, inputHashes: $0) }
  }
}

/// A resolved run with the content hashes of the outputs at its key: what a lock entry records.
public struct FinishedRun: Hashable, Sendable {
  /// The run.
  public let run: ResolvedRun
  /// Output role → content hash.
  public let outputs: [String: String]

  /// Creates a finished run.
  public init(run: ResolvedRun, outputs: [String: String]) {
    self.run = run
    self.outputs = outputs
  }

  /// The run's lock entry: the one place lock entries are built from runs. File inputs are recorded by
  /// their path relative to `lockFolder` (the lock's folder; nil: absolute paths).
  ///
  /// Throws `PipelineError.invalidParams` when the run's parameters are not JSON (the expander writes
  /// them, so this is a bug there), rather than recording them as `null`.
  public func lockEntry(lockFolder: URL? = nil) throws(PipelineError) -> LockFile.Entry {
    let spec = run.spec
    return LockFile.Entry(
      kind: spec.kind, key: run.key, stageVersion: spec.stageVersion, seed: spec.seed,
      params: try spec.parsedParams(), inputs: run.inputHashes, outputs: outputs,
      files: Self.recordedFiles(of: spec, lockFolder: lockFolder))
  }

  /// Whether `entry` records exactly this run: same key (so same kind, version, seed and parameters),
  /// same input and output hashes, same file paths. Such an entry is kept as it is, without parsing the
  /// parameters again.
  public func isRecorded(by entry: LockFile.Entry, lockFolder: URL? = nil) -> Bool {
    entry.key == run.key && entry.outputs == outputs && entry.inputs == run.inputHashes
      && entry.files == Self.recordedFiles(of: run.spec, lockFolder: lockFolder)
  }

  /// Role → path of `spec`'s file inputs as a lock in `lockFolder` records them.
  static func recordedFiles(of spec: StageRunSpec, lockFolder: URL?) -> [String: String] {
    spec.files.mapValues { file in lockFolder.map { file.path(relativeTo: $0) } ?? file.path }
  }

  /// The finished runs among the up-to-date `states` of `graph`, keyed by run name, with the keys the
  /// planner computed (no key is computed again).
  public static func upToDate(_ states: [(name: String, state: RunState)], graph: StageGraph) -> [String: FinishedRun] {
    var known: [String: RunState] = [:]
    for (name, state) in states { known[name] = state }
    var finished: [String: FinishedRun] = [:]
    for spec in graph.order {
      guard case .upToDate(let key, let outputs)? = known[spec.name],
        let hashes = Planner.inputHashes(of: spec, outputs: { finished[$0]?.outputs })
      else { continue }
      finished[spec.name] = FinishedRun(run: ResolvedRun(spec, inputHashes: hashes, key: key), outputs: outputs)
    }
    return finished
  }
}

extension StageRunSpec {
  /// The run's parameters parsed from `paramsJSON`; throws `PipelineError.invalidParams` naming the run
  /// when they are not JSON.
  public func parsedParams() throws(PipelineError) -> JSONValue {
    do {
      return try JSONValue.parse(paramsJSON)
    } catch {
      throw PipelineError.invalidParams(run: name, reason: "\(error)")
    }
  }
}

extension LockFile {
  /// The lock of `graph` after a run: a fresh entry for every finished run (the old one where it records
  /// the same run), the old entry for every other run of the graph; entries of runs the graph no
  /// longer has are dropped. The report folder is kept. File inputs are recorded relative to
  /// `lockFolder`, the lock's folder.
  public func updated(graph: StageGraph, finished: [String: FinishedRun], lockFolder: URL? = nil)
    throws(PipelineError) -> LockFile
  {
    var lock = LockFile(manifest: manifest)
    lock.reportFolder = reportFolder
    for spec in graph.order {
      let old = stages[spec.name]
      if let done = finished[spec.name] {
        if let old, done.isRecorded(by: old, lockFolder: lockFolder) {
          lock.stages[spec.name] = old  // same key ⇒ same params: skip re-parsing them
        } else {
          lock.stages[spec.name] = try done.lockEntry(lockFolder: lockFolder)
        }
      } else if let old {
        lock.stages[spec.name] = old
      }
    }
    return lock
  }
}
