import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFSelection

/// The block update of the information gain against brute-force recomputation, and a hand-derived GP case.
@Suite struct PosteriorTests {
  /// A matrix of standard normals from `seed`.
  static func random(_ rows: Int, _ columns: Int, seed: UInt64, scale: Double = 1) -> Matrix<Double> {
    var generator = Seed(seed).generator()
    var matrix = Matrix<Double>(rows: rows, columns: columns)
    for index in matrix.storage.indices { matrix.storage[index] = scale * generator.normal() }
    return matrix
  }

  /// `σ²(x) = φᵀ (I + ρ⁻² ΦᵀΦ)⁻¹ φ` for every row of `points`, by an explicit solve of the p×p system.
  static func bruteForceVariances(points: Matrix<Double>, conditioning: Matrix<Double>, noise: Double) throws
    -> [Double]
  {
    let p = points.columns
    var precision = Matrix<Double>.identity(p)
    for i in 0..<p {
      for j in 0..<p {
        for r in 0..<conditioning.rows { precision[i, j] += conditioning[r, i] * conditioning[r, j] / noise }
      }
    }
    let solved = try Cholesky.factor(precision).solve(points.transposed())  // (p × n) = Σ Φᵀ
    return (0..<points.rows).map { row in (0..<p).reduce(0.0) { $0 + points[row, $1] * solved[$1, row] } }
  }

  static func stacked(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
    (try? Matrix(rows: a.rows + b.rows, columns: a.columns, values: a.storage + b.storage)) ?? a
  }

  @Test(arguments: [(1 as UInt64, 6, 4, 3), (2, 9, 12, 5), (3, 5, 0, 7), (4, 20, 30, 1)])
  func weightSpaceGainEqualsBruteForce(seed: UInt64, p: Int, nD: Int, m: Int) throws {
    let noise = 0.1
    let conditioning = Self.random(nD, p, seed: seed &* 11, scale: 0.5)
    let targets = Self.random(7, p, seed: seed &* 13)
    let block = Self.random(m, p, seed: seed &* 17)
    let model = try WeightSpacePosterior(
      points: Self.stacked(targets, block), conditioning: conditioning, noiseVariance: noise)
    let before = model.variances(0..<7)
    let gains = try InformationGain.gains(
      model: model, targets: 0..<7, targetVariances: before, block: 7..<(7 + m), targetNoise: false)
    let bruteBefore = try Self.bruteForceVariances(points: targets, conditioning: conditioning, noise: noise)
    let bruteAfter = try Self.bruteForceVariances(
      points: targets, conditioning: Self.stacked(conditioning, block), noise: noise)
    #expect(areClose(before, bruteBefore, relative: 1e-10))
    let expected = zip(bruteBefore, bruteAfter).map { 0.5 * log($0 / $1) }
    #expect(areClose(gains, expected, relative: 1e-9, absolute: 1e-12), "\(gains) vs \(expected)")
    #expect(gains.allSatisfy { $0 > 0 })
    // Conditioning the model on the block gives the brute-force posterior.
    let after = try model.conditioned(on: 7..<(7 + m)).variances(0..<7)
    #expect(areClose(after, bruteAfter, relative: 1e-9))
  }

  @Test func targetNoiseFormAddsNoiseToBothVariances() throws {
    let noise = 0.05
    let model = try WeightSpacePosterior(
      points: Self.random(6, 4, seed: 5), conditioning: Self.random(3, 4, seed: 6), noiseVariance: noise)
    let before = model.variances(0..<4)
    let after = try model.conditioned(on: 4..<6).variances(0..<4)
    let gains = try InformationGain.gains(
      model: model, targets: 0..<4, targetVariances: before, block: 4..<6, targetNoise: true)
    let expected = zip(before, after).map { 0.5 * log(($0 + noise) / ($1 + noise)) }
    #expect(areClose(gains, expected, relative: 1e-9))
  }

  /// D = {0}, X' = {0.5}, target 1.0 on a line; RBF ℓ = 0.5, σ_f² = 1, ρ² = 0.01. By hand:
  /// σ²_D(x₃) = 1 − k₁₃²/(1 + ρ²); σ²_{D∪X'}(x₃) = 1 − kᵀ A⁻¹ k with A = [[1+ρ², k₁₂], [k₁₂, 1+ρ²]],
  /// k = (k₁₃, k₂₃), the 2×2 inverse written out; k₁₂ = k₂₃ = e^{−1/2}, k₁₃ = e^{−2}.
  @Test func gpGainMatchesHandDerivedThreePointExample() throws {
    let noise = 0.01
    let (k12, k13, k23) = (exp(-0.5), exp(-2.0), exp(-0.5))
    let before = 1 - k13 * k13 / (1 + noise)
    let a = 1 + noise
    let determinant = a * a - k12 * k12
    let quadratic = (a * k13 * k13 - 2 * k12 * k13 * k23 + a * k23 * k23) / determinant
    let after = 1 - quadratic
    let expected = 0.5 * log(before / after)

    let kernel = RBFKernel(lengthscale: 0.5, signalVariance: 1)
    let model = try FunctionSpacePosterior(
      kernel: kernel, points: Matrix([[1.0], [0.5]]), conditioning: Matrix([[0.0]]), noiseVariance: noise)
    let variances = model.variances(0..<1)
    #expect(abs(variances[0] - before) < 1e-12)
    let gain = try InformationGain.gains(
      model: model, targets: 0..<1, targetVariances: variances, block: 1..<2, targetNoise: false)
    #expect(abs(gain[0] - expected) < 1e-12, "gain \(gain[0]) vs hand \(expected)")
    #expect(abs(try model.conditioned(on: 1..<2).variances(0..<1)[0] - after) < 1e-12)
    #expect(abs(expected - 0.285581) < 1e-6)  // the number itself, so a changed convention is seen
  }

  @Test func functionSpaceGainEqualsBruteForce() throws {
    let kernel = RBFKernel(lengthscale: 0.8, signalVariance: 1.3)
    let noise = 0.02
    let conditioning = Self.random(8, 3, seed: 21)
    let points = Self.random(9, 3, seed: 22)  // 5 targets, block of 4
    let model = try FunctionSpacePosterior(kernel: kernel, points: points, conditioning: conditioning, noiseVariance: noise)
    let gains = try InformationGain.gains(
      model: model, targets: 0..<5, targetVariances: model.variances(0..<5), block: 5..<9, targetNoise: false)
    func bruteVariance(_ data: Matrix<Double>) throws -> [Double] {
      var gram = kernel.gram(data)
      for i in 0..<gram.rows { gram[i, i] += noise }
      let cross = try kernel.covariance(data, points)
      let solved = try Cholesky.factor(gram).solve(cross)
      return (0..<5).map { x in kernel([Double](points.row(x)), [Double](points.row(x)))
        - (0..<data.rows).reduce(0.0) { $0 + cross[$1, x] * solved[$1, x] } }
    }
    var blockRows = Matrix<Double>(rows: 4, columns: 3)
    for r in 0..<4 { for c in 0..<3 { blockRows[r, c] = points[5 + r, c] } }
    let before = try bruteVariance(conditioning)
    let after = try bruteVariance(Self.stacked(conditioning, blockRows))
    #expect(areClose(gains, zip(before, after).map { 0.5 * log($0 / $1) }, relative: 1e-8))
    #expect(areClose(try model.conditioned(on: 5..<9).variances(0..<5), after, relative: 1e-9))
  }
}
