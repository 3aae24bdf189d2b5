import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFNumerics

/// `Cholesky.pivotedRange`: the few directions outside which a PSD matrix has trace ≤ a residual (issue #20).
@Suite struct PivotedRangeTests {
  /// A = diag(1, 0.01): a residual of 0.015 keeps e₁ only (the trace left is 0.01), 0.005 keeps both (or gives
  /// nil when only one is allowed), 2 keeps none (tr A = 1.01).
  @Test func handDerivedDiagonalCase() throws {
    let matrix = Matrix<Double>([[1, 0], [0, 0.01]])
    let one = try #require(Cholesky.pivotedRange(of: matrix, residual: 0.015, maxRank: 2))
    #expect(one.rows == 1 && abs(abs(one[0, 0]) - 1) < 1e-15 && one[0, 1] == 0)
    let two = try #require(Cholesky.pivotedRange(of: matrix, residual: 0.005, maxRank: 2))
    #expect(two.rows == 2)
    #expect(Cholesky.pivotedRange(of: matrix, residual: 0.005, maxRank: 1) == nil)
    #expect(try #require(Cholesky.pivotedRange(of: matrix, residual: 2, maxRank: 2)).rows == 0)
    #expect(Cholesky.pivotedRange(of: matrix, residual: 0, maxRank: 2) == nil)  // never below rounding
  }

  /// A Gram of rank 3 plus noise 1e-7 (60 × 60): the residual 1e-9 is reached with exactly 3 orthonormal rows U,
  /// and `tr((I − UᵀU) A (I − UᵀU)) ≤ 1e-9`, computed directly.
  @Test(arguments: [1 as UInt64, 2, 3])
  func lowRankGramNeedsItsRank(seed: UInt64) throws {
    let matrix = SymmetricEigenTests.lowRankGram(n: 60, p: 40, rank: 3, noise: 1e-7, seed: seed)
    let basis = try #require(Cholesky.pivotedRange(of: matrix, residual: 1e-9, maxRank: 15))
    #expect(basis.rows == 3)
    let product = try basis.multiplied(by: basis, transposingOther: true)
    #expect(areClose(product.storage, Matrix<Double>.identity(3).storage, relative: 0, absolute: 1e-14))
    var projector = Matrix<Double>.identity(60)  // I − UᵀU
    try Matrix.multiply(basis, transposed: true, basis, into: &projector, alpha: -1, beta: 1)
    let left = try projector.multiplied(by: matrix).multiplied(by: projector)
    let trace = (0..<60).reduce(0.0) { $0 + left[$1, $1] }
    #expect(trace <= 1e-9 && trace > 0)
  }
}
