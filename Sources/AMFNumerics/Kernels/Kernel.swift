/// A positive semi-definite covariance function `k(x, x')` on the rows of float64 matrices.
///
/// Conformers compute whole blocks at once so that a GP never loops over pairs in Swift.
public protocol Kernel: Sendable {
  /// The cross-covariance block `K[i, j] = k(xᵢ, yⱼ)`.
  ///
  /// Shapes: `x: (n × d)`, `y: (m × d)` → `(n × m)`; throws when the column counts differ.
  func covariance(_ x: Matrix<Double>, _ y: Matrix<Double>) throws(ShapeError) -> Matrix<Double>

  /// The Gram matrix `K[i, j] = k(xᵢ, xⱼ)`, exactly symmetric.
  ///
  /// Shapes: `x: (n × d)` → `(n × n)`.
  func gram(_ x: Matrix<Double>) -> Matrix<Double>

  /// The prior variances `k(xᵢ, xᵢ)`.
  ///
  /// Shapes: `x: (n × d)` → `n`.
  func variances(_ x: Matrix<Double>) -> [Double]
}
