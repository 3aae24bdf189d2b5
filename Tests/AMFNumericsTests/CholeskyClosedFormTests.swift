import AMFTestSupport
import Foundation
import Testing

@testable import AMFNumerics

/// Cholesky factors, triangular solves, the jitter ladder and the bordered update on hand matrices.
@Suite struct CholeskyClosedFormTests {
  /// A = [[4, 2], [2, 3]]: l₁₁ = 2, l₂₁ = 1, l₂₂ = √(3 − 1) = √2; det A = 12 − 4 = 8.
  static let a = Matrix<Double>([[4, 2], [2, 3]])

  @Test func twoByTwoFactorAndLogDeterminant() throws {
    let factor = try Cholesky.factor(Self.a)
    #expect(areClose(factor.lower.storage, [2, 0, 1, 2.0.squareRoot()], relative: 1e-15))
    #expect(abs(factor.logDeterminant - Foundation.log(8)) < 1e-15)
    #expect(factor.dimension == 2 && factor.jitter == 0)
  }

  /// Row b = (4, 2 + √2): L·x = b gives x = (2, 1); ‖x‖² = 5 = bᵀA⁻¹b with A⁻¹ = [[3, −2], [−2, 4]]/8
  /// (48 − 16(2 + √2) + 4(6 + 4√2))/8 = 40/8. Two rows at once, the second b = (2, 1) → (1, 0).
  @Test func rowWiseSolveWhitensRows() throws {
    let factor = try Cholesky.factor(Self.a)
    let rows = try factor.solveLowerRows(Matrix([[4, 2 + 2.0.squareRoot()], [2, 1]]))  // (2 × 2)
    #expect(areClose(rows.storage, [2, 1, 1, 0], relative: 1e-15, absolute: 1e-15))
    let b = [4, 2 + 2.0.squareRoot()]
    let quadratic = (3 * b[0] * b[0] - 4 * b[0] * b[1] + 4 * b[1] * b[1]) / 8
    #expect(abs(quadratic - 5) < 1e-13)
    // solveLower on the transpose agrees: columns instead of rows.
    let columns = try factor.solveLower(Matrix([[4, 2], [2 + 2.0.squareRoot(), 1]]))
    #expect(areClose(columns.transposed().storage, rows.storage, relative: 1e-15, absolute: 1e-15))
  }

  @Test func triangularSolvesCheckTheirShapes() throws {
    let factor = try Cholesky.factor(Self.a)
    #expect(throws: ShapeError.mismatch(
      operation: "row-wise triangular solve", expected: Shape(1, 2), found: Shape(1, 3))) {
      _ = try factor.solveLowerRows(Matrix([[1, 2, 3]]))
    }
    #expect(throws: ShapeError.mismatch(
      operation: "triangular solve right-hand sides", expected: Shape(2, 1), found: Shape(3, 1))) {
      _ = try factor.solveLower(Matrix([[1], [2], [3]]))
    }
    #expect(try factor.solveLowerRows(Matrix<Double>(rows: 0, columns: 2)).shape == Shape(0, 2))
  }

  /// diag(1, 0) is PSD and singular: the first rung, 1e-8 × mean diagonal ½, rescues it, and the factor is
  /// diag(√(1 + 5e-9), √5e-9). The zero matrix has mean diagonal 0, so the ladder scales by 1: jitter 1e-8.
  @Test func jitterLadderScalesWithTheMeanDiagonal() throws {
    let singular = try Cholesky.factor(Matrix<Double>([[1, 0], [0, 0]]))
    #expect(singular.jitter == 1e-8 * 0.5)
    #expect(areClose(singular.lower.storage, [(1 + 5e-9).squareRoot(), 0, 0, 5e-9.squareRoot()], relative: 1e-15))
    let zero = try Cholesky.factor(Matrix<Double>(rows: 2, columns: 2))
    #expect(zero.jitter == 1e-8)
    #expect(areClose(zero.lower.storage, [1e-4, 0, 0, 1e-4], relative: 1e-15))
    #expect(Cholesky.relativeJitterLadder == [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2])
  }

  /// −I has mean diagonal −1 ≤ 0, so the ladder runs with scale 1 and ends at 1e-2 without success.
  @Test func negativeDefiniteMatrixExhaustsTheLadder() {
    #expect(throws: NumericsError.notPositiveDefinite(jitterTried: 1e-2)) {
      _ = try Cholesky.factor(Matrix<Double>([[-1, 0], [0, -1]]))
    }
    #expect(throws: NumericsError.nonFiniteEntries(operation: "Cholesky factorization")) {
      _ = try Cholesky.factor(Matrix<Double>([[.infinity]]))
    }
    let message = NumericsError.nonFiniteEntries(operation: "Cholesky factorization").description
    #expect(message == "Cholesky factorization: the matrix holds NaN or infinite entries; check the inputs and "
      + "hyperparameters for NaN/inf")
  }

  /// A jittered factor extended by a bordered block equals the factor of the bordered matrix plus the same
  /// jitter on the whole diagonal: [[1, 1], [1, 1]] gets jitter 1e-8, then the border (0.5, 0.5 | 2).
  @Test func borderedUpdateKeepsTheJitter() throws {
    let jittered = try Cholesky.factor(Matrix<Double>([[1, 1], [1, 1]]))
    #expect(jittered.jitter == 1e-8)
    let extended = try jittered.extended(crossBlock: Matrix([[0.5], [0.5]]), cornerBlock: Matrix([[2]]))
    let bordered = Matrix<Double>([[1, 1, 0.5], [1, 1, 0.5], [0.5, 0.5, 2]])
    let direct = try #require(Cholesky.factorLowerTriangle(bordered, diagonalShift: 1e-8))
    #expect(extended.jitter == 1e-8)
    #expect(areClose(extended.lower.storage, direct.storage, relative: 1e-7, absolute: 1e-12))
    #expect(try jittered.extended(crossBlock: Matrix(rows: 2, columns: 0), cornerBlock: Matrix(rows: 0, columns: 0))
      == jittered)
    #expect(throws: NumericsError.nonFiniteEntries(operation: "bordered Cholesky update")) {
      _ = try jittered.extended(crossBlock: Matrix([[Double.nan], [0]]), cornerBlock: Matrix([[1]]))
    }
  }
}
