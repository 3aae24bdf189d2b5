import AMFNumerics
import Foundation

/// Self-normalized importance weights of the proxy pool for every task, with their diagnostics
/// (AMF.md §2.2).
///
/// `l_i(c) = (1/κ) Σ_t [log π(a^i_t | s^i_t, c) − log π(a^i_t | s^i_t, c_i)]`, clipped to [−L, L], then
/// `w̄_i(c) = softmax_i(l_i(c))`. Stored as log-weights in float64: the clip keeps every weight within
/// `e^{−2L}` of the largest, so no weight underflows to 0 and the logs stay finite.
public struct ImportanceWeights: Equatable, Sendable {
  /// The raw (unclipped) log-ratios `l_i(c)`. Shapes: (pool × tasks).
  public var logRatios: Matrix<Double>
  /// `log w̄_i(c)`; each column's exponentials sum to 1. Shapes: (pool × tasks).
  public var logWeights: Matrix<Double>
  /// The task c_i of each pool trajectory. Shapes: (pool).
  public var poolTasks: [Int]

  /// Weights from summed log-likelihoods.
  ///
  /// Shapes: `logLikelihoods[i, c] = Σ_t log π(a^i_t | s^i_t, c)`: (pool × tasks); `poolTasks`: (pool).
  /// `targetESS` (a fraction of the pool in (0, 1], nil = off; issue #16, H2) raises each task's
  /// temperature above `temperature`, separately per task, to the smallest κ_c whose weights reach
  /// `ESS(c) ≥ targetESS · |pool|` (bisection on log κ, 60 steps; κ_c = κ when κ already reaches it).
  /// Edge cases: an empty pool throws `SelectionError.emptyPool`; a non-finite log-likelihood throws
  /// `SelectionError.nonFinite` naming the trajectory and task. Log-ratios far beyond the clip do not
  /// overflow: the clip comes before the exponential, and the softmax subtracts the column maximum.
  /// Reference: AMF.md §2.2 (κ = `is_temperature`, L = `is_clip`).
  public init(
    logLikelihoods: Matrix<Double>, poolTasks: [Int], temperature: Double, clip: Double, targetESS: Double? = nil
  ) throws(SelectionError) {
    let (pool, tasks) = (logLikelihoods.rows, logLikelihoods.columns)
    guard pool > 0 else { throw SelectionError.emptyPool }
    precondition(poolTasks.count == pool, "pool tasks \(poolTasks.count) for \(pool) trajectories")
    var sums = Matrix<Double>(rows: pool, columns: tasks)  // (pool × tasks), before the temperature
    for i in 0..<pool {
      let own = logLikelihoods[i, poolTasks[i]]
      for c in 0..<tasks {
        let value = logLikelihoods[i, c]
        guard value.isFinite, own.isFinite else {
          throw SelectionError.nonFinite(quantity: "log-likelihood of pool trajectory \(i) under task \(c)")
        }
        sums[i, c] = value - own
      }
    }
    var ratios = Matrix<Double>(rows: pool, columns: tasks)  // (pool × tasks)
    var weights = Matrix<Double>(rows: pool, columns: tasks)  // (pool × tasks)
    var temperatures: [Double] = []
    for c in 0..<tasks {
      let column = (0..<pool).map { sums[$0, c] }
      let kappa = targetESS.map { Self.temperature(column, reaching: $0 * Double(pool), from: temperature, clip: clip) }
        ?? temperature
      temperatures.append(kappa)
      let logWeights = Self.logSoftmax(column, temperature: kappa, clip: clip)
      for i in 0..<pool {
        ratios[i, c] = column[i] / kappa
        weights[i, c] = logWeights[i]
      }
    }
    self.logRatios = ratios
    self.poolTasks = poolTasks
    self.logWeights = weights
    self.clip = clip
    self.temperatures = temperatures
  }

  /// `log softmax_i(clip(sums_i / κ, −L, L))`.
  static func logSoftmax(_ sums: [Double], temperature: Double, clip: Double) -> [Double] {
    let clipped = sums.map { min(max($0 / temperature, -clip), clip) }
    let top = clipped.max() ?? 0
    let logNormalizer = top + Foundation.log(clipped.reduce(0) { $0 + Foundation.exp($1 - top) })
    return clipped.map { $0 - logNormalizer }
  }

  /// `1 / Σ_i w_i²` of log-weights (`w_i = exp(log w_i)`, squared as a product: the stored ESS bytes of
  /// earlier artifacts depend on it).
  static func effectiveSampleSize(_ logWeights: [Double]) -> Double {
    1 / logWeights.reduce(0) { total, logWeight in
      let weight = Foundation.exp(logWeight)
      return total + weight * weight
    }
  }

  /// The smallest κ ≥ `base` (to 60 bisection steps on log κ over [κ, e^40 κ]) whose weights reach `ess`.
  static func temperature(_ sums: [Double], reaching ess: Double, from base: Double, clip: Double) -> Double {
    func reaches(_ kappa: Double) -> Bool {
      effectiveSampleSize(logSoftmax(sums, temperature: kappa, clip: clip)) >= ess * (1 - 1e-12)
    }
    if reaches(base) { return base }
    var (low, high) = (Foundation.log(base), Foundation.log(base) + 40)
    guard reaches(Foundation.exp(high)) else { return Foundation.exp(high) }
    for _ in 0..<60 {
      let middle = (low + high) / 2
      if reaches(Foundation.exp(middle)) { high = middle } else { low = middle }
    }
    return Foundation.exp(high)
  }

  /// The no-IS ablation: `w̄_i(c) = 1/|pool|` for every i and c (AMF.md §2.2).
  public init(uniformOver poolTasks: [Int], taskCount: Int) throws(SelectionError) {
    guard !poolTasks.isEmpty else { throw SelectionError.emptyPool }
    let pool = poolTasks.count
    logRatios = Matrix(rows: pool, columns: taskCount)
    logWeights = Matrix(rows: pool, columns: taskCount, repeating: -Foundation.log(Double(pool)))
    self.poolTasks = poolTasks
    clip = .infinity
    temperatures = [Double](repeating: .infinity, count: taskCount)
  }

  /// Creates weights from stored log-weights (an `embeddings` artifact).
  public init(logRatios: Matrix<Double>, logWeights: Matrix<Double>, poolTasks: [Int], clip: Double) {
    self.logRatios = logRatios
    self.logWeights = logWeights
    self.poolTasks = poolTasks
    self.clip = clip
    temperatures = []
  }

  /// The temperature κ_c each task's weights were computed with (empty when read back from an artifact,
  /// ∞ for uniform weights). Shapes: (tasks).
  public var temperatures: [Double]

  /// The clip L (∞ for uniform weights).
  public var clip: Double

  /// |pool|.
  public var poolCount: Int { logWeights.rows }
  /// |C|.
  public var taskCount: Int { logWeights.columns }

  /// `w̄_i(c)`.
  public func weight(_ i: Int, task c: Int) -> Double { Foundation.exp(logWeights[i, c]) }

  /// The weights of task c over the pool. Shapes: (pool).
  public func weights(task c: Int) -> [Double] { (0..<poolCount).map { weight($0, task: c) } }

  /// The effective sample size `ESS(c) = 1 / Σ_i w̄_i(c)²` per task: |pool| for uniform weights, 1 for one-hot.
  public var effectiveSampleSize: [Double] {
    (0..<taskCount).map { c in Self.effectiveSampleSize((0..<poolCount).map { logWeights[$0, c] }) }
  }

  /// The own-task share `Σ_{i: c_i = c} w̄_i(c)` per task (AMF.md §2.2): weight sitting on task c's own
  /// trajectories; low values mean the estimate for c is built from other tasks' states.
  public var ownTaskShare: [Double] {
    (0..<taskCount).map { c in
      (0..<poolCount).reduce(0) { $0 + (poolTasks[$1] == c ? weight($1, task: c) : 0) }
    }
  }

  /// The fraction of log-ratios `|l_i(c)| > L` per task.
  public var clippedFraction: [Double] {
    (0..<taskCount).map { c in
      Double((0..<poolCount).filter { abs(logRatios[$0, c]) > clip }.count) / Double(poolCount)
    }
  }
}
