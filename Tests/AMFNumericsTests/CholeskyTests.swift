import AMFTestSupport
import Foundation
import Testing

@testable import AMFNumerics

@Suite struct CholeskyTests {
  /// A = [[4, 2, 2], [2, 5, 3], [2, 3, 6]] = L·Lᵀ with L = [[2, 0, 0], [1, 2, 0], [1, 1, 2]] (by hand:
  /// l₁₁ = √4, l₂₁ = 2/2, l₃₁ = 2/2, l₂₂ = √(5 − 1), l₃₂ = (3 − 1)/2, l₃₃ = √(6 − 1 − 1)); det A = 8² = 64.
  static let a = Matrix<Double>([[4, 2, 2], [2, 5, 3], [2, 3, 6]])

  @Test func factorsHandMatrixExactly() throws {
    let factor = try Cholesky.factor(Self.a)
    #expect(factor.lower == Matrix([[2, 0, 0], [1, 2, 0], [1, 1, 2]]))
    #expect(factor.jitter == 0)
    #expect(abs(factor.logDeterminant - Foundation.log(64)) < 1e-14)
  }

  /// A·[1, −1, 2] = [6, 3, 11] and A·[0.5, 0, −1] = [0, −2, −5] (by hand), solved as two columns at once.
  @Test func solvesTwoRightHandSides() throws {
    let factor = try Cholesky.factor(Self.a)
    let x = try factor.solve(Matrix([[6, 0], [3, -2], [11, -5]]))  // (3 × 2)
    #expect(x.shape == Shape(3, 2))
    #expect(areClose(x.storage, [1, 0.5, -1, 0, 2, -1], relative: 1e-14, absolute: 1e-15))
    #expect(areClose(try factor.solve([6, 3, 11]), [1, -1, 2], relative: 1e-14))
  }

  /// L·w = [6, 3, 11] gives w = [3, 0, 4] by forward substitution; ‖w‖² = bᵀA⁻¹b = 6 − 3 + 22 = 25.
  @Test func forwardSubstitution() throws {
    let w = try Cholesky.factor(Self.a).solveLower(Matrix([[6], [3], [11]]))
    #expect(w.storage == [3, 0, 4])
  }

  @Test func solveRejectsWrongRowCount() throws {
    let factor = try Cholesky.factor(Self.a)
    #expect(throws: ShapeError.mismatch(
      operation: "Cholesky solve right-hand sides", expected: Shape(3, 1), found: Shape(2, 1))) {
      _ = try factor.solve([1, 2])
    }
  }

  /// vvᵀ with v = [1, 2, 3] is PSD of rank 1: l₂₂² = 4 − 2² = 0 exactly, so the plain factorization fails
  /// and the first rung, 1e-8 × mean diagonal (14/3), is used.
  @Test func jitterRescuesRankOneMatrix() throws {
    let rankOne = Matrix<Double>([[1, 2, 3], [2, 4, 6], [3, 6, 9]])
    let factor = try Cholesky.factor(rankOne)
    #expect(abs(factor.jitter - 1e-8 * 14 / 3) < 1e-22)
    let product = try factor.lower.multiplied(by: factor.lower, transposingOther: true)
    var shifted = rankOne
    for i in 0..<3 { shifted[i, i] += factor.jitter }
    #expect(areClose(product.storage, shifted.storage, relative: 1e-12, absolute: 1e-14))
  }

  /// [[1, 2], [2, 1]] has eigenvalues 3 and −1: no jitter up to 1e-2 × 1 can fix it.
  @Test func indefiniteMatrixThrows() {
    #expect(throws: NumericsError.notPositiveDefinite(jitterTried: 1e-2)) {
      _ = try Cholesky.factor(Matrix<Double>([[1, 2], [2, 1]]))
    }
    #expect(NumericsError.notPositiveDefinite(jitterTried: 1e-2).description.contains("noise variance"))
  }

  @Test func nonFiniteEntriesThrow() {
    #expect(throws: NumericsError.nonFiniteEntries(operation: "Cholesky factorization")) {
      _ = try Cholesky.factor(Matrix<Double>([[1, .nan], [.nan, 1]]))
    }
  }

  @Test func emptyMatrixHasEmptyFactor() throws {
    let factor = try Cholesky.factor(Matrix<Double>(rows: 0, columns: 0))
    #expect(factor.dimension == 0 && factor.logDeterminant == 0)
    #expect(try factor.solve(Matrix<Double>(rows: 0, columns: 2)).shape == Shape(0, 2))
  }

  /// Bordering the factor of A's leading 2×2 block with A's last row and column gives A's factor.
  @Test func borderedUpdateEqualsFullFactor() throws {
    let leading = try Cholesky.factor(Matrix<Double>([[4, 2], [2, 5]]))
    let extended = try leading.extended(crossBlock: Matrix([[2], [3]]), cornerBlock: Matrix([[6]]))
    #expect(extended.lower == (try Cholesky.factor(Self.a)).lower)
    let empty = try Cholesky.factor(Matrix<Double>(rows: 0, columns: 0))
    let fromEmpty = try empty.extended(crossBlock: Matrix<Double>(rows: 0, columns: 3), cornerBlock: Self.a)
    #expect(fromEmpty.lower == extended.lower)
  }

  /// A bordered matrix that is singular (a duplicated row) throws with the factor's own jitter (0).
  @Test func borderedUpdateOfSingularMatrixThrows() throws {
    let leading = try Cholesky.factor(Matrix<Double>([[1]]))
    #expect(throws: NumericsError.notPositiveDefinite(jitterTried: 0)) {
      _ = try leading.extended(crossBlock: Matrix([[1]]), cornerBlock: Matrix([[1]]))
    }
  }
}
