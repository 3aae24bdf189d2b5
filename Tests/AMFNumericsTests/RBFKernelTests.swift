import AMFTestSupport
import Foundation
import Testing

@testable import AMFNumerics

@Suite struct RBFKernelTests {
  /// ℓ = 0.5, σ_f² = 2: k = 2·exp(−d²/(2·0.25)) = 2·exp(−2d²). Points x = (0, 0), (1, 1) against
  /// y = (1, 0), (0.5, 0.5), (0, 0): squared distances [[1, 0.5, 0], [1, 0.5, 2]].
  @Test func crossCovarianceHandValues() throws {
    let kernel = RBFKernel(lengthscale: 0.5, signalVariance: 2)
    let x = Matrix<Double>([[0, 0], [1, 1]])
    let y = Matrix<Double>([[1, 0], [0.5, 0.5], [0, 0]])
    let block = try kernel.covariance(x, y)
    #expect(block.shape == Shape(2, 3))
    let expected = [1, 0.5, 0, 1, 0.5, 2].map { 2 * Foundation.exp(-2 * $0) }
    #expect(areClose(block.storage, expected, relative: 1e-14))
    #expect(abs(kernel([0, 0], [1, 0]) - 2 * Foundation.exp(-2)) < 1e-15)
  }

  /// Near-identical points would give a tiny negative squared distance without the clamp.
  @Test func gramIsSymmetricWithExactDiagonal() {
    let kernel = RBFKernel()
    let x = Matrix<Double>([[0.1, 0.7, -0.3], [0.1 + 1e-9, 0.7, -0.3], [2, -1, 0.25], [-0.4, 0.2, 0.9]])
    let gram = kernel.gram(x)
    #expect(gram.shape == Shape(4, 4))
    for i in 0..<4 {
      #expect(gram[i, i] == 1)
      for j in 0..<4 {
        #expect(gram[i, j] == gram[j, i])
        #expect(gram[i, j] <= 1 && gram[i, j] > 0)
        #expect(abs(gram[i, j] - kernel(x.row(i), x.row(j))) < 1e-14)
      }
    }
  }

  @Test func mismatchedInputDimensionsThrow() {
    let kernel = RBFKernel()
    #expect(throws: ShapeError.mismatch(operation: "RBF kernel second argument", expected: Shape(3, 2),
                                        found: Shape(3, 1))) {
      _ = try kernel.covariance(Matrix<Double>(rows: 2, columns: 2), Matrix<Double>(rows: 3, columns: 1))
    }
  }

  @Test func emptyBlocks() throws {
    let kernel = RBFKernel()
    #expect(try kernel.covariance(Matrix<Double>(rows: 0, columns: 2), Matrix(rows: 3, columns: 2)).shape
      == Shape(0, 3))
    #expect(try kernel.covariance(Matrix<Double>(rows: 2, columns: 0), Matrix(rows: 3, columns: 0)).storage
      == [Double](repeating: 1, count: 6))
  }
}
