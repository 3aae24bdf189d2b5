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
    let shift = targetNoise ? model.noiseVariance : 0
    return zip(targetVariances, reduction).map { prior, reduced in
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
    let n = solved.columns
    var reduction = [Double](repeating: 0, count: n)
    for row in 0..<solved.rows {
      for column in 0..<n { reduction[column] += solved.storage[row * n + column] * solved.storage[row * n + column] }
    }
    return reduction
  }
}
