import AMFTestSupport
import Testing

@testable import AMFNumerics

@Suite struct MatrixTests {
  /// [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58,64],[139,154]] (by hand).
  @Test func productOfHandMatrices() throws {
    let a = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
    let b = Matrix<Double>([[7, 8], [9, 10], [11, 12]])
    #expect(try a.multiplied(by: b) == Matrix([[58, 64], [139, 154]]))
    #expect(try a.multiplied(by: a, transposingOther: true) == Matrix([[14, 32], [32, 77]]))
    #expect(try a.multiplied(by: a, transposingSelf: true).storage == [17, 22, 27, 22, 29, 36, 27, 36, 45])
  }

  @Test func innerDimensionMismatchNamesBothShapes() {
    let a = Matrix<Float>(rows: 2, columns: 3)
    #expect(throws: ShapeError.innerDimension(lhs: Shape(2, 3), rhs: Shape(2, 3))) { _ = try a.multiplied(by: a) }
    #expect(ShapeError.innerDimension(lhs: Shape(2, 3), rhs: Shape(2, 3)).description.contains("2×3 and 2×3"))
  }

  @Test func accumulateWithBeta() throws {
    let a = Matrix<Float>([[1, 0], [0, 1]])
    var c = Matrix<Float>([[1, 1], [1, 1]])
    try Matrix.multiply(a, Matrix([[2, 3], [4, 5]]), into: &c, alpha: 2, beta: 1)
    #expect(c.storage == [5, 7, 9, 11])
  }

  /// BLAS against the plain loop on non-square shapes with exactly representable values.
  @Test func blasAgreesWithNaiveLoop() throws {
    let (m, k, n) = (5, 7, 3)
    let a = (0..<(m * k)).map { Float($0 % 5) - 2 }
    let b = (0..<(k * n)).map { Float($0 % 3) * 0.5 }
    let blas = try Matrix(rows: m, columns: k, values: a).multiplied(by: Matrix(rows: k, columns: n, values: b))
    #expect(blas.storage == NaiveKernels.product(a, b, m: m, k: k, n: n))
    var c = [Float](repeating: 0, count: m * n)
    BLASRuntime.multiply(a, b, into: &c, m: m, k: k, n: n)
    #expect(c == blas.storage)
  }

  /// Package.swift compiles numeric modules with -O even in debug; losing that makes every training
  /// test 10–100× slower, so it is checked here.
  @Test func numericModulesAreOptimizedInEveryConfiguration() {
    #expect(NumericsBuild.isOptimized)
  }

  @Test func elementCountIsChecked() {
    #expect(throws: ShapeError.elementCount(shape: Shape(2, 2), count: 3)) {
      _ = try Matrix<Float>(rows: 2, columns: 2, values: [1, 2, 3])
    }
  }
}
