import AMFTestSupport
import Foundation
import Testing

@testable import AMFNumerics

/// GP posteriors of one and two points against closed forms written out by hand (Rasmussen and Williams,
/// eq. 2.23–2.24), independent of LAPACK.
@Suite struct GaussianPosteriorClosedFormTests {
  /// One observation y = 3 at x = 0; RBF ℓ = 1, σ_f² = 2; ρ² = 0.5. With k = k(x, 0) = 2·e^{−x²/2}:
  /// mean(x) = k·3/(σ_f² + ρ²) = 1.2·k and σ²(x) = σ_f² − k²/(σ_f² + ρ²) = 2 − k²/2.5.
  /// At x = 0: mean 2.4 and σ² = σ_f²ρ²/(σ_f² + ρ²) = 0.4; at x = 1: k = 2e^{−½}, σ² = 2 − 1.6/e.
  @Test func onePointPosteriorMatchesClosedForm() throws {
    let posterior = try GaussianPosterior(
      kernel: RBFKernel(lengthscale: 1, signalVariance: 2), noiseVariance: 0.5, inputs: Matrix([[0]]),
      targets: Matrix([[3]]))
    let (mean, variance) = try posterior.meanAndVariance(at: Matrix([[0], [1]]))
    let k1 = 2 * Foundation.exp(-0.5)
    #expect(areClose(mean.storage, [2.4, 1.2 * k1], relative: 1e-14))
    #expect(areClose(variance, [0.4, 2 - 1.6 / M_E], relative: 1e-14))
    // log det(K + ρ²I) = log 2.5 for the 1×1 matrix.
    #expect(abs(posterior.factor.logDeterminant - Foundation.log(2.5)) < 1e-15)
  }

  /// Two inputs X = {0, 1}, ℓ = 1, σ_f² = 1, ρ² = 0.1; M = [[1.1, a], [a, 1.1]] with a = e^{−½}.
  /// At x = ½, k* = e^{−1/8}·(1, 1) lies along M's eigenvector (1, 1) of eigenvalue 1.1 + a, so
  /// k*ᵀM⁻¹k* = 2e^{−1/4}/(1.1 + a) and, for Y = (1, 1), mean = 2e^{−1/8}/(1.1 + a). For the antisymmetric
  /// Y = (1, −1) the mean at ½ is exactly 0 (k* ⟂ (1, −1)). det M = 1.21 − e^{−1}.
  @Test func twoPointPosteriorMatchesClosedForm() throws {
    let a = Foundation.exp(-0.5)
    let posterior = try GaussianPosterior(
      kernel: RBFKernel(lengthscale: 1, signalVariance: 1), noiseVariance: 0.1, inputs: Matrix([[0], [1]]),
      targets: Matrix([[1, 1], [1, -1]]))  // (2 × 2): two outputs sharing the kernel
    let (mean, variance) = try posterior.meanAndVariance(at: Matrix([[0.5]]))
    #expect(abs(mean[0, 0] - 2 * Foundation.exp(-1.0 / 8) / (1.1 + a)) < 1e-14)
    #expect(abs(mean[0, 1]) < 1e-15)
    #expect(abs(variance[0] - (1 - 2 * Foundation.exp(-0.25) / (1.1 + a))) < 1e-14)
    #expect(abs(posterior.factor.logDeterminant - Foundation.log(1.21 - 1 / M_E)) < 1e-14)
    #expect(posterior.count == 2 && posterior.inputDimension == 1 && posterior.outputDimension == 2)
  }

  /// Information gain of one noisy observation at the query point itself: prior variance σ_f², posterior
  /// σ_f²ρ²/(σ_f² + ρ²), so ½ log(σ²_D/σ²_{D∪x}) = ½ log(1 + σ_f²/ρ²) (AMF.md §2 for D = ∅).
  @Test(arguments: [(1.0, 0.01), (2.0, 0.5), (0.3, 1.0)])
  func oneObservationGainIsHalfLogOnePlusSNR(signal: Double, noise: Double) throws {
    let kernel = RBFKernel(lengthscale: 0.5, signalVariance: signal)
    let prior = try GaussianPosterior(
      kernel: kernel, noiseVariance: noise, inputs: Matrix(rows: 0, columns: 2), targets: Matrix(rows: 0, columns: 1))
    let x = Matrix<Double>([[0.3, -0.7]])
    let after = try prior.conditioned(onInputs: x, targets: Matrix([[0.25]]))
    let before = try prior.posteriorVariance(at: x)[0]
    let reduced = try after.posteriorVariance(at: x)[0]
    #expect(before == signal)
    #expect(abs(reduced - signal * noise / (signal + noise)) < 1e-14 * signal)
    #expect(abs(0.5 * Foundation.log(before / reduced) - 0.5 * Foundation.log(1 + signal / noise)) < 1e-12)
  }

  /// The mean is linear in the targets: mean(Y₁ + 2Y₂) = mean(Y₁) + 2·mean(Y₂), while the variance ignores Y.
  /// Non-square shapes (n = 5, d = 3, a = 2, m = 4) so swapped axes would fail.
  @Test func meanIsLinearInTargetsAndVarianceIgnoresThem() throws {
    let x = Matrix<Double>([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0.5, 0.5, 0.5], [1, 1, 0]])
    let y1 = Matrix<Double>([[1, 0], [0, 1], [2, -1], [0.5, 0.5], [-1, 3]])
    let y2 = Matrix<Double>([[0, 2], [1, 1], [-1, 0], [3, 0.25], [0, -2]])
    var combined = y1
    for i in combined.storage.indices { combined.storage[i] += 2 * y2.storage[i] }
    let kernel = RBFKernel(lengthscale: 0.8, signalVariance: 1.5)
    func posterior(_ y: Matrix<Double>) throws -> GaussianPosterior<RBFKernel> {
      try GaussianPosterior(kernel: kernel, noiseVariance: 0.05, inputs: x, targets: y)
    }
    let queries = Matrix<Double>([[0.2, 0.1, 0.9], [1, 1, 1], [-1, 0, 0], [0.5, 0, 0.5]])
    let m1 = try posterior(y1).mean(at: queries)
    let m2 = try posterior(y2).mean(at: queries)
    let both = try posterior(combined).mean(at: queries)
    #expect(both.shape == Shape(4, 2))
    let expected = zip(m1.storage, m2.storage).map { $0 + 2 * $1 }
    #expect(areClose(both.storage, expected, relative: 1e-10, absolute: 1e-13))
    #expect(try posterior(y1).posteriorVariance(at: queries) == posterior(y2).posteriorVariance(at: queries))
  }

  @Test func mismatchedTargetRowsThrowNamingTheShape() {
    #expect(throws: ShapeError.mismatch(
      operation: "GP targets (one row per input)", expected: Shape(2, 1), found: Shape(3, 1))) {
      _ = try GaussianPosterior(
        kernel: RBFKernel(), noiseVariance: 0.1, inputs: Matrix([[0], [1]]), targets: Matrix([[1], [2], [3]]))
    }
    #expect(throws: ShapeError.mismatch(operation: "GP new inputs", expected: Shape(1, 1), found: Shape(1, 2))) {
      let posterior = try GaussianPosterior(
        kernel: RBFKernel(), noiseVariance: 0.1, inputs: Matrix([[0]]), targets: Matrix([[1]]))
      _ = try posterior.conditioned(onInputs: Matrix([[0, 1]]), targets: Matrix([[1]]))
    }
  }
}
