import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// Fixtures: an integrator2d-like GP (observation p ∈ R², features f(c) ∈ R², action ∈ R²) with the
/// AMF.md §2.1 standardization (mean 0, scale 1/√2) and 6 demonstration steps.
enum GPFixtures {
  static let scale = [Double](repeating: 1 / 2.0.squareRoot(), count: 4)

  static func policy(lengthscale: Double = 0.5, points: Int = 6, seed: String = "gp-fixture") throws -> GPPolicy {
    let (observations, features, actions) = data(points, seed: seed)
    return try GPPolicy(
      observationDimension: 2, taskFeatureDimension: 2, actionDimension: 2,
      inputMean: [0, 0, 0, 0], inputScale: scale, lengthscale: lengthscale
    ).conditioned(onObservations: observations, taskFeatures: features, actions: actions)
  }

  /// `points` rows of (p, f(c), a) drawn from a labelled stream. Shapes: each (points × 2).
  static func data(_ points: Int, seed: String) -> (Matrix<Double>, Matrix<Double>, Matrix<Double>) {
    var rng = Seed(5).generator(seed)
    func draw(_ scale: Double) -> Matrix<Double> {
      var matrix = Matrix<Double>(rows: points, columns: 2)
      for index in matrix.storage.indices { matrix.storage[index] = scale * rng.normal() }
      return matrix
    }
    return (draw(0.5), draw(1), draw(0.2))
  }

  static func narrowed(_ matrix: Matrix<Double>) -> Matrix<Float> {
    var result = Matrix<Float>(rows: matrix.rows, columns: matrix.columns)
    for index in matrix.storage.indices { result.storage[index] = Float(matrix.storage[index]) }
    return result
  }
}

@Suite struct GPPolicyTests {
  /// mean = μ_D, logStd = ½ log(σ²_D + ρ²) in every dimension; then GaussianBatch's log-density at the mean is
  /// −(a/2)·log(2π(σ²_D + ρ²)) and its entropy (a/2)·log(2πe(σ²_D + ρ²)), with a = 2.
  @Test func distributionIsConsistentWithGaussianBatch() throws {
    let policy = try GPFixtures.policy()
    let (observations, features, _) = GPFixtures.data(5, seed: "gp-queries")
    let (floatObservations, floatFeatures) = (GPFixtures.narrowed(observations), GPFixtures.narrowed(features))
    let batch = try policy.distribution(observations: floatObservations, taskFeatures: floatFeatures)
    // The float64 accessors on the float32-rounded queries, so the only difference left is the output rounding.
    let roundedObservations = GPPolicy.widened(floatObservations)
    let roundedFeatures = GPPolicy.widened(floatFeatures)
    let mean = try policy.posteriorMean(observations: roundedObservations, taskFeatures: roundedFeatures)
    let variance = try policy.posteriorVariance(observations: roundedObservations, taskFeatures: roundedFeatures)
    #expect(batch.mean.shape == Shape(5, 2) && batch.logStd.shape == Shape(5, 2))
    #expect(areClose(batch.mean.storage, mean.storage.map(Float.init), relative: 0, absolute: 0))
    let predictive = variance.map { $0 + policy.noiseVariance }
    let expectedLogStd = predictive.flatMap { [0.5 * Foundation.log($0), 0.5 * Foundation.log($0)] }
    #expect(areClose(batch.logStd.storage.map(Double.init), expectedLogStd, relative: 1e-6))
    let logDensity = try batch.logDensity(of: batch.mean)
    #expect(areClose(logDensity, predictive.map { -Foundation.log(2 * Double.pi * $0) }, relative: 1e-6))
    #expect(areClose(batch.entropy, predictive.map { Foundation.log(2 * Double.pi * M_E * $0) }, relative: 1e-6))
  }

  /// With no data the policy is the prior: mean 0 and logStd = ½ log(σ_f² + ρ²) = ½ log 1.01.
  @Test func priorPolicyActsWithZeroMean() throws {
    let prior = try GPPolicy(
      observationDimension: 2, taskFeatureDimension: 2, actionDimension: 2, inputMean: [0, 0, 0, 0],
      inputScale: GPFixtures.scale)
    let batch = try prior.distribution(observations: Matrix([[0.3, 0.1]]), taskFeatures: Matrix([[1, 0]]))
    #expect(batch.mean.storage == [0, 0])
    #expect(batch.logStd.storage == [Float(0.5 * Foundation.log(1.01)), Float(0.5 * Foundation.log(1.01))])
  }

  /// z = (x − mean)/scale: scale 1/√2 multiplies distances by √2, which is the same as lengthscale ℓ/√2 on
  /// unscaled inputs; shifting every input and the mean by one offset changes nothing.
  @Test func standardizationDividesByFixedScale() throws {
    let (observations, features, actions) = GPFixtures.data(6, seed: "gp-fixture")
    let scaled = try GPFixtures.policy(lengthscale: 0.5)
    let unscaled = try GPPolicy(
      observationDimension: 2, taskFeatureDimension: 2, actionDimension: 2, inputMean: [0, 0, 0, 0],
      inputScale: [1, 1, 1, 1], lengthscale: 0.5 / 2.0.squareRoot()
    ).conditioned(onObservations: observations, taskFeatures: features, actions: actions)
    var shiftedObservations = observations
    for index in shiftedObservations.storage.indices { shiftedObservations.storage[index] += 3 }
    let shifted = try GPPolicy(
      observationDimension: 2, taskFeatureDimension: 2, actionDimension: 2, inputMean: [3, 3, 0, 0],
      inputScale: GPFixtures.scale
    ).conditioned(onObservations: shiftedObservations, taskFeatures: features, actions: actions)
    let queryObservations = Matrix<Double>([[0.2, -0.1], [1, 1]])
    let queryFeatures = Matrix<Double>([[1, 0], [0, -1]])
    let reference = try scaled.posteriorVariance(observations: queryObservations, taskFeatures: queryFeatures)
    #expect(areClose(
      try unscaled.posteriorVariance(observations: queryObservations, taskFeatures: queryFeatures), reference,
      relative: 1e-9))
    var shiftedQueries = queryObservations
    for index in shiftedQueries.storage.indices { shiftedQueries.storage[index] += 3 }
    #expect(areClose(
      try shifted.posteriorVariance(observations: shiftedQueries, taskFeatures: queryFeatures), reference,
      relative: 1e-9))
  }

  /// Fine-tuning (conditioning) keeps the old rows first and never increases σ²_D.
  @Test func conditioningAppendsDataAndShrinksVariance() throws {
    let policy = try GPFixtures.policy(points: 4)
    let (observations, features, actions) = GPFixtures.data(3, seed: "gp-more")
    let tuned = try policy.conditioned(onObservations: observations, taskFeatures: features, actions: actions)
    #expect(tuned.inputs.rows == 7 && Array(tuned.inputs.storage.prefix(16)) == policy.inputs.storage)
    #expect(Array(tuned.targets.storage.suffix(6)) == actions.storage)
    let before = try policy.posteriorVariance(observations: observations, taskFeatures: features)
    let after = try tuned.posteriorVariance(observations: observations, taskFeatures: features)
    #expect(zip(before, after).allSatisfy { $1 <= $0 })
    #expect(after.allSatisfy { $0 < 0.02 })  // at its own training inputs: about ρ² = 0.01 or less
  }

  @Test func wrongShapesThrow() throws {
    let policy = try GPFixtures.policy()
    #expect(throws: ShapeError.mismatch(
      operation: "GP policy task features", expected: Shape(1, 2), found: Shape(2, 2))) {
      _ = try policy.distribution(observations: Matrix([[0, 0]]), taskFeatures: Matrix([[0, 0], [1, 1]]))
    }
    #expect(throws: ShapeError.mismatch(
      operation: "GP policy new actions", expected: Shape(1, 2), found: Shape(1, 3))) {
      _ = try policy.conditioned(
        onObservations: Matrix([[0, 0]]), taskFeatures: Matrix([[0, 0]]), actions: Matrix([[0, 0, 0]]))
    }
  }
}
