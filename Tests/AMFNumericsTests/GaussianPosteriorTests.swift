import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFNumerics

@Suite struct GaussianPosteriorTests {
  /// The hand example. Kernel ℓ = 1, σ_f² = 1: k(x, x') = exp(−(x − x')²/2). Inputs X = [0, 1, 2], noise
  /// ρ² = 0.1, so with a = e^{−1/2} and b = e^{−2}
  ///
  ///     M = K + ρ²I = [[1.1, a, b], [a, 1.1, a], [b, a, 1.1]].
  ///
  /// Targets Y = [[1, −1], [2, 0.5], [0, 3]] (two outputs sharing the kernel). At a test point x with
  /// k* = [k(x, 0), k(x, 1), k(x, 2)]: mean(x) = k*ᵀ M⁻¹ Y and σ²(x) = k(x, x) − k*ᵀ M⁻¹ k* = 1 − k*ᵀ M⁻¹ k*.
  /// For x = 0.5: k* = [e^{−1/8}, e^{−1/8}, e^{−9/8}]; for x = 3: k* = [e^{−9/2}, e^{−2}, e^{−1/2}].
  /// M⁻¹ is computed below independently of LAPACK, as adj(M)/det(M) (cofactors), in plain Swift.
  @Test func matchesHandComputedThreePointExample() throws {
    let (a, b, noise) = (Foundation.exp(-0.5), Foundation.exp(-2.0), 0.1)
    let m = [[1 + noise, a, b], [a, 1 + noise, a], [b, a, 1 + noise]]
    let y = [[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]]
    let inverse = Self.inverse3x3(m)
    let kStars = [
      [Foundation.exp(-1.0 / 8), Foundation.exp(-1.0 / 8), Foundation.exp(-9.0 / 8)],
      [Foundation.exp(-9.0 / 2), Foundation.exp(-2.0), Foundation.exp(-0.5)],
    ]
    var expectedMean: [Double] = []  // (2 points × 2 outputs), row-major
    var expectedVariance: [Double] = []
    for k in kStars {
      let weights = (0..<3).map { j in (0..<3).reduce(0.0) { $0 + k[$1] * inverse[$1][j] } }  // k*ᵀ M⁻¹
      for output in 0..<2 { expectedMean.append((0..<3).reduce(0.0) { $0 + weights[$1] * y[$1][output] }) }
      expectedVariance.append(1 - (0..<3).reduce(0.0) { $0 + weights[$1] * k[$1] })
    }
    let posterior = try GaussianPosterior(
      kernel: RBFKernel(lengthscale: 1, signalVariance: 1), noiseVariance: noise,
      inputs: Matrix([[0], [1], [2]]), targets: Matrix(y))
    let (mean, variance) = try posterior.meanAndVariance(at: Matrix([[0.5], [3]]))
    #expect(mean.shape == Shape(2, 2))
    #expect(maxRelativeError(mean.storage, expectedMean) < 1e-10)
    #expect(maxRelativeError(variance, expectedVariance) < 1e-10)
    #expect(posterior.factor.jitter == 0)
    #expect(try posterior.mean(at: Matrix([[0.5], [3]])) == mean)
    #expect(try posterior.posteriorVariance(at: Matrix([[0.5], [3]])) == variance)
  }

  /// At a training point σ²_D = ρ²(1 − ρ²[(K + ρ²I)⁻¹]ᵢᵢ) ≈ ρ² when ρ² is tiny against K's spectrum.
  @Test func varianceAtTrainingPointIsNoiseLevel() throws {
    let noise = 1e-6
    let posterior = try GaussianPosterior(
      kernel: RBFKernel(lengthscale: 1, signalVariance: 1), noiseVariance: noise,
      inputs: Matrix([[0], [1], [2]]), targets: Matrix([[1], [2], [0]]))
    let variance = try posterior.posteriorVariance(at: Matrix([[0], [1], [2]]))
    for value in variance { #expect(value > 0.99 * noise && value <= noise) }
  }

  @Test func priorHasZeroMeanAndSignalVariance() throws {
    let prior = try GaussianPosterior(
      kernel: RBFKernel(lengthscale: 0.5, signalVariance: 2), noiseVariance: 0.01,
      inputs: Matrix(rows: 0, columns: 3), targets: Matrix(rows: 0, columns: 2))
    let (mean, variance) = try prior.meanAndVariance(at: Matrix([[0, 1, 2], [3, 4, 5]]))
    #expect(mean == Matrix(rows: 2, columns: 2) && variance == [2, 2])
  }

  /// 5 then 4 more random points in 2-d (non-square: d = 2, a = 3, 7 query points): variance never grows,
  /// and the bordered update agrees with conditioning on all 9 points at once.
  @Test func conditioningOnMoreDataNeverIncreasesVariance() throws {
    var rng = Seed(11).generator("gp-conditioning")
    func draw(_ rows: Int, _ columns: Int) throws -> Matrix<Double> {
      try Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in rng.normal() })
    }
    let (x1, y1, x2, y2, queries) = (try draw(5, 2), try draw(5, 3), try draw(4, 2), try draw(4, 3), try draw(7, 2))
    let kernel = RBFKernel(lengthscale: 0.7, signalVariance: 1.3)
    let first = try GaussianPosterior(kernel: kernel, noiseVariance: 0.01, inputs: x1, targets: y1)
    let second = try first.conditioned(onInputs: x2, targets: y2)
    let before = try first.posteriorVariance(at: queries)
    let after = try second.posteriorVariance(at: queries)
    #expect(zip(before, after).allSatisfy { $1 <= $0 + 1e-14 })
    #expect(zip(before, after).contains { $1 < $0 - 1e-3 })
    let direct = try GaussianPosterior(
      kernel: kernel, noiseVariance: 0.01, inputs: GaussianPosterior<RBFKernel>.stacking(x1, x2),
      targets: GaussianPosterior<RBFKernel>.stacking(y1, y2))
    #expect(second.count == 9)
    #expect(areClose(try second.mean(at: queries).storage, try direct.mean(at: queries).storage,
                     relative: 1e-10, absolute: 1e-12))
    #expect(areClose(after, try direct.posteriorVariance(at: queries), relative: 1e-10, absolute: 1e-14))
  }

  /// Noise-free conditioning on the same input twice: the bordered update's Schur complement is exactly 0,
  /// so the posterior refactors [[1, 1], [1, 1]] with the ladder (jitter 1e-8 × 1).
  @Test func duplicateNoiseFreeInputFallsBackToJitteredRefactorization() throws {
    let kernel = RBFKernel(lengthscale: 1, signalVariance: 1)
    let once = try GaussianPosterior(kernel: kernel, noiseVariance: 0, inputs: Matrix([[0]]), targets: Matrix([[1]]))
    let twice = try once.conditioned(onInputs: Matrix([[0]]), targets: Matrix([[1]]))
    #expect(twice.factor.jitter == 1e-8)
    #expect(abs(try twice.mean(at: Matrix([[0]]))[0, 0] - 1) < 1e-7)
  }

  @Test func shapeMismatchesThrow() throws {
    let posterior = try GaussianPosterior(
      kernel: RBFKernel(), noiseVariance: 0.01, inputs: Matrix([[0, 1], [1, 0]]), targets: Matrix([[1], [2]]))
    #expect(throws: ShapeError.mismatch(operation: "GP query points", expected: Shape(1, 2), found: Shape(1, 3))) {
      _ = try posterior.posteriorVariance(at: Matrix([[0, 0, 0]]))
    }
    #expect(throws: ShapeError.mismatch(operation: "GP new targets", expected: Shape(1, 1), found: Shape(1, 2))) {
      _ = try posterior.conditioned(onInputs: Matrix([[0, 0]]), targets: Matrix([[1, 2]]))
    }
  }

  /// The inverse of a 3×3 matrix as its adjugate over its determinant (cofactor expansion).
  static func inverse3x3(_ m: [[Double]]) -> [[Double]] {
    func cofactor(_ i: Int, _ j: Int) -> Double {
      let rows = (0..<3).filter { $0 != i }
      let columns = (0..<3).filter { $0 != j }
      let minor = m[rows[0]][columns[0]] * m[rows[1]][columns[1]] - m[rows[0]][columns[1]] * m[rows[1]][columns[0]]
      return (i + j) % 2 == 0 ? minor : -minor
    }
    let determinant = (0..<3).reduce(0.0) { $0 + m[0][$1] * cofactor(0, $1) }
    return (0..<3).map { i in (0..<3).map { j in cofactor(j, i) / determinant } }
  }
}
