/// The squared-exponential (RBF) kernel `k(x, x') = σ_f² · exp(−‖x − x'‖² / (2ℓ²))`, in float64.
///
/// Inputs are expected already standardized (AMF.md §2.1: fixed per-environment constants); the kernel
/// itself has one isotropic lengthscale ℓ and a signal variance σ_f².
///
/// Reference: AMF.md §2.1 (AMF-GP; defaults ℓ = 0.5, σ_f² = 1); Rasmussen and Williams, Gaussian Processes
/// for Machine Learning (2006), eq. 2.16.
public struct RBFKernel: Kernel, Hashable {
  /// The lengthscale ℓ (> 0), in standardized input units.
  public var lengthscale: Double
  /// The signal variance σ_f² (> 0): the prior variance k(x, x).
  public var signalVariance: Double

  /// An RBF kernel; both parameters must be positive and finite.
  public init(lengthscale: Double = 0.5, signalVariance: Double = 1) {
    precondition(lengthscale > 0 && lengthscale.isFinite, "RBF lengthscale must be positive, got \(lengthscale)")
    precondition(
      signalVariance > 0 && signalVariance.isFinite, "RBF signal variance must be positive, got \(signalVariance)")
    self.lengthscale = lengthscale
    self.signalVariance = signalVariance
  }

  /// `k(x, y)` for two vectors of one length (a plain loop: for tests and single pairs).
  public func callAsFunction(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "RBF kernel of vectors of lengths \(x.count) and \(y.count)")
    var squaredDistance = 0.0
    for index in x.indices {
      let difference = x[index] - y[index]
      squaredDistance += difference * difference
    }
    return signalVariance * Elementary.exp(-squaredDistance / (2 * lengthscale * lengthscale))
  }

  /// The cross-covariance block `K[i, j] = k(xᵢ, yⱼ)`, through one `dgemm`.
  ///
  /// Uses `‖xᵢ − yⱼ‖² = ‖xᵢ‖² + ‖yⱼ‖² − 2·xᵢ·yⱼ`; rounding can make that slightly negative for near-equal
  /// points, so it is clamped at 0 (k never exceeds σ_f²).
  ///
  /// Shapes: `x: (n × d)`, `y: (m × d)` → `(n × m)`.
  /// Edge cases: `n = 0` or `m = 0` gives an empty matrix; `d = 0` gives σ_f² everywhere. Far from
  /// equal points the expansion loses relative accuracy in the distance (absolute error ~1e-16·‖x‖²),
  /// which is harmless for standardized inputs.
  /// Complexity: `2·n·m·d` flops in BLAS plus one `exp` per entry.
  public func covariance(_ x: Matrix<Double>, _ y: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    guard x.columns == y.columns else {
      throw ShapeError.mismatch(
        operation: "RBF kernel second argument", expected: Shape(y.rows, x.columns), found: y.shape)
    }
    var result = Matrix<Double>(rows: x.rows, columns: y.rows)  // (n × m): −2·X·Yᵀ, then k
    try Matrix.multiply(x, transposed: false, y, transposed: true, into: &result, alpha: -2)
    fill(&result, rowNorms: Self.squaredRowNorms(x), columnNorms: Self.squaredRowNorms(y))
    return result
  }

  /// The Gram matrix `K[i, j] = k(xᵢ, xⱼ)`: exactly symmetric, with diagonal exactly σ_f².
  ///
  /// Shapes: `x: (n × d)` → `(n × n)`.
  /// Complexity: as `covariance(x, x)`.
  public func gram(_ x: Matrix<Double>) -> Matrix<Double> {
    let n = x.rows
    var result = Matrix<Double>(rows: n, columns: n)  // (n × n)
    do {
      try Matrix.multiply(x, transposed: false, x, transposed: true, into: &result, alpha: -2)
    } catch {
      preconditionFailure("RBF Gram matrix: \(error)")
    }
    let norms = Self.squaredRowNorms(x)
    fill(&result, rowNorms: norms, columnNorms: norms)
    result.storage.withUnsafeMutableBufferPointer { buffer in
      for i in 0..<n {
        buffer[i * n + i] = signalVariance
        for j in 0..<i { buffer[j * n + i] = buffer[i * n + j] }
      }
    }
    return result
  }

  /// The prior variances `k(xᵢ, xᵢ) = σ_f²`.
  ///
  /// Shapes: `x: (n × d)` → `n`.
  public func variances(_ x: Matrix<Double>) -> [Double] {
    [Double](repeating: signalVariance, count: x.rows)
  }

  /// Turns `−2·xᵢ·yⱼ` into `σ_f²·exp(−max(0, ‖xᵢ‖² + ‖yⱼ‖² − 2·xᵢ·yⱼ) / (2ℓ²))` in place.
  private func fill(_ block: inout Matrix<Double>, rowNorms: [Double], columnNorms: [Double]) {
    let columns = block.columns
    precondition(
      rowNorms.count == block.rows && columnNorms.count == columns,
      "RBF fill: block \(block.shape), \(rowNorms.count) row norms, \(columnNorms.count) column norms")
    let scale = -1 / (2 * lengthscale * lengthscale)
    let variance = signalVariance
    block.storage.withUnsafeMutableBufferPointer { buffer in
      for (i, rowNorm) in rowNorms.enumerated() {
        let offset = i * columns
        for (j, columnNorm) in columnNorms.enumerated() {
          let squaredDistance = max(0, buffer[offset + j] + rowNorm + columnNorm)
          buffer[offset + j] = variance * Elementary.exp(scale * squaredDistance)
        }
      }
    }
  }

  /// `‖xᵢ‖²` per row. Shapes: `(n × d)` → `n`.
  static func squaredRowNorms(_ x: Matrix<Double>) -> [Double] {
    let d = x.columns
    return (0..<x.rows).map { i in
      var total = 0.0
      for j in 0..<d { total += x.storage[i * d + j] * x.storage[i * d + j] }
      return total
    }
  }
}
