/// Exact Gaussian-process regression in float64: a zero-mean GP prior with kernel `k`, conditioned on
/// noisy observations `Y = f(X) + ε`, `ε ~ N(0, ρ² I)`, one independent GP per target column sharing `k`.
///
/// With `K = k(X, X) + ρ²I = L·Lᵀ`, `α = K⁻¹Y`, `k* = k(X, x)` and `v = L⁻¹k*`:
/// `mean(x) = k*ᵀα` and `σ²_D(x) = k(x, x) − ‖v‖²` (the latent variance, without ρ²; add ρ² for the
/// predictive variance of an observation). Because the kernel is shared, σ²_D is shared by the columns.
///
/// Reference: AMF.md §2.1 and §5 (AMF-GP); Rasmussen and Williams, Gaussian Processes for Machine
/// Learning (2006), Algorithm 2.1.
public struct GaussianPosterior<K: Kernel>: Sendable {
  /// The prior covariance function.
  public let kernel: K
  /// The observation-noise variance ρ² (≥ 0).
  public let noiseVariance: Double
  /// The conditioning inputs X. Shapes: (n × d).
  public let inputs: Matrix<Double>
  /// The observed targets Y, one column per output. Shapes: (n × a).
  public let targets: Matrix<Double>
  /// The Cholesky factor of `k(X, X) + ρ²I` (its `jitter` says whether the ladder was needed).
  public let factor: CholeskyFactor
  /// The representer weights `α = (k(X, X) + ρ²I)⁻¹Y`. Shapes: (n × a).
  public let weights: Matrix<Double>

  /// Conditions the prior on `targets` observed at `inputs` with noise variance `noiseVariance`.
  ///
  /// Shapes: `inputs: (n × d)`, `targets: (n × a)`; `n = 0` is the prior itself (mean 0, variance k(x, x)).
  /// Edge cases: throws `ShapeError` when the row counts differ; `NumericsError` when `k(X, X) + ρ²I` is not
  /// PD even after jitter (duplicate inputs with ρ² = 0 are rescued by the ladder); NaN targets propagate.
  /// Complexity: `n³/3 + n²·d + n²·a` flops.
  public init(kernel: K, noiseVariance: Double, inputs: Matrix<Double>, targets: Matrix<Double>) throws {
    precondition(noiseVariance >= 0 && noiseVariance.isFinite, "noise variance must be ≥ 0, got \(noiseVariance)")
    guard targets.rows == inputs.rows else {
      throw ShapeError.mismatch(
        operation: "GP targets (one row per input)", expected: Shape(inputs.rows, targets.columns),
        found: targets.shape)
    }
    var covariance = kernel.gram(inputs)  // (n × n): k(X, X) + ρ²I
    for i in 0..<inputs.rows { covariance[i, i] += noiseVariance }
    let factor = try Cholesky.factor(covariance)
    self.init(kernel: kernel, noiseVariance: noiseVariance, inputs: inputs, targets: targets, factor: factor)
  }

  private init(kernel: K, noiseVariance: Double, inputs: Matrix<Double>, targets: Matrix<Double>,
               factor: CholeskyFactor)
  {
    self.kernel = kernel
    self.noiseVariance = noiseVariance
    self.inputs = inputs
    self.targets = targets
    self.factor = factor
    do {
      weights = try factor.solve(targets)
    } catch {
      preconditionFailure("GP weights: factor \(factor.lower.shape), targets \(targets.shape): \(error)")
    }
  }

  /// The number n of conditioning points.
  public var count: Int { inputs.rows }
  /// The input dimension d.
  public var inputDimension: Int { inputs.columns }
  /// The number a of outputs (target columns).
  public var outputDimension: Int { targets.columns }

  /// The posterior mean and the latent posterior variance σ²_D at a batch of points.
  ///
  /// Shapes: `points: (m × d)` → `mean: (m × a)`, `variance: m` (shared by the a outputs).
  /// Edge cases: `m = 0` gives empty results; rounding can make `k(x, x) − ‖v‖²` slightly negative far
  /// below the noise level, so the variance is clamped at 0.
  /// Complexity: `2·n·m·d` (kernel) `+ n²·m` (triangular solve) `+ 2·n·m·a` flops.
  public func meanAndVariance(at points: Matrix<Double>) throws(ShapeError)
    -> (mean: Matrix<Double>, variance: [Double])
  {
    let crossCovariance = try crossCovariance(with: points)  // (n × m): k(X, x)
    return (try mean(crossCovariance: crossCovariance), try variance(crossCovariance: crossCovariance, points: points))
  }

  /// The posterior mean `k(x, X)·α`.
  ///
  /// Shapes: `points: (m × d)` → `(m × a)`.
  public func mean(at points: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    try mean(crossCovariance: try crossCovariance(with: points))
  }

  /// The latent posterior variance `σ²_D(x) = k(x, x) − k(x, X)·(k(X, X) + ρ²I)⁻¹·k(X, x)`.
  ///
  /// Shapes: `points: (m × d)` → `m`.
  /// Edge cases: clamped at 0 (see `meanAndVariance(at:)`); equals k(x, x) when n = 0.
  public func posteriorVariance(at points: Matrix<Double>) throws(ShapeError) -> [Double] {
    try variance(crossCovariance: try crossCovariance(with: points), points: points)
  }

  /// The posterior after also observing `targets` at `inputs` (appended after the current data).
  ///
  /// The factor is extended by a bordered (block) Cholesky update; only when that update is not PD with
  /// the current jitter is the whole `(n + m)` matrix refactored with the jitter ladder.
  ///
  /// Shapes: `inputs: (m × d)`, `targets: (m × a)` → a posterior on `n + m` points.
  /// Edge cases: `m = 0` returns an equal posterior; shape mismatches throw `ShapeError`; a matrix that
  /// stays non-PD throws `NumericsError`.
  /// Complexity: `n²·m + n·m² + m³/3 + (n + m)²·a` flops (the fallback: `(n + m)³/3`).
  public func conditioned(onInputs newInputs: Matrix<Double>, targets newTargets: Matrix<Double>) throws
    -> GaussianPosterior
  {
    guard newInputs.columns == inputDimension else {
      throw ShapeError.mismatch(
        operation: "GP new inputs", expected: Shape(newInputs.rows, inputDimension), found: newInputs.shape)
    }
    guard newTargets.rows == newInputs.rows, newTargets.columns == outputDimension else {
      throw ShapeError.mismatch(
        operation: "GP new targets", expected: Shape(newInputs.rows, outputDimension), found: newTargets.shape)
    }
    let allInputs = try Self.stacking(inputs, newInputs)  // (n + m) × d
    let allTargets = try Self.stacking(targets, newTargets)  // (n + m) × a
    var corner = kernel.gram(newInputs)  // (m × m): k(X', X') + ρ²I
    for i in 0..<newInputs.rows { corner[i, i] += noiseVariance }
    let extendedFactor: CholeskyFactor
    do {
      extendedFactor = try factor.extended(
        crossBlock: try kernel.covariance(inputs, newInputs), cornerBlock: corner)
    } catch NumericsError.notPositiveDefinite {
      return try GaussianPosterior(
        kernel: kernel, noiseVariance: noiseVariance, inputs: allInputs, targets: allTargets)
    }
    return GaussianPosterior(
      kernel: kernel, noiseVariance: noiseVariance, inputs: allInputs, targets: allTargets, factor: extendedFactor)
  }

  /// `k(X, points)` after checking the column count. Shapes: `(m × d)` → `(n × m)`.
  private func crossCovariance(with points: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    guard points.columns == inputDimension else {
      throw ShapeError.mismatch(
        operation: "GP query points", expected: Shape(points.rows, inputDimension), found: points.shape)
    }
    return try kernel.covariance(inputs, points)
  }

  /// `k(x, X)·α`. Shapes: `crossCovariance: (n × m)` → `(m × a)`.
  private func mean(crossCovariance: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    var mean = Matrix<Double>(rows: crossCovariance.columns, columns: outputDimension)  // (m × a)
    try Matrix.multiply(crossCovariance, transposed: true, weights, into: &mean)
    return mean
  }

  /// `k(x, x) − ‖L⁻¹k(X, x)‖²`, clamped at 0. Shapes: `crossCovariance: (n × m)` → `m`.
  private func variance(crossCovariance: Matrix<Double>, points: Matrix<Double>) throws(ShapeError) -> [Double] {
    let whitened = try factor.solveLower(crossCovariance)  // (n × m): L⁻¹k(X, x)
    var variance = kernel.variances(points)  // m
    let m = points.rows
    whitened.storage.withUnsafeBufferPointer { buffer in
      variance.withUnsafeMutableBufferPointer { output in
        for i in 0..<count {
          for j in 0..<m { output[j] -= buffer[i * m + j] * buffer[i * m + j] }
        }
        for j in 0..<m { output[j] = max(0, output[j]) }
      }
    }
    return variance
  }

  /// The rows of `top` followed by the rows of `bottom`. Shapes: `(n × c)`, `(m × c)` → `((n + m) × c)`.
  static func stacking(_ top: Matrix<Double>, _ bottom: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    try Matrix(rows: top.rows + bottom.rows, columns: top.columns, values: top.storage + bottom.storage)
  }
}
