import CBLAS

/// The scalar types BLAS has routines for.
public protocol MatrixScalar: BinaryFloatingPoint, Sendable {
  /// `C ← α·op(A)·op(B) + β·C` (row-major `?gemm`).
  static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
    c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: MatrixScalar {
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

extension Double: MatrixScalar {
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

extension Matrix {
  /// `c ← α·op(a)·op(b) + β·c` in place, without allocating.
  ///
  /// Shapes: `op(a): (m × k)`, `op(b): (k × n)`, `c: (m × n)`, where `op` transposes when asked.
  /// Edge cases: an empty inner dimension gives `β·c`; empty outputs are a no-op.
  public static func multiply(
    _ a: Matrix, transposed transposeA: Bool = false, _ b: Matrix, transposed transposeB: Bool = false,
    into c: inout Matrix, alpha: Scalar = 1, beta: Scalar = 0
  ) throws(ShapeError) {
    let left = transposeA ? Shape(a.columns, a.rows) : a.shape
    let right = transposeB ? Shape(b.columns, b.rows) : b.shape
    guard left.columns == right.rows else { throw ShapeError.innerDimension(lhs: left, rhs: right) }
    guard c.shape == Shape(left.rows, right.columns) else {
      throw ShapeError.mismatch(operation: "product output", expected: Shape(left.rows, right.columns), found: c.shape)
    }
    let (m, n, k) = (left.rows, right.columns, left.columns)
    guard m > 0, n > 0 else { return }
    if k == 0 {
      for index in c.storage.indices { c.storage[index] *= beta }
      return
    }
    a.storage.withUnsafeBufferPointer { aPointer in
      b.storage.withUnsafeBufferPointer { bPointer in
        c.storage.withUnsafeMutableBufferPointer { cPointer in
          guard let aBase = aPointer.baseAddress, let bBase = bPointer.baseAddress,
            let cBase = cPointer.baseAddress
          else { return }
          Scalar.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: aBase, lda: max(1, a.columns), b: bBase, ldb: max(1, b.columns), beta: beta,
            c: cBase, ldc: max(1, c.columns))
        }
      }
    }
  }

  /// The product `op(self) · op(other)` as a new matrix.
  public func multiplied(
    by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false
  ) throws(ShapeError) -> Matrix {
    let rows = transposingSelf ? columns : self.rows
    let outputColumns = transposingOther ? other.rows : other.columns
    var result = Matrix(rows: rows, columns: outputColumns)
    try Matrix.multiply(self, transposed: transposingSelf, other, transposed: transposingOther, into: &result)
    return result
  }
}

extension Matrix where Scalar == Double {
  /// `A_r A_rᵀ` for the rows `r` of this matrix, read in place, through `cblas_dsyrk` (half the flops of a
  /// GEMM), with the upper triangle mirrored from the lower.
  ///
  /// Shapes: → (|rows| × |rows|). Complexity: `|rows|² · columns / 2` multiply-adds.
  public func rowGram(_ rows: Range<Int>) -> Matrix<Double> {
    precondition(rows.lowerBound >= 0 && rows.upperBound <= self.rows, "rows \(rows) of a \(shape) matrix")
    let (m, p) = (rows.count, columns)
    var result = (try? Matrix(rows: m, columns: m, values: [Double](repeating: 0, count: m * m))) ?? Matrix(rows: m, columns: m)
    guard m > 0, p > 0 else { return result }
    storage.withUnsafeBufferPointer { source in
      result.storage.withUnsafeMutableBufferPointer { output in
        guard let sourceBase = source.baseAddress, let outputBase = output.baseAddress else { return }
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, Int32(m), Int32(p), 1, sourceBase + rows.lowerBound * p,
                    Int32(p), 0, outputBase, Int32(m))
        for i in 0..<m {
          for j in (i + 1)..<m { output[i * m + j] = output[j * m + i] }
        }
      }
    }
    return result
  }
}
