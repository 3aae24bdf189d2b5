import AMFNumerics

/// Conditioning a weight-space posterior without rewhitening its points (issue #20): the covariance of the
/// whitened weights becomes `Σ = I − HᵀH`, so `cov(x, y) = ψ(x)ᵀ Σ ψ(y)` with the points ψ left as they are.
///
/// The spectral gain's later picks use it (`AMFStrategy`): they score only the r kept directions of each
/// block, so they need `Σ` applied to r rows per block and to the targets, never to all n points.
extension WeightSpacePosterior {
  /// The posterior after noisy observations at the points of `block`, by extending the downdate.
  ///
  /// With `Y = Ψ_b Σ` (m × p) and `Ψ_b Σ Ψ_bᵀ + ρ² I = F Fᵀ`, the posterior covariance is
  /// `Σ − Yᵀ (F Fᵀ)⁻¹ Y = I − HᵀH − H_bᵀ H_b` with `H_b = F⁻¹ Y`: H grows by the m rows of H_b (the block
  /// extension of a Cholesky factor). Exact: equal to `conditioned(on:)` in exact arithmetic.
  /// Shapes: → a model with `downdate: ((r_A + m) × p)`. Complexity: `m² p + 2 m p r_A + m³/3` flops against
  /// `n p²/2` to rewhiten all n points.
  public func downdated(on block: Range<Int>) throws -> WeightSpacePosterior {
    let rows = whitened.rowBlock(block)  // (m × p)
    var corner = try downdatedCovariance(block, block)  // Ψ_b Σ Ψ_bᵀ (m × m)
    for i in 0..<corner.rows { corner[i, i] += noiseVariance }
    var projected = rows
    if downdate.rows > 0 { try applyDowndate(&projected) }  // Y = Ψ_b Σ
    let added = try Cholesky.factor(corner).solveLower(projected)  // F⁻¹ Y (m × p)
    var result = self
    result.downdate = Matrix(stacking: downdate, added)
    return result
  }

  /// `U Ψ_b Σ Ψ_bᵀ Uᵀ` from the r rows `R = U Ψ_b`: `R Rᵀ − (R Hᵀ)(R Hᵀ)ᵀ`, without the m × m Gram.
  /// Shapes: `basis: (r × |block|)` → (r × r). Complexity: `r m p + r² p + r p r_A`.
  public func basisCovariance(_ block: Range<Int>, basis: Matrix<Double>) throws -> Matrix<Double> {
    precondition(basis.columns == block.count, "basis \(basis.shape) for a block of \(block.count)")
    let p = whitened.columns
    var rows = Self.zeros(basis.rows, p)  // R (r × p)
    guard basis.rows > 0, p > 0 else { return Self.zeros(basis.rows, basis.rows) }
    Self.multiply(basis.storage, rows: basis.rows, whitened.storage, from: block, width: p, into: &rows.storage, at: 0,
      transposing: false)
    var result = try rows.multiplied(by: rows, transposingOther: true)
    if downdate.rows > 0 {
      let reduced = try rows.multiplied(by: downdate, transposingOther: true)  // R Hᵀ (r × r_A)
      try Matrix.multiply(reduced, transposed: false, reduced, transposed: true, into: &result, alpha: -1, beta: 1)
    }
    return result
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
