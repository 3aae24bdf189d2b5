import Foundation

extension ProgressEstimate {
  /// Which stale runs will execute, as far as the plan says before any runs: runs that will compute the same
  /// key are one piece of work (the first executes, the others reuse its outputs), and a run stale because its
  /// key changed (`keyChanged`) whose new key already has a succeeded run record in the store will be reused,
  /// so it is no work.
  ///
  /// A run's key is known when it has no stale producer (`RunState.stale(_, key:)`); otherwise two runs will
  /// get the same key when they have the same kind, stage version, seed, parameters and file inputs and
  /// their inputs come from the same finished runs or from stale runs that will themselves share a key (the
  /// same key gives the same outputs). Without this, a study whose arms share their pre-training counted the
  /// 40 pre-trainings of four arms, reused at once when launched, as 25 minutes of work still to come (the
  /// Meta-World study's estimate was 1.4× the time actually left). Shapes: `states` in graph order → the group
  /// of every stale run (its index), and the kind of each group that is work.
  public struct Work: Sendable {
    /// Stale run name → its group.
    public var group: [String: Int] = [:]
    /// The kind of each group that will execute (groups that will be reused are absent).
    public var kinds: [Int: String] = [:]
  }

  public static func work(states: [(name: String, state: RunState)], graph: StageGraph, store: Store) -> Work {
    var work = Work()
    var interned: [String: Int] = [:]
    for (name, state) in states {
      guard case .stale(let reason, let key) = state, let spec = graph.run(named: name) else { continue }
      let signature: String
      if let key, reason != .forced {
        signature = "key \(key)"
      } else {
        let files = spec.files.keys.sorted().map { "\($0)=\(spec.files[$0]!.contentHash)" }
        let inputs = spec.inputs.keys.sorted().map { role -> String in
          let reference = spec.inputs[role]!
          let producer = work.group[reference.run].map { "group \($0)" } ?? "run \(reference.run)"
          return "\(role)=\(producer)/\(reference.role)"
        }
        signature = [reason == .forced ? "forced \(name)" : "", spec.kind, "\(spec.stageVersion)", "\(spec.seed)",
                     spec.paramsJSON, files.joined(separator: ","), inputs.joined(separator: ",")]
          .joined(separator: "\n")
      }
      if let group = interned[signature] {
        work.group[name] = group
        continue
      }
      let group = interned.count
      interned[signature] = group
      work.group[name] = group
      // A succeeded record at a key that changed (a new name, other parameters or inputs) means reuse; a
      // reason about the key's own outputs (missing, corrupt, foreign, unrecorded, incomplete) means they are
      // recomputed whatever the record says.
      let reusable = key.map { key in
        Self.keyChanged(reason) && (RunRecord.verification(at: store.recordURL(key: key))?.succeeded ?? false)
      }
      if reusable != true { work.kinds[group] = spec.kind }
    }
    return work
  }

  /// Whether `reason` says the run's key differs from the lock's (so a record at the new key may be reused).
  static func keyChanged(_ reason: StaleReason) -> Bool {
    switch reason {
    case .new, .stageVersionChanged, .paramsChanged, .inputChanged: true
    case .forced, .incomplete, .artifactCorrupt, .artifactMissing, .artifactForeign, .runRecordMissing: false
    }
  }
}
