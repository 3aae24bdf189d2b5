import Foundation

/// How far a `run` is and how long it will still take: completed/total, and the time left estimated from
/// the durations of this run's finished runs of the same stage kind (issue #20).
///
/// The work left is `W_left = Σ_kind n_kind · t̄_kind` (runs not finished times the mean wall time of that
/// kind's finished runs; a kind with none finished yet takes the mean over all finished runs). Wall time is
/// `W_left · elapsed / W_done`, with `W_done` the summed durations of the finished runs: the ratio
/// `elapsed / W_done` is the run's effective parallelism as measured (jobs, dependencies, a shared
/// machine), so the estimate needs no guess of it. Runs that finish without executing (reused outputs,
/// failures) count as completed and add no work. Pure arithmetic: `Executor` feeds it, tests drive it.
public struct ProgressEstimate: Sendable {
  /// Runs to complete in this `run`.
  public let total: Int
  /// Runs completed so far.
  public private(set) var completed = 0
  private var left: [String: Int]
  private var durations: [String: (sum: Double, count: Int)] = [:]

  /// The estimate before any run finished, for stale runs of these kinds (one entry per run).
  public init(kinds: [String]) {
    total = kinds.count
    left = kinds.reduce(into: [:]) { $0[$1, default: 0] += 1 }
  }

  /// Records that a run of `kind` finished, having executed for `seconds` (nil: it did not execute).
  public mutating func finish(kind: String, seconds: Double?) {
    completed += 1
    left[kind, default: 0] -= 1
    if let seconds, seconds.isFinite, seconds >= 0 {
      durations[kind, default: (0, 0)].sum += seconds
      durations[kind, default: (0, 0)].count += 1
    }
  }

  /// Seconds of wall time left after `elapsed` seconds; nil until a run has executed.
  public func secondsLeft(elapsed: Double) -> Double? {
    let done = durations.values.reduce(0) { $0 + $1.sum }
    let count = durations.values.reduce(0) { $0 + $1.count }
    guard count > 0, done > 0 else { return nil }
    let overall = done / Double(count)
    let work = left.reduce(0.0) { sum, entry in
      let mean = durations[entry.key].map { $0.sum / Double($0.count) } ?? overall
      return sum + Double(max(0, entry.value)) * mean
    }
    return work * elapsed / done
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
