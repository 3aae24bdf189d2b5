import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// Behaviour cloning on a known linear-Gaussian problem, determinism and divergence reporting.
@Suite struct BehaviorCloningTests {
  /// `a = W [s; f] + ε`, `ε ~ N(0, 0.1² I)`, s ~ N(0, I₂), f ∈ {−1, +1}.
  static let trueWeights: [[Double]] = [[0.8, -0.5, 0.3], [0.2, 0.6, -0.4]]
  static let noiseStd = 0.1

  static func linearGaussian(rows: Int, seed: UInt64) throws -> BehaviorCloningData<Float> {
    var rng = Seed(seed).generator("linear-gaussian")
    var observations = Matrix<Float>(rows: rows, columns: 2)  // (rows × 2)
    var features = Matrix<Float>(rows: rows, columns: 1)  // (rows × 1)
    var actions = Matrix<Float>(rows: rows, columns: 2)  // (rows × 2)
    for row in 0..<rows {
      let x = [rng.normal(), rng.normal(), rng.uniformInt(below: 2) == 0 ? -1.0 : 1.0]
      observations[row, 0] = Float(x[0])
      observations[row, 1] = Float(x[1])
      features[row, 0] = Float(x[2])
      for k in 0..<2 {
        let mean = zip(trueWeights[k], x).reduce(0) { $0 + $1.0 * $1.1 }
        actions[row, k] = Float(mean + noiseStd * rng.normal())
      }
    }
    return try BehaviorCloningData(observations: observations, taskFeatures: features, actions: actions)
  }

  static let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 2,
                                            hiddenWidths: [32, 32])

  /// BC recovers the linear map and the noise level: μ within 0.05 RMS of W x on held-out points
  /// (|W x| is O(1)), σ within 15% of 0.1, and the loss falls by more than 2 nats.
  @Test func recoversLinearGaussianMapAndNoise() throws {
    let data = try Self.linearGaussian(rows: 4000, seed: 1)
    let initial = MLPPolicy(architecture: Self.architecture, fittingNormalizerTo: data.observations, seed: Seed(2))
    var trainer = try BehaviorCloningTrainer(initial: initial, data: data, seed: Seed(3))
    try trainer.train(steps: 4000)
    let losses = trainer.losses
    let early = losses.prefix(20).reduce(0, +) / 20
    let late = losses.suffix(200).reduce(0, +) / 200
    #expect(early - late > 2)
    let test = try Self.linearGaussian(rows: 500, seed: 9)
    let result = try trainer.policy.evaluate(observations: test.observations, taskFeatures: test.taskFeatures)
    var squaredError = 0.0
    var sigmaSum = 0.0
    for row in 0..<test.count {
      let x = [Double(test.observations[row, 0]), Double(test.observations[row, 1]),
               Double(test.taskFeatures[row, 0])]
      for k in 0..<2 {
        let truth = zip(Self.trueWeights[k], x).reduce(0) { $0 + $1.0 * $1.1 }
        squaredError += Foundation.pow(Double(result.mean[row, k]) - truth, 2)
        sigmaSum += Foundation.exp(Double(result.logStd[row, k]))
      }
    }
    let rms = (squaredError / Double(2 * test.count)).squareRoot()
    let sigma = sigmaSum / Double(2 * test.count)
    #expect(rms < 0.05, "μ RMS error \(rms)")
    #expect(abs(sigma / Self.noiseStd - 1) < 0.15, "mean σ \(sigma)")
  }

  /// One seed gives bit-identical weights; another seed gives different ones.
  @Test func sameSeedGivesIdenticalWeights() throws {
    let data = try Self.linearGaussian(rows: 1000, seed: 4)
    func train(_ seed: UInt64) throws -> [UInt32] {
      let initial = MLPPolicy(architecture: Self.architecture, fittingNormalizerTo: data.observations,
                              seed: Seed(seed))
      let policy = try initial.trained(on: data, steps: 200, seed: Seed(seed))
      return policy.network.layers.flatMap { ($0.weight.storage + $0.bias.storage).map(\.bitPattern) }
    }
    #expect(try train(5) == train(5))
    #expect(try train(5) != train(6))
  }

  /// A NaN observation in row r: the error names the first step whose batch draws r, and the row.
  @Test func nanInputThrowsDivergenceNamingStep() throws {
    let clean = try Self.linearGaussian(rows: 20_000, seed: 7)
    let initial = MLPPolicy(architecture: Self.architecture, fittingNormalizerTo: clean.observations, seed: Seed(1))
    var data = clean
    let badRow = 12_345
    data.observations[badRow, 1] = .nan
    // Replay the sampler: the batches of trainer seed s come from s.derived("batches").
    var sampler = Seed(8).derived("batches").generator()
    var expectedStep = 0
    while !(0..<256).map({ _ in sampler.uniformInt(below: data.count) }).contains(badRow) { expectedStep += 1 }
    #expect(expectedStep > 0)
    var trainer = try BehaviorCloningTrainer(initial: initial, data: data, seed: Seed(8))
    do {
      try trainer.train(steps: 10_000)
      Issue.record("training on NaN data did not throw")
    } catch {
      guard case .diverged(let step, let loss, let cause) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(step == expectedStep && loss.isNaN && cause == .nonFiniteData(row: badRow))
      #expect(error.description.contains("step \(expectedStep)") && error.description.contains("row \(badRow)"))
    }
    #expect(trainer.stepCount == expectedStep && trainer.network.isFinite)
  }

  /// An absurd learning rate blows the weights up: the error blames the learning rate, not the data.
  @Test func hugeLearningRateIsReportedAsDivergence() throws {
    let data = try Self.linearGaussian(rows: 1000, seed: 4)
    let initial = MLPPolicy(architecture: Self.architecture, fittingNormalizerTo: data.observations, seed: Seed(1))
    let settings = BehaviorCloningSettings(learningRate: 1e30)
    #expect {
      _ = try initial.trained(on: data, steps: 1000, settings: settings, seed: Seed(2))
    } throws: { error in
      guard case PolicyError.diverged(_, _, let cause) = error else { return false }
      return cause == .nonFiniteParameters(learningRate: 1e30) || cause == .lossOverflow(learningRate: 1e30)
    }
  }

  @Test func mismatchedDataIsRejected() throws {
    let data = try Self.linearGaussian(rows: 10, seed: 4)
    let wide = MLPArchitecture(observationDimension: 3, taskFeatureDimension: 1, actionDimension: 2)
    let initial = MLPPolicy<Float>(network: MLPNetwork(architecture: wide, seed: Seed(1)),
                                   normalizer: .identity(dimension: 3))
    #expect(throws: PolicyError.shapeMismatch(what: "observations", expected: "10×3", found: "10×2")) {
      _ = try BehaviorCloningTrainer(initial: initial, data: data, seed: Seed(2))
    }
  }
}
