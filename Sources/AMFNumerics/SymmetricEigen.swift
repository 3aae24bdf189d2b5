import CBLAS

/// Eigenpairs of a symmetric float64 matrix above a threshold, through LAPACK `dsyevr` (MRRR).
///
/// Row-major versus column-major: LAPACK sees the transpose of a row-major buffer, which for a symmetric
/// matrix is the same matrix; `uplo = "U"` reads the row-major lower triangle. The eigenvectors come back
/// column-major (n × k), which is row-major (k × n): row i is eigenvector i, so no transpose is needed.
///
/// Reference: LAPACK `dsyevr` (eigenvalues accurate to `ε‖A‖` in absolute terms).
public enum SymmetricEigen {
  /// The eigenvalues above `threshold`, ascending, and their unit eigenvectors as rows.
  public struct Pairs: Equatable, Sendable {
    /// The eigenvalues `λ_i > threshold`, ascending. Shapes: (k).
    public var values: [Double]
    /// Row i is the eigenvector of `values[i]`. Shapes: (k × n).
    public var vectors: Matrix<Double>
  }

  /// The eigenpairs of `matrix` with eigenvalue in `(threshold, ∞)`.
  ///
  /// Shapes: `matrix: (n × n)` symmetric; only its lower triangle is read → k ≤ n pairs.
  /// Edge cases: `n = 0`, or no eigenvalue above `threshold`, gives no pairs; NaN or ±∞ entries throw
  /// `nonFiniteEntries`; a failure of the MRRR iteration throws `notConverged`.
  /// Complexity: `4n³/3` flops to tridiagonalize plus `O(n k)` per pair.
  public static func pairs(of matrix: Matrix<Double>, above threshold: Double) throws(NumericsError) -> Pairs {
    precondition(matrix.rows == matrix.columns, "eigenpairs of a non-square \(matrix.shape) matrix")
    guard matrix.storage.allSatisfy(\.isFinite) else {
      throw NumericsError.nonFiniteEntries(operation: "symmetric eigendecomposition")
    }
    let n = matrix.rows
    // Every eigenvalue is at most the largest absolute row sum (Gershgorin); vu must exceed vl.
    var bound = 0.0
    for i in 0..<n { bound = max(bound, (0..<n).reduce(0.0) { $0 + abs(matrix.storage[i * n + $1]) }) }
    let upper = max(bound, threshold) * 2 + 1
    guard n > 0, bound > threshold else { return Pairs(values: [], vectors: Matrix(rows: 0, columns: n)) }
    var a = matrix.storage
    // RANGE = 'A' (every pair, MRRR) and a filter: for the small blocks here it is several times faster than
    // RANGE = 'V', which LAPACK serves by bisection and inverse iteration (measured, issue #20).
    var (jobz, range, uplo) = (CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "A")), CChar(UInt8(ascii: "U")))
    var (order, lda, ldz, il, iu, found, info) = (Int32(n), Int32(n), Int32(n), Int32(1), Int32(n), Int32(0), Int32(0))
    var (vl, vu, abstol) = (threshold, upper, 0.0)
    var values = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: n * n)
    var support = [Int32](repeating: 0, count: 2 * n)
    var lwork = Int32(40 * n)
    var liwork = Int32(10 * n)
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    dsyevr_(
      &jobz, &range, &uplo, &order, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &values, &z, &ldz, &support,
      &work, &lwork, &iwork, &liwork, &info)
    precondition(info >= 0, "dsyevr_ rejected argument \(-info) for a \(n)×\(n) matrix")
    guard info == 0 else { throw NumericsError.notConverged(operation: "symmetric eigendecomposition", info: Int(info)) }
    let first = values[0..<Int(found)].firstIndex { $0 > threshold } ?? Int(found)
    let k = Int(found) - first
    let vectors = (try? Matrix(rows: k, columns: n, values: Array(z[(first * n)..<(Int(found) * n)])))
      ?? Matrix(rows: 0, columns: n)
    return Pairs(values: Array(values[first..<Int(found)]), vectors: vectors)
  }
}
