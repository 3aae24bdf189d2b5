import AMFTestSupport
import Testing

@testable import AMFNumerics

/// Element access, transposition, resizing, the BLAS product's edge cases and the runtime's settings.
@Suite struct MatrixOperationsTests {
  @Test func accessTransposeAndIdentity() {
    var m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])  // (2 × 3)
    #expect(m.shape == Shape(2, 3) && m.shape.description == "2×3")
    #expect(m.row(1) == [4, 5, 6])
    m[0, 2] = 9
    #expect(m.storage == [1, 2, 9, 4, 5, 6])
    let t = m.transposed()
    #expect(t.shape == Shape(3, 2) && t.storage == [1, 4, 2, 5, 9, 6])
    #expect(t.transposed() == m)
    #expect(Matrix<Float>.identity(3).storage == [1, 0, 0, 0, 1, 0, 0, 0, 1])
    #expect(Matrix<Float>(rows: 2, columns: 2, repeating: 7).storage == [7, 7, 7, 7])
  }

  /// Resizing keeps the buffer's first elements and fills new ones with 0.
  @Test func resizeChangesShapeAndCount() {
    var m = Matrix<Float>([[1, 2], [3, 4]])
    m.resize(rows: 3, columns: 2)
    #expect(m.shape == Shape(3, 2) && m.storage == [1, 2, 3, 4, 0, 0])
    m.resize(rows: 1, columns: 3)
    #expect(m.shape == Shape(1, 3) && m.storage == [1, 2, 3])
  }

  /// Aᵀ·Bᵀ with A (3 × 2), B (2 × 3): (Aᵀ)(Bᵀ) = (BA)ᵀ; BA = [[1,2],[3,4]]·… computed by hand below.
  /// A = [[1, 2], [3, 4], [5, 6]], B = [[1, 0, 1], [0, 1, 1]]: B·A = [[6, 8], [8, 10]], so Aᵀ·Bᵀ = [[6, 8], [8, 10]].
  @Test func productWithBothOperandsTransposed() throws {
    let a = Matrix<Float>([[1, 2], [3, 4], [5, 6]])
    let b = Matrix<Float>([[1, 0, 1], [0, 1, 1]])
    let product = try a.multiplied(by: b, transposingSelf: true, transposingOther: true)
    #expect(product == Matrix([[6, 8], [8, 10]]))
  }

  /// An empty inner dimension leaves β·C; a wrong output shape is named.
  @Test func emptyInnerDimensionAndWrongOutput() throws {
    var c = Matrix<Double>(rows: 2, columns: 3, repeating: 1)
    try Matrix.multiply(Matrix(rows: 2, columns: 0), Matrix(rows: 0, columns: 3), into: &c, beta: 3)
    #expect(c.storage == [Double](repeating: 3, count: 6))
    var wrong = Matrix<Double>(rows: 3, columns: 3)
    #expect(throws: ShapeError.mismatch(operation: "product output", expected: Shape(2, 3), found: Shape(3, 3))) {
      try Matrix.multiply(Matrix(rows: 2, columns: 4), Matrix(rows: 4, columns: 3), into: &wrong)
    }
    #expect(ShapeError.mismatch(operation: "x", expected: Shape(1, 2), found: Shape(3, 4)).description
      == "x: expected 1×2, found 3×4")
    #expect(ShapeError.elementCount(shape: Shape(2, 2), count: 3).description == "3 values cannot fill a 2×2 matrix")
  }

  /// [[1, 2], [3, 4]]·[[5, 6], [7, 8]] = [[19, 22], [43, 50]] by hand, in the plain loop and in sgemm.
  @Test func naiveAndBLASProductsOfAHandPair() {
    let expected: [Float] = [19, 22, 43, 50]
    #expect(NaiveKernels.product([1, 2, 3, 4], [5, 6, 7, 8], m: 2, k: 2, n: 2) == expected)
    var c = [Float](repeating: -1, count: 4)
    BLASRuntime.multiply([1, 2, 3, 4], [5, 6, 7, 8], into: &c, m: 2, k: 2, n: 2)
    #expect(c == expected)
  }

  /// Stages pin OpenBLAS to one thread; the configuration string is recorded trimmed.
  @Test func runtimeReportsThreadsAndConfiguration() {
    BLASRuntime.setThreadCount(1)
    #expect(BLASRuntime.threadCount == 1)
    BLASRuntime.setThreadCount(0)  // clamped to 1
    #expect(BLASRuntime.threadCount == 1)
    let configuration = BLASRuntime.configuration
    #expect(!configuration.isEmpty && configuration != "unknown")
    #expect(configuration.first != " " && configuration.last != " " && configuration.last != "\n")
  }
}
