import AMFNumerics
import Foundation

/// The information a candidate block X' carries about the expert's action at target points (AMF.md §2):
/// `I(π*(x); y_{X'} | D) = ½ log(σ²_D(x) / σ²_{D∪X'}(x))`.
public enum InformationGain {
  /// The gain at each target for one block, from a rank-m (Woodbury) update of the posterior.
  ///
  /// `σ²_{D∪X'}(x) = σ²_D(x) − c(x, X') (C(X', X') + ρ² I)⁻¹ c(X', x)`, with c the posterior covariance
  /// given D: an m×m Cholesky and a triangular solve, never a p×p inverse.
  /// With `targetNoise` both variances get ρ² added (the transductive form, AMF.md §2.1).
  ///
  /// Shapes: `targets`, `block`: index ranges of `model`'s points; `targetVariances`: σ²_D of the targets
  /// (pass them in so they are computed once per pick) → (|targets|).
  /// Edge cases: a posterior variance that rounding makes ≤ 0 is floored at `1e-12 · σ²_D(x)` (a gain
  /// of at most ½ log 10¹² ≈ 13.8 nats per point).
  public static func gains(
    model: some PosteriorModel, targets: Range<Int>, targetVariances: [Double], block: Range<Int>,
    targetNoise: Bool
  ) throws -> [Double] {
    let reduction = try varianceReduction(model: model, targets: targets, block: block)
    return gains(reduction: reduction, targetVariances: targetVariances, shift: targetNoise ? model.noiseVariance : 0)
  }

  /// `½ log((σ²_D(x) + shift) / (max(σ²_D(x) − reduction, 1e-12 σ²_D(x)) + shift))` at each target.
  /// Shapes: `reduction`, `targetVariances`: (n_T) → (n_T).
  static func gains(reduction: [Double], targetVariances: [Double], shift: Double) -> [Double] {
    zip(targetVariances, reduction).map { prior, reduced in
      let posterior = max(prior - reduced, 1e-12 * prior)
      return 0.5 * Foundation.log((prior + shift) / (posterior + shift))
    }
  }

  /// `σ²_D(x) − σ²_{D∪X'}(x)` at each target. Shapes: → (|targets|).
  public static func varianceReduction(model: some PosteriorModel, targets: Range<Int>, block: Range<Int>)
    throws -> [Double]
  {
    var corner = try model.covariance(block, block)  // (m × m)
    for i in 0..<corner.rows { corner[i, i] += model.noiseVariance }
    let factor = try Cholesky.factor(corner)
    let solved = try factor.solveLower(try model.covariance(block, targets))  // (m × n_T)
    return columnSquares(solved)
  }

  /// `Σ_row m[row, column]²` for each column, over `rows` (all rows by default). Shapes: (r × n) → (n).
  /// Each column sums its rows in order (the same bits as an indexed loop; the default path reads it too).
  static func columnSquares(_ matrix: Matrix<Double>, rows: Range<Int>? = nil) -> [Double] {
    let n = matrix.columns
    var total = [Double](repeating: 0, count: n)
    matrix.storage.withUnsafeBufferPointer { storage in
      total.withUnsafeMutableBufferPointer { sums in
        guard let source = storage.baseAddress, let sum = sums.baseAddress else { return }
        for row in rows ?? 0..<matrix.rows {
          let values = source + row * n
          for column in 0..<n { sum[column] += values[column] * values[column] }
        }
      }
    }
    return total
  }

  /// `columnSquares` into an existing buffer of `matrix.columns` values (overwritten).
  static func columnSquares(_ matrix: Matrix<Double>, rows: Range<Int>, into total: inout [Double]) {
    let n = matrix.columns
    precondition(total.count >= n, "\(total.count) values for \(n) columns")
    matrix.storage.withUnsafeBufferPointer { storage in
      total.withUnsafeMutableBufferPointer { sums in
        guard let source = storage.baseAddress, let sum = sums.baseAddress else { return }
        sum.update(repeating: 0, count: n)
        for row in rows {
          let values = source + row * n
          for column in 0..<n { sum[column] += values[column] * values[column] }
        }
      }
    }
  }
}
