import AMFNumerics
import Foundation

/// The spectral gain (`select.gain_rank_tolerance: ε`, issue #20): each candidate block is replaced by the few
/// combinations `U y_b` of its observations (U: r × m, orthonormal rows) that carry more than ε of information;
/// every combination left out carries `λ ≤ ε`. The first pick scores them under the posterior given D; the later
/// picks of a greedy batch condition on the picked block's combinations (a rank-r downdate) and score the same
/// combinations again, from the first pick's projections, without an eigendecomposition or a p × p rewhitening.
extension InformationGain {
  /// The variance reduction of every block, from the directions of each block's covariance that carry more
  /// than a fraction `tolerance` of information (the option `select.gain_rank_tolerance`).
  ///
  /// With `C(X', X') = U diag(s²) Uᵀ`, `(C(X', X') + ρ² I)⁻¹ = Σ_i u_i u_iᵀ / (s_i² + ρ²)`, so the reduction
  /// at x is `Σ_i (u_iᵀ c(X', x))² / (s_i² + ρ²) = Σ_i λ_i (v_iᵀ ψ(x))²` with `λ_i = s_i²/(s_i² + ρ²)` and v_i the
  /// unit directions in whitened weight space. Only the directions with `λ_i > ε` (`s_i² > ε ρ²/(1 − ε)`) are
  /// kept (or a basis from a pivoted Cholesky factorization with the same guarantee, see `spectralScoring`);
  /// trajectory blocks are close to low rank, so r ≪ m and the target product costs `r p n_T` instead of
  /// `m p n_T + m² n_T`.
  ///
  /// Bound (exact arithmetic): the kept reduction r̃ never exceeds the full one r, and each target's gain is
  /// lower by at most `gainBound(tolerance:)` nats (see there). ε = 0 keeps every positive eigenvalue:
  /// the Woodbury value up to rounding (eigenvalues are accurate to ≈ 1e-16 ‖C(X', X')‖ absolute).
  ///
  /// Shapes: `targets`: an index range of `model`'s points; `blocks`: index ranges → one array (|targets|)
  /// per block. Complexity per block: `m² p` (its Gram), `4m³/3` (eigenvalues, when the pivoted basis does not
  /// serve), `r m p + r p n_T`; blocks are batched so one GEMM serves many.
  public static func spectralReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], tolerance: Double
  ) throws -> [[Double]] {
    try spectralScoring(model: model, targets: targets, blocks: blocks, tolerance: tolerance).reductions
  }

  /// The first pick's spectral scoring and what the later picks reuse.
  public struct SpectralScoring: Sendable {
    /// The variance reduction of each block at each target. Shapes: (blocks) × (n_T).
    public var reductions: [[Double]]
    /// Each block's kept basis U (orthonormal rows). Shapes: (r_b × m_b) per block.
    public var bases: [Matrix<Double>]
    /// Each block's F, with the scored coefficients `F⁻¹ U` (lower triangular). Shapes: (r_b × r_b) per block.
    var factors: [Matrix<Double>]
    /// `F_b⁻¹ U_b C(X_b, targets)` for every block, as the target products of the batches that computed them,
    /// or empty when they would take more than `keptProjectionLimit` values (then the later picks recompute
    /// them). Shapes: (Σ_batch r_b × n_T) per batch.
    var projections: [Matrix<Double>]
    /// Where each block's rows are in `projections`: (batch, first row).
    var projectionRows: [(batch: Int, row: Int)]
  }

  /// The most values of first-pick projections kept for the later picks (256 MB; the default study size with
  /// real embeddings, about 34 kept directions per block, needs 141 MB).
  static let keptProjectionLimit = 32 << 20

  /// `spectralReductions` and, per block, the kept basis `U` (r × m, orthonormal rows): the combinations of the
  /// block's observations that are scored, and that the later picks of a greedy batch condition on and score
  /// again (`laterReductions`); with `keepingProjections`, also the products with the targets.
  ///
  /// Which basis: when a pivoted Cholesky factorization of `C(X', X')` finds at most m/4 directions outside
  /// which the block's covariance has trace ≤ θ = ερ²/(1 − ε) (`Cholesky.pivotedRange`), that basis, scored by
  /// `basisReductions`' r × r Woodbury form — no eigendecomposition (a trajectory block of numerical rank 3:
  /// ≈ 10× cheaper than `dsytrd`); otherwise the eigen-directions with `s_i² > θ`. Either way every direction
  /// left out carries `s² ≤ θ`, i.e. `λ ≤ ε`, which is all the bound `gainBound(tolerance:)` uses; the pivoted
  /// basis may keep a few more directions than the eigen one.
  public static func spectralScoring(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], tolerance: Double,
    keepingProjections: Bool = false
  ) throws -> SpectralScoring {
    var reductions = [[Double]](repeating: [], count: blocks.count)
    var scoring = try spectralScoring(
      model: model, targets: targets, blocks: blocks, tolerance: tolerance, keepingProjections: keepingProjections
    ) { index, reduction in reductions[index] = Array(reduction) }
    scoring.reductions = reductions
    return scoring
  }

  /// A consumer of one block's variance reductions at the targets (`block`: its index in `blocks`), called
  /// once per block in order; the buffer is valid only during the call.
  public typealias ReductionSink = (_ block: Int, _ reduction: UnsafeBufferPointer<Double>) throws -> Void

  /// `spectralScoring` handing each block's reductions to `sink` instead of keeping them (`reductions` empty).
  public static func spectralScoring(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], tolerance: Double,
    keepingProjections: Bool = false, into sink: ReductionSink
  ) throws -> SpectralScoring {
    precondition(tolerance >= 0 && tolerance < 1, "gain rank tolerance \(tolerance) outside [0, 1)")
    let threshold = tolerance * model.noiseVariance / (1 - tolerance)
    var scoring = SpectralScoring(reductions: [], bases: [], factors: [], projections: [], projectionRows: [])
    scoring.bases.reserveCapacity(blocks.count)
    scoring.factors.reserveCapacity(blocks.count)
    var kept: Kept? = keepingProjections ? Kept() : nil
    try batchedReductions(model: model, targets: targets, blocks: blocks, keeping: &kept, into: sink) { block in
      let corner = try model.blockCovariance(block)
      if let basis = Cholesky.pivotedRange(of: corner, residual: threshold, maxRank: corner.rows / 4) {
        let (coefficients, factor) = try basisCoefficients(model: model, block: block, basis: basis)
        scoring.bases.append(basis)
        scoring.factors.append(factor)
        return coefficients
      }
      let pairs = try SymmetricEigen.pairs(of: corner, above: threshold)
      scoring.bases.append(pairs.vectors)
      var factor = Matrix<Double>(rows: pairs.values.count, columns: pairs.values.count)
      for (i, value) in pairs.values.enumerated() { factor[i, i] = (value + model.noiseVariance).squareRoot() }
      scoring.factors.append(factor)
      return spectralCoefficients(pairs, noiseVariance: model.noiseVariance)
    }
    if let kept {
      (scoring.projections, scoring.projectionRows) = (kept.batches, kept.rows)
    }
    return scoring
  }

  /// The target products kept by `batchedReductions`: the batches' matrices and each block's place in them.
  struct Kept {
    var batches: [Matrix<Double>] = []
    var rows: [(batch: Int, row: Int)] = []
    var values = 0
  }

  /// The variance reduction of every block when only the r combinations `U y_b` of its observations are
  /// made (U: r × m with orthonormal rows, e.g. a block's kept basis from `spectralScoring`), exactly:
  /// `c(U X', x)ᵀ (U C(X', X') Uᵀ + ρ² I)⁻¹ c(U X', x)`, by an r × r Cholesky `F` and the coefficients
  /// `F⁻¹ U`. Observing `U y_b` drops the other, orthogonal combinations of the block's observations, so the
  /// reduction is never above the full block's (the bound under later posteriors: `laterPickBounds`).
  /// Shapes: `bases[k]: (r_k × |blocks[k]|)` → one array (|targets|) per block. Complexity per block:
  /// `model.basisCovariance` + `r³/3 + r² m` + the batched target product `r p n_T`.
  public static func basisReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], bases: [Matrix<Double>]
  ) throws -> [[Double]] {
    var reductions = [[Double]](repeating: [], count: blocks.count)
    try basisReductions(model: model, targets: targets, blocks: blocks, bases: bases) { index, reduction in
      reductions[index] = Array(reduction)
    }
    return reductions
  }

  /// `basisReductions` handing each block's reductions to `sink`.
  public static func basisReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], bases: [Matrix<Double>],
    into sink: ReductionSink
  ) throws {
    precondition(blocks.count == bases.count, "\(bases.count) bases for \(blocks.count) blocks")
    var next = 0
    var kept: Kept?
    try batchedReductions(model: model, targets: targets, blocks: blocks, keeping: &kept, into: sink) { block in
      let basis = bases[next]
      next += 1
      return try basisCoefficients(model: model, block: block, basis: basis).coefficients
    }
  }

  /// `basisReductions(model:targets:blocks:bases: scoring.bases)` for a `model` that is the scoring's model
  /// after `downdated(on:basis:)` calls, from the scoring's kept projections instead of a new target product.
  ///
  /// With `C(a, b) = C₀(a, b) − W(a)ᵀ W(b)` (`model.downdateFactor`), the projections are
  /// `U C(X_b, T) = F_b P_b − (U W(X_b)ᵀ) W(T)` with `P_b = F_b⁻¹ U C₀(X_b, T)` kept by the first pick, so the
  /// reduction is the column squares of `(F'⁻¹ F_b) P_b − (F'⁻¹ U W(X_b)ᵀ) W(T)`, `F' F'ᵀ = U C(X_b, X_b) Uᵀ + ρ² I`:
  /// `r (r + r_A) n_T` per block instead of `r p n_T` (r_A = rows of W, the kept directions conditioned on).
  /// Falls back to `basisReductions` when the projections were not kept or the model keeps no W.
  /// Shapes: → one array (|targets|) per block.
  public static func laterReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], scoring: SpectralScoring
  ) throws -> [[Double]] {
    var reductions = [[Double]](repeating: [], count: blocks.count)
    try laterReductions(model: model, targets: targets, blocks: blocks, scoring: scoring) { index, reduction in
      reductions[index] = Array(reduction)
    }
    return reductions
  }

  /// `laterReductions` handing each block's reductions to `sink`.
  public static func laterReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], scoring: SpectralScoring,
    into sink: ReductionSink
  ) throws {
    precondition(blocks.count == scoring.bases.count, "\(scoring.bases.count) bases for \(blocks.count) blocks")
    guard scoring.projectionRows.count == blocks.count, let targetFactor = try model.downdateFactor(targets) else {
      return try basisReductions(model: model, targets: targets, blocks: blocks, bases: scoring.bases, into: sink)
    }
    let (n, conditioned) = (targets.count, targetFactor.rows)
    var updated = Matrix<Double>(rows: 0, columns: n)
    var squares = [Double](repeating: 0, count: n)
    for (index, block) in blocks.enumerated() {
      let basis = scoring.bases[index]
      let r = basis.rows
      guard r > 0, n > 0 else {
        for x in 0..<n { squares[x] = 0 }
        try squares.withUnsafeBufferPointer { try sink(index, $0) }
        continue
      }
      var (corner, coupling) = try model.basisCoupling(block, basis: basis)  // U C(X_b, X_b) Uᵀ, U W(X_b)ᵀ
      for i in 0..<r { corner[i, i] += model.noiseVariance }
      let factor = try Cholesky.factor(corner)
      let carried = try factor.solveLower(scoring.factors[index])  // F'⁻¹ F_b (r × r)
      if updated.rows < r { updated = (try? Matrix(rows: r, columns: n, values: [Double](repeating: 0, count: r * n))) ?? updated }
      let place = scoring.projectionRows[index]
      try multiply(carried, scoring.projections[place.batch], rows: place.row, into: &updated.storage, beta: 0)
      if conditioned > 0, let coupling {
        try multiply(try factor.solveLower(coupling), targetFactor, rows: 0, into: &updated.storage, alpha: -1, beta: 1)
      }
      columnSquares(updated, rows: 0..<r, into: &squares)
      try squares.withUnsafeBufferPointer { try sink(index, $0) }
    }
  }

  /// `c[0..<a.rows × n] ← α a · b[rows…, :] + β c` for a row-major b of n columns starting at row `rows`.
  private static func multiply(
    _ a: Matrix<Double>, _ b: Matrix<Double>, rows start: Int, into c: inout [Double], alpha: Double = 1, beta: Double
  ) throws {
    let (m, k, n) = (a.rows, a.columns, b.columns)
    guard start + k <= b.rows, c.count >= m * n else {
      throw SelectionError.inconsistent(reason: "projection rows \(start)..<\(start + k) of \(b.rows)")
    }
    a.storage.withUnsafeBufferPointer { aBuffer in
      b.storage.withUnsafeBufferPointer { bBuffer in
        c.withUnsafeMutableBufferPointer { cBuffer in
          guard let aBase = aBuffer.baseAddress, let bBase = bBuffer.baseAddress, let cBase = cBuffer.baseAddress,
            m > 0, n > 0, k > 0
          else { return }
          Double.gemm(
            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: alpha, a: aBase, lda: k,
            b: bBase + start * n, ldb: n, beta: beta, c: cBase, ldc: n)
        }
      }
    }
  }

  /// `(F⁻¹ U, F)` with `F Fᵀ = U C(X', X') Uᵀ + ρ² I`. Shapes: `basis: (r × |block|)` → (r × |block|), (r × r).
  static func basisCoefficients(model: some PosteriorModel, block: Range<Int>, basis: Matrix<Double>) throws
    -> (coefficients: Matrix<Double>, factor: Matrix<Double>)
  {
    guard basis.rows > 0 else { return (basis, Matrix(rows: 0, columns: 0)) }
    var corner = try model.basisCovariance(block, basis: basis)  // (r × r)
    for i in 0..<corner.rows { corner[i, i] += model.noiseVariance }
    let factor = try Cholesky.factor(corner)
    return (try factor.solveLower(basis), factor.lower)
  }

  /// `Σ_rows (K_b c(X_b, x))²` for each block b, with `coefficients(b) = K_b` (r_b × m_b), handed to `sink`;
  /// the products with the targets are batched so one GEMM serves many blocks. With `keeping` non-nil each
  /// batch's product matrix is kept in it, until they would exceed `keptProjectionLimit` values (then it
  /// becomes nil). Shapes: → (|targets|) per block.
  static func batchedReductions(
    model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], keeping kept: inout Kept?,
    into sink: ReductionSink, coefficients: (Range<Int>) throws -> Matrix<Double>
  ) throws {
    var batch: [(block: Range<Int>, coefficients: Matrix<Double>)] = []
    var batchRows = 0
    var done = 0  // blocks handed to the sink
    var projected = Matrix<Double>(rows: 0, columns: 0)  // (≥ Σ r × n_T), reused across batches
    var squares = [Double](repeating: 0, count: targets.count)
    func flush() throws {
      guard !batch.isEmpty else { return }
      try model.projectedCovariance(batch, targets, into: &projected)
      var row = 0
      for part in batch {
        columnSquares(projected, rows: row..<(row + part.coefficients.rows), into: &squares)
        try squares.withUnsafeBufferPointer { try sink(done, $0) }
        done += 1
        row += part.coefficients.rows
      }
      if var keeping = kept {
        kept = nil  // (so that the batches array below is uniquely referenced)
        keeping.values += batchRows * targets.count
        if keeping.values <= keptProjectionLimit {
          var row = 0
          for part in batch {
            keeping.rows.append((keeping.batches.count, row))
            row += part.coefficients.rows
          }
          keeping.batches.append(projected)
          projected = Matrix(rows: 0, columns: 0)  // the next batch gets its own
          kept = keeping
        }
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

  /// How far a spectral score may lie from the Woodbury score at a later pick, per unit of `Σ_b w_b Σ_x w_x`,
  /// after `conditionings` picks conditioned on their blocks' kept bases instead of the whole blocks:
  /// `Woodbury ∈ [spectral − above, spectral + below]` with `above = gainBound(k ε)`, `below = gainBound((k + 1) ε)`.
  ///
  /// Derivation (exact arithmetic, whitened by D so the prior precision is I): a kept basis drops the block's
  /// other combinations, whose information term E has eigenvalues `e ≤ ε/(1 − ε)`, so `E ≤ ε (I + E)`, and
  /// `I + E` is below every precision that includes the block. After k truncated conditionings the precision
  /// of the conditioned posterior is `P̃_A ≥ P_A − k ε P_A`, and with the scored block's own truncation
  /// `P̃_{A∪b} ≥ (1 − (k + 1) ε) P_{A∪b}`; both variances of the gain are therefore too large by factors in
  /// `[1, 1/(1 − k ε)]` and `[1, 1/(1 − (k + 1) ε)]` (with or without ρ² added, or the 1e-12 floor), and the gain
  /// `½ log(σ²_A/σ²_{A∪b})` lies within `[g − gainBound((k + 1) ε), g + gainBound(k ε)]`. k = 0: the first pick,
  /// never above. Shapes: → (above, below), in nats per unit weight.
  public static func laterPickBounds(tolerance: Double, conditionings: Int) -> (above: Double, below: Double) {
    let k = Double(conditionings)
    let bound = { (t: Double) in t < 1 ? gainBound(tolerance: t) : .infinity }
    return (bound(k * tolerance), bound((k + 1) * tolerance))
  }

  /// `Σ_x w_x · ½ log((σ²_D(x) + shift) / (max(σ²_D(x) − reduction_x, 1e-12 σ²_D(x)) + shift))`: a block's
  /// weighted gain, as `gains(reduction:targetVariances:shift:)` summed with `weights`, but with one logarithm per
  /// run of up to 256 consecutive targets of equal weight (a target's steps share their weight; without
  /// importance weights all targets do): the log of the product of their ratios, each in [1, 10¹²], a run ending
  /// before the product passes 10²⁸⁰ (so it never overflows) and rounding by at most 256 u ≈ 3e-14 relative.
  /// The spectral gain's scores use it (the logarithms were a third of a round); the default path does not.
  /// Shapes: `reduction`, `targetVariances`, `weights`: (n_T) → a scalar.
  static func weightedGain(reduction: [Double], targetVariances: [Double], weights: [Double], shift: Double)
    -> Double
  {
    reduction.withUnsafeBufferPointer {
      weightedGain(reduction: $0, targetVariances: targetVariances, weights: weights, shift: shift)
    }
  }

  /// `weightedGain` of a reduction held in a buffer (what a `ReductionSink` receives).
  static func weightedGain(
    reduction: UnsafeBufferPointer<Double>, targetVariances: [Double], weights: [Double], shift: Double
  ) -> Double {
    let n = min(reduction.count, targetVariances.count, weights.count)
    // The ratios first, in a loop the compiler vectorizes; then one logarithm per run.
    let ratios = [Double](unsafeUninitializedCapacity: n) { buffer, count in
      targetVariances.withUnsafeBufferPointer { prior in
        guard let out = buffer.baseAddress, let reduction = reduction.baseAddress, let prior = prior.baseAddress
        else { return }
        for x in 0..<n {
          let posterior = max(prior[x] - reduction[x], 1e-12 * prior[x])
          out[x] = (prior[x] + shift) / (posterior + shift)
        }
      }
      count = n
    }
    var total = 0.0
    ratios.withUnsafeBufferPointer { ratios in
      weights.withUnsafeBufferPointer { weights in
        var start = 0
        while start < n {
          let weight = weights[start]
          var product = ratios[start]
          var x = start + 1
          while x < n && x < start + 256 && weights[x] == weight && product < 1e280 {
            product *= ratios[x]
            x += 1
          }
          total += weight * (0.5 * Foundation.log(product))
          start = x
        }
      }
    }
    return total
  }
}
