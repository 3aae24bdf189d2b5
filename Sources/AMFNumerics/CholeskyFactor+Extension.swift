extension CholeskyFactor {
  /// The factor of the bordered matrix `[[A, B], [Bᵀ, C]] + jitter·I`, reusing `L` (a block rank-m update).
  ///
  /// `L' = [[L, 0], [Wᵀ, L₂₂]]` with `W = L⁻¹B` and `L₂₂·L₂₂ᵀ = C + jitter·I − WᵀW` (the Schur complement).
  /// This is how a GP conditions on m more points without refactoring its n old ones.
  ///
  /// Shapes: `crossBlock` B: `(n × m)`, `cornerBlock` C: `(m × m)` symmetric (lower triangle read)
  /// → a factor of order `n + m`.
  /// Edge cases: the existing `jitter` is added to C's diagonal too, so the result is exactly the factor of
  /// the bordered matrix plus `jitter·I`. When the Schur complement is not PD with that jitter, this throws
  /// `notPositiveDefinite(jitterTried: jitter)`: refactor the whole matrix with `Cholesky.factor` then, which
  /// runs the ladder. `m = 0` returns `self`. NaN or ±∞ in B or C throws `nonFiniteEntries`.
  /// Complexity: `n²·m + n·m² + m³/3` flops, against `(n + m)³/3` for refactoring.
  /// Reference: Golub and Van Loan, Matrix Computations (4th ed.), §4.2 (block Cholesky).
  public func extended(crossBlock: Matrix<Double>, cornerBlock: Matrix<Double>) throws(NumericsError)
    -> CholeskyFactor
  {
    let n = dimension
    let m = cornerBlock.rows
    precondition(
      crossBlock.rows == n && crossBlock.columns == m && cornerBlock.columns == m,
      "bordered Cholesky: factor \(lower.shape), cross block \(crossBlock.shape), corner \(cornerBlock.shape)")
    guard m > 0 else { return self }
    guard crossBlock.storage.allSatisfy(\.isFinite), cornerBlock.storage.allSatisfy(\.isFinite) else {
      throw NumericsError.nonFiniteEntries(operation: "bordered Cholesky update")
    }
    var schur = cornerBlock  // (m × m): C − WᵀW
    let w: Matrix<Double>  // (n × m): L⁻¹B
    do {
      w = try solveLower(crossBlock)
      try Matrix.multiply(w, transposed: true, w, into: &schur, alpha: -1, beta: 1)
    } catch {
      preconditionFailure("bordered Cholesky: \(error)")
    }
    guard let corner = Cholesky.factorLowerTriangle(schur, diagonalShift: jitter) else {
      throw NumericsError.notPositiveDefinite(jitterTried: jitter)
    }
    let size = n + m
    var result = Matrix<Double>(rows: size, columns: size)
    for i in 0..<n {
      for j in 0...i { result.storage[i * size + j] = lower.storage[i * n + j] }
    }
    for i in 0..<m {
      for j in 0..<n { result.storage[(n + i) * size + j] = w.storage[j * m + i] }
      for j in 0...i { result.storage[(n + i) * size + n + j] = corner.storage[i * m + j] }
    }
    return CholeskyFactor(lower: result, jitter: jitter)
  }
}
