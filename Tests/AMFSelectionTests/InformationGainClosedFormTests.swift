import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFSelection

/// Posterior models and the information gain on one- and two-dimensional cases solved by hand.
@Suite struct InformationGainClosedFormTests {
  /// Weight space, p = 1, φ(target) = φ(block) = c, no conditioning: σ²_D = c², σ²_{D∪X'} = c²ρ²/(c² + ρ²),
  /// gain = ½ log(1 + c²/ρ²); with the target-noise form ½ log((c² + ρ²)² / (ρ²(2c² + ρ²))).
  @Test(arguments: [(1.0, 0.01), (0.5, 0.1), (2.0, 1.0)])
  func oneObservationGain(c: Double, noise: Double) throws {
    let model = try WeightSpacePosterior(
      points: Matrix([[c], [c]]), conditioning: Matrix(rows: 0, columns: 1), noiseVariance: noise)
    let prior = model.variances(0..<1)
    #expect(abs(prior[0] - c * c) < 1e-15)
    let plain = try InformationGain.gains(
      model: model, targets: 0..<1, targetVariances: prior, block: 1..<2, targetNoise: false)
    #expect(abs(plain[0] - 0.5 * log(1 + c * c / noise)) < 1e-12)
    let transductive = try InformationGain.gains(
      model: model, targets: 0..<1, targetVariances: prior, block: 1..<2, targetNoise: true)
    let c2 = c * c
    #expect(abs(transductive[0] - 0.5 * log((c2 + noise) * (c2 + noise) / (noise * (2 * c2 + noise)))) < 1e-12)
    #expect(abs(try InformationGain.varianceReduction(model: model, targets: 0..<1, block: 1..<2)[0]
      - c2 * c2 / (c2 + noise)) < 1e-12)
  }

  /// ρ² = 1e-30: the posterior variance rounds to 0 and is floored at 1e-12·σ²_D, capping the gain at
  /// ½ log 10¹² ≈ 13.8 nats instead of +∞.
  @Test func vanishingPosteriorVarianceIsFloored() throws {
    let model = try WeightSpacePosterior(
      points: Matrix([[1.0], [1.0]]), conditioning: Matrix(rows: 0, columns: 1), noiseVariance: 1e-30)
    let gain = try InformationGain.gains(
      model: model, targets: 0..<1, targetVariances: [1], block: 1..<2, targetNoise: false)
    #expect(abs(gain[0] - 0.5 * log(1e12)) < 1e-9)
  }

  /// Φ_D = [(1, 0)], ρ² = ½: Σ_D = (I + 2 e₁e₁ᵀ)⁻¹ = diag(⅓, 1). Points (1, 0), (0, 1), (1, 1) have variances
  /// ⅓, 1, 4/3 and cov((1, 0), (1, 1)) = ⅓; conditioning on (0, 1) as well makes Σ = diag(⅓, ⅓).
  @Test func weightSpacePosteriorOfAHandPrecision() throws {
    let model = try WeightSpacePosterior(
      points: Matrix([[1, 0], [0, 1], [1, 1]]), conditioning: Matrix([[1, 0]]), noiseVariance: 0.5)
    let third = 1.0 / 3
    let before: [Double] = [third, 1, 4 * third]
    #expect(areClose(model.variances(0..<3), before, relative: 1e-14))
    let covariance = try model.covariance(0..<1, 2..<3)
    #expect(covariance.shape == Shape(1, 1) && abs(covariance[0, 0] - 1.0 / 3) < 1e-15)
    let conditioned = try model.conditioned(on: 1..<2)
    let after: [Double] = [third, third, 2 * third]
    #expect(areClose(conditioned.variances(0..<3), after, relative: 1e-14))
    #expect(conditioned.pointCount == 3)
  }

  /// Function space with D = ∅ is the prior kernel; conditioning on point 0 (ℓ = 1, σ_f² = 2, ρ² = 0.5) gives
  /// σ² = 2·0.5/2.5 = 0.4 there and 2 − k²/2.5 at distance 1, k = 2e^{−½}.
  @Test func functionSpacePosteriorOfOnePoint() throws {
    let kernel = RBFKernel(lengthscale: 1, signalVariance: 2)
    let model = try FunctionSpacePosterior(
      kernel: kernel, points: Matrix([[0], [1]]), conditioning: Matrix(rows: 0, columns: 1), noiseVariance: 0.5)
    #expect(model.variances(0..<2) == [2, 2])
    #expect(areClose(try model.covariance(0..<1, 1..<2).storage, [2 * exp(-0.5)], relative: 1e-15))
    let conditioned = try model.conditioned(on: 0..<1)
    let k = 2 * exp(-0.5)
    #expect(areClose(conditioned.variances(0..<2), [0.4, 2 - k * k / 2.5], relative: 1e-13))
    #expect(conditioned.correction.shape == Shape(1, 2))
  }

  @Test func blockHelpersSliceRowsAndColumns() {
    let m = Matrix<Double>([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    #expect(m.rowBlock(1..<3) == Matrix([[4, 5, 6], [7, 8, 9]]))
    #expect(m.columnBlock(0..<2) == Matrix([[1, 2], [4, 5], [7, 8]]))
    #expect(Matrix(stacking: Matrix<Double>(rows: 0, columns: 0), m.rowBlock(0..<1)) == Matrix([[1, 2, 3]]))
    #expect(Matrix(stacking: m.rowBlock(2..<3), m.rowBlock(0..<1)) == Matrix([[7, 8, 9], [1, 2, 3]]))
  }

  /// Importance weights at the clip: pool of two trajectories of task 1, log-likelihood sums (5, −50) under
  /// task 0. κ = 1, L = 30: clipped (5, −30), w₀ = 1/(1 + e^{−35}), half the ratios clipped; κ = 2: (2.5, −25),
  /// nothing clipped, w₀ = 1/(1 + e^{−27.5}). The raw ratio l = sums/κ is stored unclipped.
  @Test func clippingHappensAfterTheTemperature() throws {
    let likelihoods = Matrix<Double>([[5, 0], [-50, 0]])
    let cold = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [1, 1], temperature: 1, clip: 30)
    #expect(abs(cold.weight(0, task: 0) - 1 / (1 + exp(-35.0))) < 1e-15)
    #expect(cold.logRatios[1, 0] == -50 && cold.clippedFraction == [0.5, 0])
    #expect(areClose(cold.weights(task: 1), [0.5, 0.5], relative: 1e-15))
    #expect(cold.ownTaskShare[0] == 0 && abs(cold.ownTaskShare[1] - 1) < 1e-15)
    let warm = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [1, 1], temperature: 2, clip: 30)
    #expect(abs(warm.logWeights[1, 0] - (-27.5 - log(1 + exp(-27.5)))) < 1e-12)
    #expect(warm.logRatios[1, 0] == -25 && warm.clippedFraction == [0, 0])
    #expect(cold.poolCount == 2 && cold.taskCount == 2 && cold.temperatures == [1, 1])
  }

  @Test func nonFiniteLikelihoodNamesTrajectoryAndTask() {
    #expect(throws: SelectionError.nonFinite(quantity: "log-likelihood of pool trajectory 1 under task 0")) {
      try ImportanceWeights(logLikelihoods: Matrix([[0, 0], [.infinity, 0]]), poolTasks: [0, 1], temperature: 1, clip: 30)
    }
    #expect(SelectionError.nonFinite(quantity: "x").description == "x is not finite; check the policy for NaN weights")
    #expect(SelectionError.emptyPool.description
      == "the proxy pool is empty: give the embed stage collected demonstrations or rollouts_per_task ≥ 1")
    #expect(SelectionError.missingInput(strategy: "amf", input: "embeddings").description
      == "strategy 'amf' needs the 'embeddings' input; pass --input embeddings=PATH")
    #expect(SelectionError.inconsistent(reason: "r").description == "r")
  }
}
