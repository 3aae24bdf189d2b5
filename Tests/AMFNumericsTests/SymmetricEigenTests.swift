import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFNumerics

/// `SymmetricEigen.pairs` (dsytrd + dstemr + dormtr on the kept vectors, issue #20) against `dsyevr`, which it
/// replaced, and against the definition `A v = λ v`.
@Suite struct SymmetricEigenTests {
  /// `B Bᵀ` for a (n × p) B of rank ≤ `rank` plus noise of size `noise`: a Gram like a trajectory block's.
  static func lowRankGram(n: Int, p: Int, rank: Int, noise: Double, seed: UInt64) -> Matrix<Double> {
    var generator = Seed(seed).generator()
    let basis = (0..<(rank * p)).map { _ in generator.normal() }
    var rows = Matrix<Double>(rows: n, columns: p)
    for t in 0..<n {
      for k in 0..<p {
        var value = noise * generator.normal()
        for r in 0..<rank { value += cos(Double(r + 1) * Double(t) / Double(n)) * basis[r * p + k] / Double(r + 1) }
        rows[t, k] = value
      }
    }
    return rows.rowGram(0..<n)
  }

  @Test(arguments: [(1 as UInt64, 60, 3, 1e-9), (2, 40, 12, 1e-4), (3, 25, 25, 0.1), (4, 7, 2, 0)])
  func agreesWithDsyevr(seed: UInt64, n: Int, rank: Int, threshold: Double) throws {
    let matrix = Self.lowRankGram(n: n, p: 50, rank: rank, noise: 1e-6, seed: seed)
    let fast = try SymmetricEigen.pairs(of: matrix, above: threshold)
    let bound = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + abs(matrix[i, $1]) } }.max() ?? 0
    let reference = try SymmetricEigen.pairsByDsyevr(matrix, above: threshold, bound: bound)
    #expect(fast.values.count == reference.values.count)
    #expect(!fast.values.isEmpty && fast.values.allSatisfy { $0 > threshold })
    let norm = fast.values.last ?? 1
    for (a, b) in zip(fast.values, reference.values) { #expect(abs(a - b) <= 1e-13 * norm) }
    // Each kept pair satisfies A v = λ v and ‖v‖ = 1; distinct vectors are orthogonal.
    for (i, value) in fast.values.enumerated() {
      let v = fast.vectors.row(i)
      var residual = 0.0
      for r in 0..<n {
        var product = 0.0
        for c in 0..<n { product += matrix[r, c] * v[c] }
        residual = max(residual, abs(product - value * v[r]))
      }
      #expect(residual <= 1e-12 * norm)
      #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-13)
      for j in 0..<i {
        let w = fast.vectors.row(j)
        #expect(abs(zip(v, w).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-12)
      }
    }
  }

  /// Entries beyond 1e70 go through `dsyevr`, which rescales: `[[2, 1], [1, 2]] × 1e80` has eigenvalues 1e80, 3e80.
  @Test func extremeScaleFallsBackToDsyevr() throws {
    let matrix = Matrix<Double>([[2e80, 1e80], [1e80, 2e80]])
    let pairs = try SymmetricEigen.pairs(of: matrix, above: 0)
    #expect(pairs.values.count == 2)
    #expect(abs(pairs.values[0] / 1e80 - 1) < 1e-14 && abs(pairs.values[1] / 3e80 - 1) < 1e-14)
  }
}
