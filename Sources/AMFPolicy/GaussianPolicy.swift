import AMFNumerics
import Foundation

/// A multi-task policy π(a | s, c) whose action distribution is a diagonal Gaussian (AMF.md §5).
///
/// Both policy families conform: the MLP (mean and clamped log-std heads) and the GP (posterior mean
/// and predictive variance). Log-densities and entropies, which importance weights and uncertainty
/// sampling need, follow from `distribution` once, here.
public protocol GaussianPolicy: Sendable {
  /// Dimension of the raw observation s.
  var observationDimension: Int { get }
  /// Dimension of the task features f(c).
  var taskFeatureDimension: Int { get }
  /// Dimension of the action a.
  var actionDimension: Int { get }

  /// The mean and log standard deviation of π(· | s, c) for a batch.
  ///
  /// Shapes: `observations: (batch × observationDimension)`, `taskFeatures: (batch × taskFeatureDimension)`
  /// → `mean, logStd: (batch × actionDimension)`.
  func distribution(observations: Matrix<Float>, taskFeatures: Matrix<Float>) throws -> GaussianBatch
}

/// Per-row diagonal Gaussians: the output of a policy for a batch of (s, c).
public struct GaussianBatch: Equatable, Sendable {
  /// Means. Shapes: (batch × actionDimension).
  public var mean: Matrix<Float>
  /// Log standard deviations. Shapes: (batch × actionDimension).
  public var logStd: Matrix<Float>

  /// Pairs a mean and a log-std matrix of one shape.
  public init(mean: Matrix<Float>, logStd: Matrix<Float>) {
    precondition(mean.shape == logStd.shape, "mean \(mean.shape) and logStd \(logStd.shape) differ")
    self.mean = mean
    self.logStd = logStd
  }

  /// `log N(a; μ, diag σ²)` per row, in float64.
  ///
  /// Shapes: `actions: (batch × actionDimension)` → `batch`.
  public func logDensity(of actions: Matrix<Float>) throws(ShapeError) -> [Double] {
    guard actions.shape == mean.shape else {
      throw ShapeError.mismatch(operation: "log-density actions", expected: mean.shape, found: actions.shape)
    }
    let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)
    return (0..<mean.rows).map { row in
      var total = 0.0
      for column in 0..<mean.columns {
        let logSigma = Double(logStd[row, column])
        let z = (Double(actions[row, column]) - Double(mean[row, column])) * Foundation.exp(-logSigma)
        total += -0.5 * z * z - logSigma - halfLogTwoPi
      }
      return total
    }
  }

  /// `Σ_t Σ_k log N(a_{t,k}; μ_{r_t,k}, v_{t,k})`: the log-likelihood of one trajectory's actions, step t scored
  /// by batch row `rows[t]`, with `v = fixedVariance` when given and the row's σ² otherwise; in float64.
  ///
  /// Shapes: `actions`: `rows.count × actionDimension`, row-major; → a scalar.
  /// Edge cases: no rows give 0. One running sum in step, then action order, so the value is reproducible
  /// bit for bit. Reference: AMF.md §2.2 (the likelihoods of the importance-weight ratio; `is_variance`).
  public func logLikelihood(of actions: [Float], rows: [Int], fixedVariance: Double?) -> Double {
    let width = mean.columns
    precondition(actions.count == rows.count * width, "\(actions.count) actions for \(rows.count) rows × \(width)")
    let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)
    var total = 0.0
    for (t, row) in rows.enumerated() {
      for k in 0..<width {
        let variance = fixedVariance ?? Foundation.exp(2 * Double(logStd.storage[row * width + k]))
        let residual = Double(actions[t * width + k]) - Double(mean.storage[row * width + k])
        total += -0.5 * residual * residual / variance - 0.5 * Foundation.log(variance) - halfLogTwoPi
      }
    }
    return total
  }

  /// The differential entropy `½ Σ_k log(2πe σ_k²)` per row (AMF.md §2.3), in float64.
  public var entropy: [Double] {
    let constant = 0.5 * Foundation.log(2 * Double.pi * M_E)
    return (0..<mean.rows).map { row in
      (0..<mean.columns).reduce(0.0) { $0 + constant + Double(logStd[row, $1]) }
    }
  }
}
