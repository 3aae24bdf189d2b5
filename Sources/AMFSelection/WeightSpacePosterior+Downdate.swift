import AMFNumerics

/// Conditioning a weight-space posterior without rewhitening its points (issue #20): the covariance of the
/// whitened weights becomes `Σ = I − HᵀH`, so `cov(x, y) = ψ(x)ᵀ Σ ψ(y)` with the points ψ left as they are.
///
/// The spectral gain's later picks use it (`AMFStrategy`): they condition on the picked block's kept basis and
/// score only the r kept directions of each block, so they need `Σ` applied to r rows per block and to the
/// targets, never to all n points.
extension WeightSpacePosterior {
  /// The posterior after the r observations `U f(block) + noise`, by extending the downdate.
  ///
  /// With `R = U Ψ_b` (r × p), `Y = R Σ` and `R Σ Rᵀ + ρ² I = F Fᵀ`, the posterior covariance is
  /// `Σ − Yᵀ (F Fᵀ)⁻¹ Y = I − HᵀH − H_bᵀ H_b` with `H_b = F⁻¹ Y`: H grows by the r rows of H_b (the block
  /// extension of a Cholesky factor). With U = I (all m observations) it equals `conditioned(on:)` in exact
  /// arithmetic. Shapes: `basis: (r × m)` → a model with `downdate: ((r_A + r) × p)`. Complexity:
  /// `r m p + 2 r p r_A + r² p + r³/3` flops, against `n p²/2` to rewhiten all n points.
  public func downdated(on block: Range<Int>, basis: Matrix<Double>) throws -> WeightSpacePosterior {
    precondition(basis.columns == block.count, "basis \(basis.shape) for a block of \(block.count)")
    guard basis.rows > 0 else { return self }
    var corner = try basisCovariance(block, basis: basis)  // R Σ Rᵀ (r × r)
    for i in 0..<corner.rows { corner[i, i] += noiseVariance }
    var projected = basisRows(block, basis: basis)  // R, then Y = R Σ
    if downdate.rows > 0 { try applyDowndate(&projected) }
    let added = try Cholesky.factor(corner).solveLower(projected)  // F⁻¹ Y (r × p)
    var result = self
    result.downdate = Matrix(stacking: downdate, added)
    return result
  }

  /// `W(points) = H Ψ_pointsᵀ`, so that `cov(a, b) = Ψ_a Ψ_bᵀ − W(a)ᵀ W(b)`. Shapes: → (r_A × |points|).
  public func downdateFactor(_ points: Range<Int>) throws -> Matrix<Double>? {
    let p = whitened.columns
    var result = Self.zeros(downdate.rows, points.count)
    guard downdate.rows > 0, !points.isEmpty, p > 0 else { return result }
    Self.multiply(downdate.storage, rows: downdate.rows, whitened.storage, from: points, width: p,
      into: &result.storage, at: 0, transposing: true)
    return result
  }

  /// `R = U Ψ_b`, read in place. Shapes: `basis: (r × |block|)` → (r × p).
  func basisRows(_ block: Range<Int>, basis: Matrix<Double>) -> Matrix<Double> {
    let p = whitened.columns
    var rows = Self.zeros(basis.rows, p)
    guard basis.rows > 0, p > 0, !block.isEmpty else { return rows }
    Self.multiply(basis.storage, rows: basis.rows, whitened.storage, from: block, width: p, into: &rows.storage, at: 0,
      transposing: false)
    return rows
  }

  /// `U Ψ_b Σ Ψ_bᵀ Uᵀ` from the r rows `R = U Ψ_b`: `R Rᵀ − (R Hᵀ)(R Hᵀ)ᵀ`, without the m × m Gram.
  /// Shapes: `basis: (r × |block|)` → (r × r). Complexity: `r m p + r² p + r p r_A`.
  public func basisCovariance(_ block: Range<Int>, basis: Matrix<Double>) throws -> Matrix<Double> {
    try basisCoupling(block, basis: basis).covariance
  }

  /// `basisCovariance` and `U W(X_b)ᵀ = R Hᵀ`, from one `R = U Ψ_b`. Shapes: → (r × r), (r × r_A).
  public func basisCoupling(_ block: Range<Int>, basis: Matrix<Double>) throws
    -> (covariance: Matrix<Double>, coupling: Matrix<Double>?)
  {
    precondition(basis.columns == block.count, "basis \(basis.shape) for a block of \(block.count)")
    guard basis.rows > 0, whitened.columns > 0 else {
      return (Self.zeros(basis.rows, basis.rows), Self.zeros(basis.rows, downdate.rows))
    }
    let rows = basisRows(block, basis: basis)  // R (r × p)
    var result = try rows.multiplied(by: rows, transposingOther: true)
    guard downdate.rows > 0 else { return (result, Self.zeros(basis.rows, 0)) }
    let reduced = try rows.multiplied(by: downdate, transposingOther: true)  // R Hᵀ (r × r_A)
    try Matrix.multiply(reduced, transposed: false, reduced, transposed: true, into: &result, alpha: -1, beta: 1)
    return (result, reduced)
  }

  /// `X ← X Σ = X − (X Hᵀ) H`, for rows X in whitened coordinates. Shapes: `rows: (k × p)`.
  func applyDowndate(_ rows: inout Matrix<Double>) throws {
    guard downdate.rows > 0, rows.rows > 0 else { return }
    let reduced = try rows.multiplied(by: downdate, transposingOther: true)  // (k × r_A)
    try Matrix.multiply(reduced, downdate, into: &rows, alpha: -1, beta: 1)
  }

  /// `ψ(x)ᵀ Σ ψ(x) = ‖ψ(x)‖² − ‖H ψ(x)‖²` for each point. Shapes: → (|points|).
  func downdatedVariances(_ points: Range<Int>) -> [Double] {
    let p = whitened.columns
    let reduced = (try? whitened.rowBlock(points).multiplied(by: downdate, transposingOther: true))
      ?? Matrix(rows: points.count, columns: 0)
    let r = reduced.columns
    return points.enumerated().map { offset, row in
      var total = 0.0
      for k in 0..<p { total += whitened.storage[row * p + k] * whitened.storage[row * p + k] }
      for k in 0..<r { total -= reduced.storage[offset * r + k] * reduced.storage[offset * r + k] }
      return total
    }
  }

  /// `Ψ_a Σ Ψ_bᵀ = Ψ_a Ψ_bᵀ − (Ψ_a Hᵀ)(Ψ_b Hᵀ)ᵀ`. Shapes: → (|a| × |b|).
  func downdatedCovariance(_ a: Range<Int>, _ b: Range<Int>) throws -> Matrix<Double> {
    let left = whitened.rowBlock(a)
    let right = a == b ? left : whitened.rowBlock(b)
    var result = a == b ? whitened.rowGram(a) : try left.multiplied(by: right, transposingOther: true)
    let leftReduced = try left.multiplied(by: downdate, transposingOther: true)
    let rightReduced = a == b ? leftReduced : try right.multiplied(by: downdate, transposingOther: true)
    try Matrix.multiply(leftReduced, transposed: false, rightReduced, transposed: true, into: &result, alpha: -1, beta: 1)
    return result
  }
}
