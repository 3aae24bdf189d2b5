import AMFNumerics
import Foundation

/// The GP posterior over the actions of the expert at a fixed, indexed set of points (AMF.md §2.1): what the
/// information gain needs, and conditioning on a block of those points (greedy batches, §2.4).
///
/// Points are the rows given at construction; blocks are contiguous index ranges, so a candidate
/// demonstration's steps are one range.
public protocol PosteriorModel: Sendable {
  /// The number of points.
  var pointCount: Int { get }
  /// The observation noise ρ² of a demonstration's actions.
  var noiseVariance: Double { get }
  /// The posterior variances `σ²_D(x)` of `points`. Shapes: → (|points|).
  func variances(_ points: Range<Int>) -> [Double]
  /// The posterior covariance between two ranges of points. Shapes: → (|a| × |b|).
  func covariance(_ a: Range<Int>, _ b: Range<Int>) throws -> Matrix<Double>
  /// The posterior after noisy observations at the points of `block`.
  func conditioned(on block: Range<Int>) throws -> Self
  /// `C(block, block)`, as `covariance(block, block)` computes it or faster (the spectral gain's Gram).
  /// Shapes: → (|block| × |block|).
  func blockCovariance(_ block: Range<Int>) throws -> Matrix<Double>
  /// `K_k C(b_k, targets)` for every part (b_k, K_k), stacked: what the spectral gain needs.
  /// The products fill the first Σ r_k rows of `result`, which is reallocated only when it has fewer rows
  /// or other columns (pass the same one again to reuse its storage: fresh pages cost as much as the GEMM).
  /// Shapes: `coefficients: (r_k × |b_k|)` → `result: (≥ Σ r_k × |targets|)`.
  func projectedCovariance(
    _ parts: [(block: Range<Int>, coefficients: Matrix<Double>)], _ targets: Range<Int>,
    into result: inout Matrix<Double>) throws
  /// `U C(block, block) Uᵀ`: the covariance of the r combinations `U f(block)` of the block's values (the
  /// spectral gain's kept directions). Shapes: `basis: (r × |block|)` → (r × r).
  func basisCovariance(_ block: Range<Int>, basis: Matrix<Double>) throws -> Matrix<Double>
  /// The posterior after the r noisy observations `U f(block) + noise` (U: r × |block| with orthonormal rows,
  /// so the noise stays ρ² I), as a rank-r downdate of the covariance: `C(a, b) − W(a)ᵀ W(b)` with
  /// `W = F⁻¹ U C(block, ·)`, `F Fᵀ = U C(block, block) Uᵀ + ρ² I`. With U = I it is `conditioned(on:)` in
  /// exact arithmetic; weight space keeps the whitened points as they are (no rewhitening of all n points).
  /// The spectral gain's later picks condition on the picked block's kept basis this way.
  func downdated(on block: Range<Int>, basis: Matrix<Double>) throws -> Self
  /// `U C(block, block) Uᵀ` and `U W(block)ᵀ` together (W: `downdateFactor`; nil when that is nil), for the
  /// spectral gain's later picks. Shapes: `basis: (r × |block|)` → (r × r), (r × r_A).
  func basisCoupling(_ block: Range<Int>, basis: Matrix<Double>) throws
    -> (covariance: Matrix<Double>, coupling: Matrix<Double>?)
  /// W(points), stacked over every `downdated(on:basis:)` so far: `C(a, b) = C₀(a, b) − W(a)ᵀ W(b)`, C₀ the
  /// covariance before them. nil when the model does not keep it apart (then the spectral gain's later picks
  /// recompute their projections). Shapes: → (r_A × |points|).
  func downdateFactor(_ points: Range<Int>) throws -> Matrix<Double>?
}

extension PosteriorModel {
  /// `covariance(block, block)`.
  public func blockCovariance(_ block: Range<Int>) throws -> Matrix<Double> { try covariance(block, block) }

  /// `U · blockCovariance(block) · Uᵀ`.
  public func basisCovariance(_ block: Range<Int>, basis: Matrix<Double>) throws -> Matrix<Double> {
    try basis.multiplied(by: try blockCovariance(block)).multiplied(by: basis, transposingOther: true)
  }

  /// nil: not kept apart.
  public func downdateFactor(_ points: Range<Int>) throws -> Matrix<Double>? { nil }

  /// `basisCovariance` and `U · downdateFactor(block)ᵀ`.
  public func basisCoupling(_ block: Range<Int>, basis: Matrix<Double>) throws
    -> (covariance: Matrix<Double>, coupling: Matrix<Double>?)
  {
    let coupling = try downdateFactor(block).map { try basis.multiplied(by: $0, transposingOther: true) }
    return (try basisCovariance(block, basis: basis), coupling)
  }

  /// Each part's covariance with the targets, multiplied on the left by its coefficients.
  public func projectedCovariance(
    _ parts: [(block: Range<Int>, coefficients: Matrix<Double>)], _ targets: Range<Int>,
    into result: inout Matrix<Double>
  ) throws {
    var stacked = Matrix<Double>(rows: 0, columns: targets.count)
    for part in parts {
      stacked = Matrix(stacking: stacked, try part.coefficients.multiplied(by: try covariance(part.block, targets)))
    }
    result = stacked
  }
}

/// The weight-space posterior of a linear kernel `k(x, x') = φ(x)ᵀφ(x')` (AMF-NN, AMF.md §2.1).
///
/// With `Σ_D = (I + ρ⁻² Φ_Dᵀ Φ_D)⁻¹ = L⁻ᵀ L⁻¹` (Cholesky of the p×p precision), the points are kept whitened,
/// `ψ(x) = L⁻¹ φ(x)`, so `σ²_D(x) = ‖ψ(x)‖²` and covariances are inner products. Conditioning on a block of m
/// points multiplies the precision by a rank-m term: `I + ρ⁻² Ψ_bᵀ Ψ_b = L₂ L₂ᵀ`, `ψ ← L₂⁻¹ ψ` (one p×p
/// Cholesky per pick; the gain of a candidate never forms one, see `InformationGain`).
///
/// `downdated(on:basis:)` conditions without touching the points: it stores `H` with
/// `cov(x, y) = ψ(x)ᵀ(I − HᵀH)ψ(y)` (`downdate`, r_A × p; empty after `init` and `conditioned(on:)`), see
/// `WeightSpacePosterior+Downdate.swift`.
public struct WeightSpacePosterior: PosteriorModel {
  public let noiseVariance: Double
  /// The whitened points ψ(x). Shapes: (n × p).
  public private(set) var whitened: Matrix<Double>
  /// `H` of the covariance `ψ(x)ᵀ(I − HᵀH)ψ(y)` after `downdated(on:basis:)`; no rows otherwise. Shapes: (r_A × p).
  public internal(set) var downdate: Matrix<Double>

  /// The posterior given conditioning embeddings `Φ_D`.
  ///
  /// Shapes: `points: (n × p)`, `conditioning: (n_D × p)` (n_D may be 0: the prior `Σ = I`).
  /// Complexity: `n_D p² + p³/3 + n p²` flops.
  /// `points` is consumed, so a temporary (AMFStrategy's gathered points) is whitened in place.
  public init(points: consuming Matrix<Double>, conditioning: Matrix<Double>, noiseVariance: Double) throws {
    precondition(conditioning.rows == 0 || conditioning.columns == points.columns, "embedding widths differ")
    self.noiseVariance = noiseVariance
    var precision = Matrix<Double>.identity(points.columns)  // (p × p)
    if conditioning.rows > 0 {
      try Matrix.multiply(conditioning, transposed: true, conditioning, into: &precision, alpha: 1 / noiseVariance, beta: 1)
    }
    whitened = consume points
    downdate = Matrix(rows: 0, columns: whitened.columns)
    if conditioning.rows > 0 { try Self.whiten(&whitened, precision: precision) }
  }

  public var pointCount: Int { whitened.rows }

  public func variances(_ points: Range<Int>) -> [Double] {
    guard downdate.rows == 0 else { return downdatedVariances(points) }
    let p = whitened.columns
    return points.map { row in
      var total = 0.0
      for k in 0..<p { total += whitened.storage[row * p + k] * whitened.storage[row * p + k] }
      return total
    }
  }

  public func covariance(_ a: Range<Int>, _ b: Range<Int>) throws -> Matrix<Double> {
    guard downdate.rows == 0 else { return try downdatedCovariance(a, b) }
    return try whitened.rowBlock(a).multiplied(by: whitened.rowBlock(b), transposingOther: true)
  }

  /// Rewhitens every point (`ψ ← L₂⁻¹ψ`); a downdated model extends its downdate instead.
  public func conditioned(on block: Range<Int>) throws -> WeightSpacePosterior {
    guard downdate.rows == 0 else { return try downdated(on: block, basis: Matrix.identity(block.count)) }
    let rows = whitened.rowBlock(block)  // (m × p)
    var precision = Matrix<Double>.identity(whitened.columns)  // (p × p)
    try Matrix.multiply(rows, transposed: true, rows, into: &precision, alpha: 1 / noiseVariance, beta: 1)
    var result = self
    try Self.whiten(&result.whitened, precision: precision)
    return result
  }

  /// `K_k Ψ_{b_k} Ψ_targetsᵀ`, stacked: the `r × p` products first (one small GEMM per part, straight from
  /// `whitened`), then one GEMM against the targets for all parts, so the targets are packed once.
  /// Shapes: `coefficients: (r_k × |b_k|)` → (Σ r_k × |targets|). Complexity: `Σ r_k (|b_k| + |targets|) p`.
  public func projectedCovariance(
    _ parts: [(block: Range<Int>, coefficients: Matrix<Double>)], _ targets: Range<Int>,
    into result: inout Matrix<Double>
  ) throws {
    let p = whitened.columns
    let total = parts.reduce(0) { $0 + $1.coefficients.rows }
    guard total > 0, p > 0, !targets.isEmpty else {
      if result.rows < total || result.columns != targets.count { result = Self.zeros(total, targets.count) }
      for index in result.storage.indices { result.storage[index] = 0 }
      return
    }
    // Every entry of both is written by a GEMM with β = 0 below, so neither is zeroed first (at 4× the
    // default size the kept products are 200 MB).
    var directions = Self.uninitialized(total, p)  // (Σ r × p)
    if result.rows < total || result.columns != targets.count { result = Self.uninitialized(total, targets.count) }
    var row = 0
    for part in parts where part.coefficients.rows > 0 {
      precondition(part.coefficients.columns == part.block.count, "coefficients \(part.coefficients.shape) for a block of \(part.block.count)")
      Self.multiply(part.coefficients.storage, rows: part.coefficients.rows, whitened.storage, from: part.block, width: p,
        into: &directions.storage, at: row, transposing: false)
      row += part.coefficients.rows
    }
    if downdate.rows > 0 { try applyDowndate(&directions) }
    Self.multiply(directions.storage, rows: total, whitened.storage, from: targets, width: p, into: &result.storage, at: 0,
      transposing: true)
  }

  /// `Ψ_b Ψ_bᵀ` read in place from `whitened` by a symmetric rank-k update (no row copies, half a GEMM).
  /// Shapes: → (|block| × |block|).
  public func blockCovariance(_ block: Range<Int>) throws -> Matrix<Double> {
    guard downdate.rows == 0 else { return try downdatedCovariance(block, block) }
    return whitened.rowGram(block)
  }

  /// A matrix whose entries are not initialized (for outputs a GEMM with β = 0 overwrites entirely).
  static func uninitialized(_ rows: Int, _ columns: Int) -> Matrix<Double> {
    let values = [Double](unsafeUninitializedCapacity: rows * columns) { _, count in count = rows * columns }
    return (try? Matrix(rows: rows, columns: columns, values: values)) ?? Matrix(rows: rows, columns: columns)
  }

  /// A zero matrix, allocated where the scalar type is known (the generic `Matrix(rows:columns:)` copies
  /// element by element through value witnesses across modules).
  static func zeros(_ rows: Int, _ columns: Int) -> Matrix<Double> {
    (try? Matrix(rows: rows, columns: columns, values: [Double](repeating: 0, count: rows * columns)))
      ?? Matrix(rows: rows, columns: columns)
  }

  /// `c[at…] ← a · b[rows]` (`transposing: false`; a: (r × |rows|), b's rows are the inner dimension) or
  /// `c[at…] ← a · b[rows]ᵀ` (`transposing: true`; a: (r × width)), with b = the row-major (· × width) `points`,
  /// read in place. Shapes: → (r × width) or (r × |rows|), written from row `at` of c.
  static func multiply(
    _ a: [Double], rows r: Int, _ points: [Double], from range: Range<Int>, width: Int, into c: inout [Double],
    at: Int, transposing: Bool
  ) {
    let (n, k) = transposing ? (range.count, width) : (width, range.count)
    a.withUnsafeBufferPointer { aBuffer in
      points.withUnsafeBufferPointer { pointsBuffer in
        c.withUnsafeMutableBufferPointer { cBuffer in
          guard let aBase = aBuffer.baseAddress, let pointsBase = pointsBuffer.baseAddress,
            let cBase = cBuffer.baseAddress
          else { return }
          Double.gemm(
            transposeA: false, transposeB: transposing, m: r, n: n, k: k, alpha: 1, a: aBase, lda: k,
            b: pointsBase + range.lowerBound * width, ldb: width, beta: 0, c: cBase + at * n, ldc: n)
        }
      }
    }
  }

  /// `Φ ← Φ L⁻ᵀ` in place, with `precision = L Lᵀ`.
  private static func whiten(_ points: inout Matrix<Double>, precision: Matrix<Double>) throws {
    let factor = try Cholesky.factor(precision)
    try factor.solveLowerRows(&points)
  }
}

/// The function-space posterior of a kernel GP (AMF-GP, AMF.md §2.1): `cov_D(a, b) = k(a, b) − U_aᵀ U_b`
/// with `U = L_D⁻¹ k(D, ·)`, `K_D + ρ² I = L_D L_Dᵀ`.
///
/// Conditioning on a block b appends the rows `L_A⁻¹ cov_D(b, ·)` (`cov_D(b, b) + ρ² I = L_A L_Aᵀ`) to U:
/// the block extension of the Cholesky factor of D ∪ b, never a refactorization.
public struct FunctionSpacePosterior<K: Kernel>: PosteriorModel {
  public let noiseVariance: Double
  /// The kernel.
  public let kernel: K
  /// The points (kernel inputs). Shapes: (n × d).
  public let points: Matrix<Double>
  /// The low-rank correction. Shapes: (r × n).
  public private(set) var correction: Matrix<Double>

  /// The posterior given the conditioning inputs D.
  ///
  /// Shapes: `points: (n × d)`, `conditioning: (n_D × d)`.
  /// Complexity: `n_D³/3 + n_D² n` flops.
  public init(kernel: K, points: Matrix<Double>, conditioning: Matrix<Double>, noiseVariance: Double) throws {
    self.kernel = kernel
    self.points = points
    self.noiseVariance = noiseVariance
    guard conditioning.rows > 0 else {
      correction = Matrix(rows: 0, columns: points.rows)
      return
    }
    var gram = kernel.gram(conditioning)  // (n_D × n_D)
    for i in 0..<gram.rows { gram[i, i] += noiseVariance }
    let factor = try Cholesky.factor(gram)
    correction = try factor.solveLower(try kernel.covariance(conditioning, points))
  }

  public var pointCount: Int { points.rows }

  public func variances(_ range: Range<Int>) -> [Double] {
    let prior = kernel.variances(points.rowBlock(range))
    let n = correction.columns
    return range.enumerated().map { offset, column in
      var total = prior[offset]
      for r in 0..<correction.rows { total -= correction.storage[r * n + column] * correction.storage[r * n + column] }
      return total
    }
  }

  public func covariance(_ a: Range<Int>, _ b: Range<Int>) throws -> Matrix<Double> {
    var result = try kernel.covariance(points.rowBlock(a), points.rowBlock(b))  // (|a| × |b|)
    guard correction.rows > 0 else { return result }
    try Matrix.multiply(correction.columnBlock(a), transposed: true, correction.columnBlock(b), into: &result, alpha: -1, beta: 1)
    return result
  }

  public func conditioned(on block: Range<Int>) throws -> FunctionSpacePosterior<K> {
    var corner = try covariance(block, block)  // (m × m)
    for i in 0..<corner.rows { corner[i, i] += noiseVariance }
    let factor = try Cholesky.factor(corner)
    let added = try factor.solveLower(try covariance(block, 0..<pointCount))  // (m × n)
    var result = self
    result.correction = Matrix(stacking: correction, added)
    return result
  }

  /// Appends the rows `F⁻¹ U cov_D(block, ·)` (`U cov_D(block, block) Uᵀ + ρ² I = F Fᵀ`) to U: the block
  /// extension for the r observations `U f(block)`. Complexity: that of `conditioned(on:)` plus `r m n`.
  public func downdated(on block: Range<Int>, basis: Matrix<Double>) throws -> FunctionSpacePosterior<K> {
    precondition(basis.columns == block.count, "basis \(basis.shape) for a block of \(block.count)")
    guard basis.rows > 0 else { return self }
    var corner = try basisCovariance(block, basis: basis)  // (r × r)
    for i in 0..<corner.rows { corner[i, i] += noiseVariance }
    let factor = try Cholesky.factor(corner)
    let added = try factor.solveLower(try basis.multiplied(by: try covariance(block, 0..<pointCount)))  // (r × n)
    var result = self
    result.correction = Matrix(stacking: correction, added)
    return result
  }
}

extension Matrix {
  /// The rows in `range` as a new matrix. Shapes: → (|range| × columns).
  func rowBlock(_ range: Range<Int>) -> Matrix {
    var result = Matrix(rows: range.count, columns: columns)
    result.storage.replaceSubrange(
      0..<(range.count * columns), with: storage[(range.lowerBound * columns)..<(range.upperBound * columns)])
    return result
  }

  /// The columns in `range` as a new matrix. Shapes: → (rows × |range|).
  func columnBlock(_ range: Range<Int>) -> Matrix {
    var result = Matrix(rows: rows, columns: range.count)
    for row in 0..<rows {
      for (offset, column) in range.enumerated() { result.storage[row * range.count + offset] = storage[row * columns + column] }
    }
    return result
  }

  /// `top` over `bottom`. Shapes: (r₁ × n), (r₂ × n) → ((r₁ + r₂) × n).
  init(stacking top: Matrix, _ bottom: Matrix) {
    precondition(top.columns == bottom.columns || top.rows == 0, "stacking \(top.shape) over \(bottom.shape)")
    self.init(rows: top.rows + bottom.rows, columns: bottom.columns)
    storage = top.storage + bottom.storage
  }
}
