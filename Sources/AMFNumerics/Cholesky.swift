import CBLAS

/// Cholesky factorization of symmetric positive definite float64 matrices through LAPACK, with a jitter
/// ladder for matrices that are positive semi-definite only up to rounding.
///
/// Row-major versus column-major: `Matrix` is row-major and LAPACK is column-major, so LAPACK sees the
/// transpose of every buffer. A symmetric matrix is its own transpose, so `dpotrf_` with `uplo = "U"`
/// reads the row-major *lower* triangle and writes `U` with `A = UᵀU` in column-major order, which is
/// `L = Uᵀ` with `A = L·Lᵀ` in the row-major lower triangle. `dpotrs_` is then called with `"U"` on the
/// same buffer. Right-hand sides are transposed into a column-major scratch buffer and back.
///
/// Reference: HOUSE-STYLE §3.8 (Cholesky solves, never explicit inverses; logged jitter ladder);
/// LAPACK `dpotrf`/`dpotrs`.
public enum Cholesky {
  /// The jitters tried, in order, as multiples of the mean diagonal, after the plain factorization fails.
  public static let relativeJitterLadder: [Double] = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]

  /// Factors `matrix = L·Lᵀ`, adding jitter to the diagonal only if the plain factorization fails.
  ///
  /// The jitters are `relativeJitterLadder × mean diagonal` (× 1 when the mean diagonal is not positive);
  /// the one used is `CholeskyFactor.jitter` (0 when none was needed), so callers can log it.
  ///
  /// Shapes: `matrix: (n × n)` symmetric; only its lower triangle is read → `lower: (n × n)`.
  /// Edge cases: `n = 0` gives an empty factor; NaN or ±∞ entries throw `nonFiniteEntries`; a matrix
  /// that is not PD even with the last jitter (1e-2 × mean diagonal) throws `notPositiveDefinite`.
  /// Complexity: `n³/3` flops per attempt, at most 8 attempts.
  /// Reference: HOUSE-STYLE §3.8; LAPACK `dpotrf`.
  public static func factor(_ matrix: Matrix<Double>) throws(NumericsError) -> CholeskyFactor {
    precondition(matrix.rows == matrix.columns, "Cholesky of a non-square \(matrix.shape) matrix")
    guard matrix.storage.allSatisfy(\.isFinite) else {
      throw NumericsError.nonFiniteEntries(operation: "Cholesky factorization")
    }
    let n = matrix.rows
    if let lower = factorLowerTriangle(matrix, diagonalShift: 0) {
      return CholeskyFactor(lower: lower, jitter: 0)
    }
    let meanDiagonal = (0..<n).reduce(0.0) { $0 + matrix[$1, $1] } / Double(n)
    let scale = meanDiagonal > 0 ? meanDiagonal : 1
    var jitter = 0.0
    for relative in relativeJitterLadder {
      jitter = relative * scale
      if let lower = factorLowerTriangle(matrix, diagonalShift: jitter) {
        return CholeskyFactor(lower: lower, jitter: jitter)
      }
    }
    throw NumericsError.notPositiveDefinite(jitterTried: jitter)
  }

  /// `L` with `matrix + shift·I = L·Lᵀ` (upper triangle zeroed), or nil when that is not PD.
  static func factorLowerTriangle(_ matrix: Matrix<Double>, diagonalShift shift: Double) -> Matrix<Double>? {
    var lower = matrix
    let n = matrix.rows
    guard n > 0 else { return lower }
    if shift != 0 {
      for i in 0..<n { lower.storage[i * n + i] += shift }
    }
    var info: Int32 = 0
    var uplo = CChar(UInt8(ascii: "U"))
    var order = Int32(n)
    var leading = Int32(n)
    lower.storage.withUnsafeMutableBufferPointer { buffer in
      dpotrf_(&uplo, &order, buffer.baseAddress, &leading, &info)
    }
    precondition(info >= 0, "dpotrf_ rejected argument \(-info) for a \(n)×\(n) matrix")
    guard info == 0 else { return nil }
    // LAPACK leaves the other triangle as it was: zero it so `lower` is exactly L.
    lower.storage.withUnsafeMutableBufferPointer { buffer in
      for i in 0..<n {
        for j in (i + 1)..<n { buffer[i * n + j] = 0 }
      }
    }
    return lower
  }
}

/// The Cholesky factor `L` of `A + jitter·I = L·Lᵀ`, with solves and the log-determinant.
public struct CholeskyFactor: Equatable, Sendable {
  /// The lower-triangular factor `L` (strict upper triangle zero). Shapes: (n × n).
  public let lower: Matrix<Double>
  /// The value added to every diagonal entry before factoring; 0 when the plain factorization succeeded.
  public let jitter: Double

  /// Wraps a lower-triangular factor; `lower` must be square.
  public init(lower: Matrix<Double>, jitter: Double) {
    precondition(lower.rows == lower.columns, "Cholesky factor must be square, got \(lower.shape)")
    self.lower = lower
    self.jitter = jitter
  }

  /// The order n of the factored matrix.
  public var dimension: Int { lower.rows }

  /// `log det(A + jitter·I) = 2 Σᵢ log Lᵢᵢ`.
  ///
  /// Edge cases: 0 for an empty factor.
  public var logDeterminant: Double {
    let n = dimension
    return (0..<n).reduce(0.0) { $0 + 2 * Elementary.log(lower.storage[$1 * n + $1]) }
  }

  /// Solves `(A + jitter·I)·X = B` for X through `dpotrs_`.
  ///
  /// Shapes: `rightHandSides: (n × k)` → `(n × k)`.
  /// Edge cases: `k = 0` or `n = 0` returns an empty result of the same shape.
  /// Complexity: `2·n²·k` flops plus two `n·k` transposing copies.
  public func solve(_ rightHandSides: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    let n = dimension
    let k = rightHandSides.columns
    guard rightHandSides.rows == n else {
      throw ShapeError.mismatch(operation: "Cholesky solve right-hand sides", expected: Shape(n, k),
                                found: rightHandSides.shape)
    }
    guard n > 0, k > 0 else { return rightHandSides }
    // (k × n) row-major is (n × k) column-major, the layout dpotrs_ expects.
    var columnMajor = rightHandSides.transposed()
    var info: Int32 = 0
    var uplo = CChar(UInt8(ascii: "U"))
    var order = Int32(n)
    var columnCount = Int32(k)
    var leading = Int32(n)
    lower.storage.withUnsafeBufferPointer { factor in
      columnMajor.storage.withUnsafeMutableBufferPointer { buffer in
        dpotrs_(&uplo, &order, &columnCount, factor.baseAddress, &leading, buffer.baseAddress, &leading, &info)
      }
    }
    precondition(info == 0, "dpotrs_ rejected argument \(-info) for \(n)×\(n) with \(k) right-hand sides")
    return columnMajor.transposed()
  }

  /// Solves `(A + jitter·I)·x = b` for one vector.
  ///
  /// Shapes: `vector: n` → `n`.
  public func solve(_ vector: [Double]) throws(ShapeError) -> [Double] {
    try solve(Matrix(rows: vector.count, columns: 1, values: vector)).storage
  }

  /// Solves `X·Lᵀ = B` for X, row by row: each row x of the result is `L⁻¹ b` for the row b of B.
  ///
  /// Whitens row vectors without transposing them: `‖x‖² = bᵀ(A + jitter·I)⁻¹b`.
  /// Shapes: `rows: (k × n)` → `(k × n)`.
  /// Complexity: `n²·k` flops.
  public func solveLowerRows(_ rows: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    let n = dimension
    let k = rows.rows
    guard rows.columns == n else {
      throw ShapeError.mismatch(operation: "row-wise triangular solve", expected: Shape(k, n), found: rows.shape)
    }
    var result = rows
    try solveLowerRows(&result)
    return result
  }

  /// `solveLowerRows` in place: the same `cblas_dtrsm` call on `rows`' own storage, without the copy
  /// (a 23 040 × 130 point set is 24 MB, whose fresh pages cost as much as the solve; issue #20).
  /// Shapes: `rows: (k × n)`.
  public func solveLowerRows(_ rows: inout Matrix<Double>) throws(ShapeError) {
    let n = dimension
    let k = rows.rows
    guard rows.columns == n else {
      throw ShapeError.mismatch(operation: "row-wise triangular solve", expected: Shape(k, n), found: rows.shape)
    }
    guard n > 0, k > 0 else { return }
    lower.storage.withUnsafeBufferPointer { factor in
      rows.storage.withUnsafeMutableBufferPointer { buffer in
        cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, Int32(k), Int32(n), 1,
                    factor.baseAddress, Int32(n), buffer.baseAddress, Int32(n))
      }
    }
  }

  /// Solves the triangular system `L·W = B` (forward substitution, `cblas_dtrsm`).
  ///
  /// `‖L⁻¹b‖² = bᵀ(A + jitter·I)⁻¹b`, which is how posterior variances are computed without an inverse.
  ///
  /// Shapes: `rightHandSides: (n × k)` → `(n × k)`.
  /// Complexity: `n²·k` flops.
  public func solveLower(_ rightHandSides: Matrix<Double>) throws(ShapeError) -> Matrix<Double> {
    let n = dimension
    let k = rightHandSides.columns
    guard rightHandSides.rows == n else {
      throw ShapeError.mismatch(operation: "triangular solve right-hand sides", expected: Shape(n, k),
                                found: rightHandSides.shape)
    }
    var result = rightHandSides
    guard n > 0, k > 0 else { return result }
    lower.storage.withUnsafeBufferPointer { factor in
      result.storage.withUnsafeMutableBufferPointer { buffer in
        cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), Int32(k), 1,
                    factor.baseAddress, Int32(n), buffer.baseAddress, Int32(k))
      }
    }
    return result
  }
}

extension Cholesky {
  /// An orthonormal basis of the few directions that carry all but at most `residual` of the trace of a
  /// positive semi-definite matrix, by a pivoted Cholesky factorization stopped early; nil when more than
  /// `maxRank` directions would be needed.
  ///
  /// The columns `ℓ_1 … ℓ_k` of the pivoted factorization leave the Schur complement `S = A − Σ ℓ_j ℓ_jᵀ ⪰ 0`;
  /// with Q an orthonormal basis of their span (Householder QR), `(I − QQᵀ) A (I − QQᵀ) = (I − QQᵀ) S (I − QQᵀ)`,
  /// whose largest eigenvalue is at most `tr S`. The factorization stops at the first k with
  /// `tr S + 4 (k + 2) u tr A ≤ residual` (u the unit roundoff: an allowance for the rounding of `tr S`), so
  /// every direction outside the basis carries at most `residual` of A — what the spectral gain needs
  /// (`InformationGain`), without an eigendecomposition when k ≪ n.
  ///
  /// Shapes: `matrix: (n × n)` symmetric PSD (only its lower triangle and diagonal are read) → (k × n) with
  /// orthonormal rows. Edge cases: `tr A + allowance ≤ residual` gives k = 0 (no rows); `residual ≤ 0` gives nil
  /// (unless A = 0), as does a pivot that rounding leaves non-positive.
  /// Complexity: `n k²` flops for the factorization, `4 n k²` for Q.
  public static func pivotedRange(of matrix: Matrix<Double>, residual: Double, maxRank: Int) -> Matrix<Double>? {
    precondition(matrix.rows == matrix.columns, "pivoted Cholesky of a non-square \(matrix.shape) matrix")
    let n = matrix.rows
    var remaining = (0..<n).map { max(matrix.storage[$0 * n + $0], 0) }
    guard remaining.allSatisfy(\.isFinite) else { return nil }
    let trace = remaining.reduce(0, +)
    var chosen = [Bool](repeating: false, count: n)
    var columns: [Double] = []  // column-major (n × k): column j at j · n
    var k = 0
    while true {
      var residualTrace = 0.0
      var pivot = -1
      for i in 0..<n where !chosen[i] {
        residualTrace += max(remaining[i], 0)
        if pivot < 0 || remaining[i] > remaining[pivot] { pivot = i }
      }
      if residualTrace + 4 * Double(k + 2) * (Double.ulpOfOne / 2) * trace <= residual { break }
      guard k < maxRank, pivot >= 0, remaining[pivot] > 0 else { return nil }
      let scale = 1 / remaining[pivot].squareRoot()
      var column = [Double](repeating: 0, count: n)
      for i in 0..<n where !chosen[i] {
        let (row, col) = i >= pivot ? (i, pivot) : (pivot, i)  // the lower triangle
        var value = matrix.storage[row * n + col]
        for l in 0..<k { value -= columns[l * n + i] * columns[l * n + pivot] }
        column[i] = value * scale
      }
      chosen[pivot] = true
      for i in 0..<n where !chosen[i] { remaining[i] -= column[i] * column[i] }
      columns += column
      k += 1
    }
    guard k > 0 else { return Matrix(rows: 0, columns: n) }
    return orthonormalColumns(&columns, rows: n, columns: k)
  }

  /// Q of the Householder QR of a column-major (rows × columns) matrix (`dgeqrf`, `dorgqr`), as a row-major
  /// (columns × rows) matrix: row j is the j-th orthonormal column. `matrix` is overwritten.
  static func orthonormalColumns(_ matrix: inout [Double], rows: Int, columns: Int) -> Matrix<Double>? {
    var (m, n, lda, info) = (Int32(rows), Int32(columns), Int32(rows), Int32(0))
    var tau = [Double](repeating: 0, count: columns)
    var lwork = Int32(64 * max(columns, 1))
    var work = [Double](repeating: 0, count: Int(lwork))
    dgeqrf_(&m, &n, &matrix, &lda, &tau, &work, &lwork, &info)
    guard info == 0 else { return nil }
    var reflectors = n
    dorgqr_(&m, &n, &reflectors, &matrix, &lda, &tau, &work, &lwork, &info)
    guard info == 0 else { return nil }
    return try? Matrix(rows: columns, columns: rows, values: matrix)
  }
}
