import Foundation

/// One changed parameter: `finetune.steps 1000 → 2000`.
public struct ParamChange: Hashable, Sendable, CustomStringConvertible {
  public var keyPath: String
  public var old: String
  public var new: String

  /// Creates a change record.
  public init(_ keyPath: String, _ old: String, _ new: String) {
    self.keyPath = keyPath
    self.old = old
    self.new = new
  }

  public var description: String { "\(keyPath) \(old) → \(new)" }
}

/// Why a stage run must run: exactly one reason per stage run (PIPELINE.md §3).
public enum StaleReason: Hashable, Sendable, CustomStringConvertible {
  case new
  case forced
  case incomplete
  case stageVersionChanged(old: Int, new: Int)
  case paramsChanged([ParamChange])
  case inputChanged(roles: [String])
  case artifactCorrupt
  case artifactMissing
  /// The output's bytes are not the ones its key's run wrote (a copy, a flip, a truncation).
  case artifactForeign
  /// An output exists but no run record says which run wrote it (a run killed before recording it).
  case runRecordMissing

  public var description: String {
    switch self {
    case .new: "new"
    case .forced: "forced"
    case .incomplete: "incomplete"
    case .stageVersionChanged(let old, let new): "stage version changed (\(old) → \(new))"
    case .paramsChanged(let changes): "params changed (\(changes.map(\.description).joined(separator: ", ")))"
    case .inputChanged(let roles): "input changed (\(roles.joined(separator: ", ")))"
    case .artifactCorrupt: "artifact corrupt (hash mismatch)"
    case .artifactMissing: "artifact missing"
    case .artifactForeign: "artifact is not what its run wrote (bytes differ from the run record); run moves it aside"
    case .runRecordMissing: "run record missing; run recomputes the output"
    }
  }
}

/// The state of one stage run before a `run`.
public enum RunState: Hashable, Sendable {
  /// Valid outputs exist at the run's key.
  case upToDate(key: String, outputs: [String: String])
  /// The run must run; `key` is nil while an upstream run is stale (its inputs are not known yet).
  case stale(StaleReason, key: String?)

  /// The key, when known.
  public var key: String? {
    switch self {
    case .upToDate(let key, _): key
    case .stale(_, let key): key
    }
  }
}

/// Computes every stage run's state from the plan, the store and the lock, without running anything.
public struct Planner: Sendable {
  public let graph: StageGraph
  public let store: Store
  public let lock: LockFile
  public let hasher: any ContentHasher
  /// Names of runs to rerun whatever their state.
  public let forced: Set<String>

  /// Creates a planner.
  public init(graph: StageGraph, store: Store, lock: LockFile, hasher: any ContentHasher, forced: Set<String> = []) {
    self.graph = graph
    self.store = store
    self.lock = lock
    self.hasher = hasher
    self.forced = forced
  }

  /// The state of every run, in graph order; throws `PipelineError.invalidParams` for a run whose
  /// parameters must be compared with its lock entry and are not JSON.
  public func states() throws(PipelineError) -> [(name: String, state: RunState)] {
    var known: [String: RunState] = [:]
    var result: [(String, RunState)] = []
    for run in graph.order {
      let state = try self.state(of: run, known: known)
      known[run.name] = state
      result.append((run.name, state))
    }
    return result
  }

  /// The input hashes of `run` when every producer is up to date (or has finished), else nil: each
  /// producer's output hash, and each file input's pinned content hash (`StageRunSpec.files`).
  public static func inputHashes(of run: StageRunSpec, outputs: (String) -> [String: String]?) -> [String: String]? {
    var hashes = run.files.mapValues(\.contentHash)
    for (role, reference) in run.inputs {
      guard let hash = outputs(reference.run)?[reference.role] else { return nil }
      hashes[role] = hash
    }
    return hashes
  }

  func state(of run: StageRunSpec, known: [String: RunState]) throws(PipelineError) -> RunState {
    let entry = lock.stages[run.name]
    let hashes = Self.inputHashes(of: run) { name in
      if case .upToDate(_, let outputs)? = known[name] { return outputs }
      return nil
    }
    guard let hashes else {
      let pending = run.inputs.filter { role, reference in
        if case .upToDate? = known[reference.run] { return false }
        return true
      }.keys
      // A file input is known now: it counts when its hash differs from the lock's.
      let changedFiles = run.files.filter { entry?.inputs[$0.key] != $0.value.contentHash }.keys
      let roles = (Array(pending) + changedFiles).sorted()
      return .stale(try reasonWithoutOutputs(run, entry: entry, pendingRoles: roles), key: nil)
    }
    let key = ResolvedRun(run, inputHashes: hashes).key
    if forced.contains(run.name) { return .stale(.forced, key: key) }
    switch verifyOutputs(of: run, key: key) {
    case .success(let outputs):
      return .upToDate(key: key, outputs: outputs)
    case .failure(let problem):
      if store.hasStaleMarker(key: key) { return .stale(.incomplete, key: key) }
      // A file at the key that its run did not write is the reason, whatever the lock says.
      if problem != .artifactMissing { return .stale(problem, key: key) }
      let changedRoles = hashes.keys.filter { entry?.inputs[$0] != hashes[$0] }.sorted()
      let reason = try reasonWithoutOutputs(run, entry: entry, pendingRoles: changedRoles)
      if case .inputChanged = reason, changedRoles.isEmpty || entry?.key == key { return .stale(problem, key: key) }
      return .stale(reason, key: key)
    }
  }

  private func reasonWithoutOutputs(_ run: StageRunSpec, entry: LockFile.Entry?, pendingRoles: [String])
    throws(PipelineError) -> StaleReason
  {
    if forced.contains(run.name) { return .forced }
    guard let entry else { return .new }
    if entry.stageVersion != run.stageVersion { return .stageVersionChanged(old: entry.stageVersion, new: run.stageVersion) }
    let changes = try Self.paramChanges(old: entry, new: run)
    if !changes.isEmpty { return .paramsChanged(changes) }
    return .inputChanged(roles: pendingRoles)
  }

  /// The parameter differences between a lock entry and a run, by key path, sorted (a changed seed
  /// first); throws `PipelineError.invalidParams` when the run's parameters are not JSON.
  public static func paramChanges(old entry: LockFile.Entry, new run: StageRunSpec) throws(PipelineError)
    -> [ParamChange]
  {
    let before = entry.params.flattened()
    let after = try run.parsedParams().flattened()
    var changes = Set(before.keys).union(after.keys).sorted().compactMap { path -> ParamChange? in
      let old = before[path] ?? "absent"
      let new = after[path] ?? "absent"
      return old == new ? nil : ParamChange(path, old, new)
    }
    if entry.seed != run.seed { changes.insert(ParamChange("seed", String(entry.seed), String(run.seed)), at: 0) }
    return changes
  }

  /// The verified hashes of every output at `key`, or why they are unusable.
  ///
  /// An output is trusted only as what its key's run wrote: the run record `<key>.run.json` names, per
  /// role, the content hash, the raw-bytes SHA-256 and the size, and the file must match them (answered
  /// from the hasher's cache for a file version seen before). A file that does not is never parsed.
  /// Records written before issue #17 carry no digests: their outputs are checked by content hash.
  func verifyOutputs(of run: StageRunSpec, key: String) -> Result<[String: String], StaleReason> {
    let urls = run.outputRoles.map { store.outputURL(key: key, role: $0, roles: run.outputRoles) }
    let present = urls.map { FileManager.default.fileExists(atPath: $0.path) }
    guard let record = RunRecord.verification(at: store.recordURL(key: key)), record.key == key, record.succeeded
    else {
      return .failure(present.contains(true) ? .runRecordMissing : .artifactMissing)
    }
    var outputs: [String: String] = [:]
    for (index, role) in run.outputRoles.enumerated() {
      let url = urls[index]
      guard present[index] else { return .failure(.artifactMissing) }
      if let digests = record.outputs {
        guard let digest = digests[role], (try? hasher.matches(url, digest)) == true else {
          return .failure(.artifactForeign)
        }
        outputs[role] = digest.contentSHA256
      } else {
        guard let hash = try? hasher.contentHash(of: url) else { return .failure(.artifactCorrupt) }
        outputs[role] = hash
      }
    }
    return .success(outputs)
  }
}

extension StaleReason: Error {}
