import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// The GP policy on one data point, where its posterior is written out by hand.
@Suite struct GPPolicyClosedFormTests {
  /// Observation dimension 1, no task features, mean 1 and scale 2: s = 3 standardizes to 1. ℓ = 1, σ_f² = 1,
  /// ρ² = 0.25, one target 2. At s = 1 (z = 0, distance 1): k = e^{−½}, μ = 2k/1.25, σ²_D = 1 − k²/1.25;
  /// at s = 3: μ = 2/1.25 = 1.6 and σ²_D = 1 − 1/1.25 = 0.2. log σ = ½ log(σ²_D + ρ²).
  static func policy() throws -> GPPolicy {
    try GPPolicy(
      observationDimension: 1, taskFeatureDimension: 0, actionDimension: 1, inputMean: [1], inputScale: [2],
      lengthscale: 1, signalVariance: 1, noiseVariance: 0.25, inputs: Matrix([[3]]), targets: Matrix([[2]]))
  }

  @Test func onePointPolicyMatchesClosedForm() throws {
    let policy = try Self.policy()
    let none = Matrix<Double>(rows: 2, columns: 0)
    let k = exp(-0.5)
    let mean = try policy.posteriorMean(observations: Matrix([[1], [3]]), taskFeatures: none)
    #expect(areClose(mean.storage, [2 * k / 1.25, 1.6], relative: 1e-14))
    let variance = try policy.posteriorVariance(observations: Matrix([[1], [3]]), taskFeatures: none)
    #expect(areClose(variance, [1 - k * k / 1.25, 0.2], relative: 1e-14))
    let batch = try policy.distribution(observations: Matrix([[1], [3]]), taskFeatures: Matrix(rows: 2, columns: 0))
    #expect(areClose(batch.logStd.storage.map(Double.init),
                     [0.5 * log(1 - k * k / 1.25 + 0.25), 0.5 * log(0.45)], relative: 1e-6))
    #expect(policy.lengthscale == 1 && policy.signalVariance == 1 && policy.noiseVariance == 0.25)
    #expect(policy.jitter == 0 && policy.inputDimension == 1 && policy.targets == Matrix([[2]]))
  }

  /// Two action dimensions share σ²_D (one kernel) but each has its own mean; task features are standardized
  /// with their own constants: [s, f] = [0.5, 3] with means (0, 1) and scales (0.5, 4) → (1, 0.5).
  @Test func sharedVarianceAndStandardizedFeatures() throws {
    let policy = try GPPolicy(
      observationDimension: 1, taskFeatureDimension: 1, actionDimension: 2, inputMean: [0, 1], inputScale: [0.5, 4],
      noiseVariance: 0.1, inputs: Matrix([[0.5, 3]]), targets: Matrix([[1, -3]]))
    #expect(try policy.standardizedInputs(observations: Matrix([[0.5]]), taskFeatures: Matrix([[3]])) == Matrix([[1, 0.5]]))
    let batch = try policy.distribution(observations: Matrix([[0.5], [0]]), taskFeatures: Matrix([[3], [1]]))
    #expect(batch.logStd[0, 0] == batch.logStd[0, 1] && batch.logStd[1, 0] == batch.logStd[1, 1])
    // At the data point: μ = y/(1 + ρ²) per dimension (ℓ = 0.5, σ_f² = 1 defaults).
    #expect(areClose([Double(batch.mean[0, 0]), Double(batch.mean[0, 1])], [1 / 1.1, -3 / 1.1], relative: 1e-6))
  }

  @Test func shapesAreCheckedAtConstruction() {
    #expect(throws: ShapeError.mismatch(operation: "GP policy inputs [s, f(c)]", expected: Shape(1, 2), found: Shape(1, 3))) {
      _ = try GPPolicy(observationDimension: 1, taskFeatureDimension: 1, actionDimension: 1, inputMean: [0, 0],
                       inputScale: [1, 1], inputs: Matrix([[0, 0, 0]]), targets: Matrix([[0]]))
    }
    #expect(throws: ShapeError.mismatch(operation: "GP policy action targets", expected: Shape(1, 1), found: Shape(2, 1))) {
      _ = try GPPolicy(observationDimension: 1, taskFeatureDimension: 1, actionDimension: 1, inputMean: [0, 0],
                       inputScale: [1, 1], inputs: Matrix([[0, 0]]), targets: Matrix([[0], [1]]))
    }
    #expect(throws: ShapeError.mismatch(operation: "GP policy observations", expected: Shape(1, 1), found: Shape(1, 2))) {
      _ = try Self.policy().posteriorMean(observations: Matrix([[0, 0]]), taskFeatures: Matrix(rows: 1, columns: 0))
    }
  }
}
