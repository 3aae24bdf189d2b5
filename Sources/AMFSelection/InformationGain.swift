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

  // MARK: - Spectral form (select.gain_rank_tolerance, issue #20)

  /// The variance reduction of every block, from the eigen-directions of each block's covariance that carry
  /// more than a fraction `tolerance` of information (the option `select.gain_rank_tolerance`).
  ///
  /// With `C(X', X') = U diag(s²) Uᵀ`, `(C(X', X') + ρ² I)⁻¹ = Σ_i u_i u_iᵀ / (s_i² + ρ²)`, so the reduction
  /// at x is `Σ_i (u_iᵀ c(X', x))² / (s_i² + ρ²) = Σ_i λ_i (v_iᵀ ψ(x))²` with `λ_i = s_i²/(s_i² + ρ²)` and v_i the
  /// unit directions in whitened weight space. Only the directions with `λ_i > ε` (`s_i² > ε ρ²/(1 − ε)`) are
  /// kept; trajectory blocks are close to low rank, so r ≪ m and the target product costs `r p n_T`
  /// instead of `m p n_T + m² n_T`.
  ///
  /// Bound (exact arithmetic): the kept reduction r̃ never exceeds the full one r, and each target's gain is
  /// lower by at most `gainBound(tolerance:)` nats (see there). ε = 0 keeps every positive eigenvalue:
  /// the Woodbury value up to rounding (eigenvalues are accurate to ≈ 1e-16 ‖C(X', X')‖ absolute).
  ///
  /// Shapes: `targets`: an index range of `model`'s points; `blocks`: index ranges → one array (|targets|)
  /// per block. Complexity per block: `m² p` (its Gram), `4m³/3` (eigenvalues), `r m p + r p n_T`;
  /// blocks are batched so one GEMM serves many.
  public static func spectralReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], tolerance: Double
  ) throws -> [[Double]] {
    try spectralScoring(model: model, targets: targets, blocks: blocks, tolerance: tolerance).reductions
  }

  /// `spectralReductions` and, per block, the kept basis `U` (r × m, orthonormal rows): the combinations of the
  /// block's observations that are scored, and that the later picks of a greedy batch score again
  /// (`basisReductions`).
  ///
  /// Which basis: when a pivoted Cholesky factorization of `C(X', X')` finds at most m/4 directions outside
  /// which the block's covariance has trace ≤ θ = ερ²/(1 − ε) (`Cholesky.pivotedRange`), that basis, scored by
  /// `basisReductions`' r × r Woodbury form — no eigendecomposition (a trajectory block of numerical rank 3:
  /// ≈ 10× cheaper than `dsytrd`); otherwise the eigen-directions with `s_i² > θ`. Either way every direction
  /// left out carries `s² ≤ θ`, i.e. `λ ≤ ε`, which is all the bound `gainBound(tolerance:)` uses; the pivoted
  /// basis may keep a few more directions than the eigen one.
  public static func spectralScoring(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], tolerance: Double
  ) throws -> (reductions: [[Double]], bases: [Matrix<Double>]) {
    precondition(tolerance >= 0 && tolerance < 1, "gain rank tolerance \(tolerance) outside [0, 1)")
    let threshold = tolerance * model.noiseVariance / (1 - tolerance)
    var bases: [Matrix<Double>] = []
    bases.reserveCapacity(blocks.count)
    let reductions = try batchedReductions(model: model, targets: targets, blocks: blocks) { block in
      let corner = try model.blockCovariance(block)
      if let basis = Cholesky.pivotedRange(of: corner, residual: threshold, maxRank: corner.rows / 4) {
        bases.append(basis)
        return try basisCoefficients(model: model, block: block, basis: basis)
      }
      let pairs = try SymmetricEigen.pairs(of: corner, above: threshold)
      bases.append(pairs.vectors)
      return spectralCoefficients(pairs, noiseVariance: model.noiseVariance)
    }
    return (reductions, bases)
  }

  /// The variance reduction of every block when only the r combinations `U y_b` of its observations are
  /// made (U: r × m with orthonormal rows, e.g. a block's kept basis from `spectralScoring`), exactly:
  /// `c(U X', x)ᵀ (U C(X', X') Uᵀ + ρ² I)⁻¹ c(U X', x)`, by an r × r Cholesky `F` and the coefficients
  /// `F⁻¹ U`.
  ///
  /// Why it is the spectral gain of a later pick: observing `U y_b` drops the other, orthogonal combinations
  /// of the block's observations, so the reduction is never above the full block's. The basis was chosen
  /// under the first pick's posterior, where every dropped direction carries `λ ≤ ε`; its information term
  /// `E` satisfies `E ≤ ε (I + E) ≤ ε · (any later precision that includes the block)`, so the bound
  /// `gainBound(tolerance:)` per target still holds under any posterior conditioned on more data.
  /// Shapes: `bases[k]: (r_k × |blocks[k]|)` → one array (|targets|) per block. Complexity per block:
  /// `model.basisCovariance` + `r³/3 + r² m` + the batched target product `r p n_T`.
  public static func basisReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], bases: [Matrix<Double>]
  ) throws -> [[Double]] {
    precondition(blocks.count == bases.count, "\(bases.count) bases for \(blocks.count) blocks")
    var next = 0
    return try batchedReductions(model: model, targets: targets, blocks: blocks) { block in
      let basis = bases[next]
      next += 1
      return try basisCoefficients(model: model, block: block, basis: basis)
    }
  }

  /// `F⁻¹ U` with `F Fᵀ = U C(X', X') Uᵀ + ρ² I`. Shapes: `basis: (r × |block|)` → (r × |block|).
  static func basisCoefficients(model: some PosteriorModel, block: Range<Int>, basis: Matrix<Double>) throws
    -> Matrix<Double>
  {
    guard basis.rows > 0 else { return basis }
    var corner = try model.basisCovariance(block, basis: basis)  // (r × r)
    for i in 0..<corner.rows { corner[i, i] += model.noiseVariance }
    return try Cholesky.factor(corner).solveLower(basis)
  }

  /// `Σ_rows (K_b c(X_b, x))²` for each block b, with `coefficients(b) = K_b` (r_b × m_b); the products with
  /// the targets are batched so one GEMM serves many blocks. Shapes: → one array (|targets|) per block.
  static func batchedReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>],
    coefficients: (Range<Int>) throws -> Matrix<Double>
  ) throws -> [[Double]] {
    var result: [[Double]] = []
    result.reserveCapacity(blocks.count)
    var batch: [(block: Range<Int>, coefficients: Matrix<Double>)] = []
    var batchRows = 0
    var projected = Matrix<Double>(rows: 0, columns: 0)  // (≥ Σ r × n_T), reused across batches
    func flush() throws {
      guard !batch.isEmpty else { return }
      try model.projectedCovariance(batch, targets, into: &projected)
      var row = 0
      for part in batch {
        result.append(columnSquares(projected, rows: row..<(row + part.coefficients.rows)))
        row += part.coefficients.rows
      }
      batch.removeAll(keepingCapacity: true)
      batchRows = 0
    }
    for block in blocks {
      let part = try coefficients(block)
      batch.append((block, part))
      batchRows += part.rows
      if batchRows >= spectralBatchRows { try flush() }
    }
    try flush()
    return result
  }

  /// Rows of projected covariances gathered before one target GEMM (caps its output at 128 × n_T: 1.5 MB at
  /// the default size, read again right away for the column squares).
  static let spectralBatchRows = 128

  /// `diag(1/√(s_i² + ρ²)) U_rᵀ` for the eigenpairs `(s_i², u_i)` kept. Shapes: `pairs.vectors: (r × m)` → (r × m).
  static func spectralCoefficients(_ pairs: SymmetricEigen.Pairs, noiseVariance: Double) -> Matrix<Double> {
    var vectors = pairs.vectors
    let m = vectors.columns
    for (i, value) in pairs.values.enumerated() {
      let scale = 1 / (value + noiseVariance).squareRoot()
      for j in 0..<m { vectors.storage[i * m + j] *= scale }
    }
    return vectors
  }

  /// The largest amount, in nats, by which the spectral form lowers one target's gain: `−½ log(1 − ε)`
  /// (≈ ε/2), with or without `targetNoise`.
  ///
  /// Derivation: with D = Σ_dropped (v_iᵀψ)², the dropped reduction is δ = Σ_dropped λ_i (v_iᵀψ)² ≤ ε D, and
  /// the exact posterior σ²_post = Σ_i (1 − λ_i)(v_iᵀψ)² + ‖(I − VVᵀ)ψ‖² ≥ (1 − ε) D; so the spectral
  /// posterior σ²_post + δ ≤ σ²_post / (1 − ε), and the gain `½ log(σ²_D/σ²_post)` drops by at most
  /// `½ log(1/(1 − ε))`; adding ρ² to both variances, or the 1e-12 floor, only shrinks the ratio. Never
  /// raises a gain. A score `Σ_b w_b Σ_x w_x gain` therefore drops by at most this times `Σ_b w_b Σ_x w_x`.
  public static func gainBound(tolerance: Double) -> Double {
    -0.5 * Foundation.log1p(-tolerance)
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

  /// `Σ_x w_x · ½ log((σ²_D(x) + shift) / (max(σ²_D(x) − reduction_x, 1e-12 σ²_D(x)) + shift))`: a block's
  /// weighted gain, as `gains(reduction:targetVariances:shift:)` summed with `weights`, but with one logarithm per
  /// run of up to 16 consecutive targets of equal weight (a target's steps share their weight): the log of the
  /// product of their ratios, each in [1, 10¹²], so the product stays below 10¹⁹² and rounds by at most 16 u.
  /// The spectral gain's scores use it (the logarithms were a third of a round); the default path does not.
  /// Shapes: `reduction`, `targetVariances`, `weights`: (n_T) → a scalar.
  static func weightedGain(reduction: [Double], targetVariances: [Double], weights: [Double], shift: Double)
    -> Double
  {
    let n = min(reduction.count, targetVariances.count, weights.count)
    var total = 0.0
    reduction.withUnsafeBufferPointer { reduction in
      targetVariances.withUnsafeBufferPointer { prior in
        weights.withUnsafeBufferPointer { weights in
          var start = 0
          while start < n {
            let weight = weights[start]
            var product = 1.0
            var x = start
            repeat {
              let posterior = max(prior[x] - reduction[x], 1e-12 * prior[x])
              product *= (prior[x] + shift) / (posterior + shift)
              x += 1
            } while x < n && x < start + 16 && weights[x] == weight
            total += weight * (0.5 * Foundation.log(product))
            start = x
          }
        }
      }
    }
    return total
  }
}
