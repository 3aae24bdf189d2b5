import Foundation

/// How far a `run` is and how long it will still take: completed/total, and the time left estimated from
/// the durations of this run's finished runs of the same stage kind (issue #20), and before those exist from
/// the run records of the manifest's previous runs.
///
/// The work left is `W_left = Σ_kind n_kind · t̄_kind` (runs not finished times the mean wall time of that
/// kind's finished runs; a kind with none finished yet takes its mean in `prior` — the durations the store's
/// run records hold for the previous lock's runs of that kind — and else the mean over all finished runs).
/// Wall time is `W_left · elapsed / W_done`, with `W_done` the summed durations of the finished runs: the
/// ratio `elapsed / W_done` is the run's effective parallelism as measured (jobs, dependencies, a shared
/// machine), so the estimate needs no guess of it. Before any run of this `run` has executed, the prior
/// alone gives `W_left / jobs` (every job busy: an estimate, not a bound). Runs that finish without executing
/// (reused outputs, failures) count as completed and add no work. Pure arithmetic: `Executor` feeds it, tests
/// drive it.
public struct ProgressEstimate: Sendable {
  /// Runs to complete in this `run`.
  public let total: Int
  /// Runs completed so far.
  public private(set) var completed = 0
  private var left: [String: Int]
  private var durations: [String: (sum: Double, count: Int)] = [:]
  /// Each stale run's group, and the groups counted as work that have not finished (`init(total:work:…)`).
  private var groups: [String: Int] = [:]
  private var pending: Set<Int> = []
  /// Mean seconds per kind from before this run (`prior`); the overall mean of those durations.
  private let priorMeans: [String: Double]
  private let priorOverall: Double?
  private let jobs: Int

  /// The estimate before any run finished, for stale runs of these kinds (one entry per run, each its own
  /// work); `prior`: earlier durations per kind (non-finite or negative ones are ignored), `jobs`: runs at a time.
  public init(kinds: [String], prior: [String: [Double]] = [:], jobs: Int = 1) {
    var work = Work()
    for (index, kind) in kinds.enumerated() { work.kinds[index] = kind }
    self.init(total: kinds.count, work: work, prior: prior, jobs: jobs)
  }

  /// The estimate for `total` stale runs of which one run per group of `work` executes, the others reusing
  /// its outputs (`work(states:graph:store:)`); finish them with `finish(name:kind:seconds:)`.
  public init(total: Int, work: Work, prior: [String: [Double]] = [:], jobs: Int = 1) {
    self.total = total
    left = work.kinds.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    groups = work.group
    pending = Set(work.kinds.keys)
    let usable = prior.mapValues { $0.filter { $0.isFinite && $0 >= 0 } }.filter { !$0.value.isEmpty }
    priorMeans = usable.mapValues { $0.reduce(0, +) / Double($0.count) }
    let all = usable.values.flatMap { $0 }
    priorOverall = all.isEmpty ? nil : all.reduce(0, +) / Double(all.count)
    self.jobs = max(1, jobs)
  }

  /// The durations the store's run records hold for the entries of `lock` whose kind is in `kinds`: what
  /// `prior` wants. One small file read per entry (a `run` with stale runs does it once).
  public static func priorDurations(lock: LockFile, kinds: Set<String>, store: Store) -> [String: [Double]] {
    var prior: [String: [Double]] = [:]
    for entry in lock.stages.values where kinds.contains(entry.kind) {
      guard let record = RunRecord.read(store.recordURL(key: entry.key)), record.status == .succeeded else { continue }
      prior[entry.kind, default: []].append(record.seconds)
    }
    return prior
  }

  /// Records that run `name` of `kind` finished, having executed for `seconds` (nil: it did not execute): the
  /// first run of its group to finish takes that group's work off what is left.
  public mutating func finish(name: String, kind: String, seconds: Double?) {
    guard let group = groups[name] else { return finish(kind: kind, seconds: seconds) }
    finish(kind: kind, seconds: seconds, work: pending.remove(group) != nil)
  }

  /// Records that a run of `kind` finished, having executed for `seconds` (nil: it did not execute); `work`:
  /// whether it was one of the runs counted as work to do (false for a run whose group already finished).
  public mutating func finish(kind: String, seconds: Double?, work: Bool = true) {
    completed += 1
    if work { left[kind, default: 0] -= 1 }
    if let seconds, seconds.isFinite, seconds >= 0 {
      durations[kind, default: (0, 0)].sum += seconds
      durations[kind, default: (0, 0)].count += 1
    }
  }

  /// Seconds of wall time left after `elapsed` seconds; nil until a run has executed, unless a prior is known.
  public func secondsLeft(elapsed: Double) -> Double? {
    let done = durations.values.reduce(0) { $0 + $1.sum }
    let count = durations.values.reduce(0) { $0 + $1.count }
    guard count > 0, done > 0 else {
      guard let priorOverall else { return nil }
      return work { priorMeans[$0] ?? priorOverall } / Double(jobs)
    }
    let overall = done / Double(count)
    return work { kind in durations[kind].map { $0.sum / Double($0.count) } ?? priorMeans[kind] ?? overall }
      * elapsed / done
  }

  /// `Σ_kind n_kind · mean(kind)` over the runs not finished.
  private func work(_ mean: (String) -> Double) -> Double {
    left.keys.sorted().reduce(0.0) { sum, kind in sum + Double(max(0, left[kind, default: 0])) * mean(kind) }
  }

  /// `12/583 done, about 41 min left` (or without the estimate while none is known).
  public func summary(elapsed: Double) -> String {
    let head = "\(completed)/\(total) done"
    guard completed < total, let left = secondsLeft(elapsed: elapsed) else { return head }
    return "\(head), about \(Self.duration(left)) left"
  }

  /// A duration for people: `40 s`, `12 min`, `1 h 05 min`.
  public static func duration(_ seconds: Double) -> String {
    let s = max(0, seconds.rounded())
    if s < 60 { return "\(Int(s)) s" }
    let minutes = Int((s / 60).rounded())
    if minutes < 60 { return "\(minutes) min" }
    return "\(minutes / 60) h \(String(format: "%02d", minutes % 60)) min"
  }

}
