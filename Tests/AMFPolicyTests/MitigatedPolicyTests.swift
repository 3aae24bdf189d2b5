import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// The mitigated policies' outputs assembled from their two networks: mixing at α = ½, features from the
/// fine-tuned network, and MC-dropout passes drawn π₀ first.
@Suite struct MitigatedPolicyTests {
  static let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 2,
                                            hiddenWidths: [6])

  static func pair() -> (prior: MLPPolicy<Double>, tuned: MLPPolicy<Double>) {
    let normalizer = ObservationNormalizer<Double>(mean: [0.5, -0.5], std: [2, 1])
    return (MLPPolicy(network: MLPFixtures.network(architecture, seed: 1), normalizer: normalizer),
            MLPPolicy(network: MLPFixtures.network(architecture, seed: 2), normalizer: normalizer))
  }

  static let observations: Matrix<Double> = MLPFixtures.random(4, 2, scale: 2, seed: 3)
  static let features = Matrix<Double>([[1], [-1], [0.5], [1]])

  /// w = 0, b = 0 gives α = ½ for every task: μ and log σ are the averages of the two networks' (log σ clamped
  /// first), and z is the fine-tuned network's.
  @Test func adaptivePriorAtHalfMixesTheAverage() throws {
    let (prior, tuned) = Self.pair()
    let policy = AdaptivePriorPolicy(
      prior: prior, fineTuned: tuned, mixing: DenseLayer(weight: Matrix([[0]]), bias: Matrix([[0]])), priorContentHash: "h")
    #expect(policy.alpha(taskFeatures: Self.features) == [0.5, 0.5, 0.5, 0.5])
    let mixed = try policy.evaluate(observations: Self.observations, taskFeatures: Self.features)
    let a = try prior.evaluate(observations: Self.observations, taskFeatures: Self.features)
    let b = try tuned.evaluate(observations: Self.observations, taskFeatures: Self.features)
    #expect(areClose(mixed.mean.storage, zip(a.mean.storage, b.mean.storage).map { ($0 + $1) / 2 }, relative: 1e-14))
    #expect(areClose(mixed.logStd.storage, zip(a.logStd.storage, b.logStd.storage).map { ($0 + $1) / 2 }, relative: 1e-14))
    #expect(mixed.features == b.features && policy.architecture == Self.architecture)
  }

  /// Isolation: rows of tasks with data (f = 1) act with the fine-tuned network, the others with π₀; z is
  /// always the fine-tuned network's.
  @Test func isolationFeaturesComeFromTheFineTunedNetwork() throws {
    let (prior, tuned) = Self.pair()
    let policy = IsolatedMLPPolicy(prior: prior, fineTuned: tuned, tasksWithData: Matrix([[1]]))
    let acting = try policy.evaluate(observations: Self.observations, taskFeatures: Self.features)
    let a = try prior.evaluate(observations: Self.observations, taskFeatures: Self.features)
    let b = try tuned.evaluate(observations: Self.observations, taskFeatures: Self.features)
    #expect(acting.features == b.features)
    for (row, source) in [b, a, a, b].enumerated() {
      #expect(acting.mean.row(row) == source.mean.row(row) && acting.logStd.row(row) == source.logStd.row(row))
    }
  }

  /// MC dropout of the mitigated policies draws π₀'s K passes first, then the fine-tuned network's, from one
  /// generator; the adaptive prior mixes pass k of each, isolation picks rows.
  @Test func dropoutPassesDrawThePriorFirst() throws {
    let (prior, tuned) = Self.pair()
    let mixing = DenseLayer<Double>(weight: Matrix([[0.7]]), bias: Matrix([[-0.2]]))
    let adaptive = AdaptivePriorPolicy(prior: prior, fineTuned: tuned, mixing: mixing, priorContentHash: "h")
    var rng = Seed(9).generator("dropout")
    let passes = try adaptive.dropoutMeans(observations: Self.observations, taskFeatures: Self.features, passes: 3,
                                           dropProbability: 0.2, using: &rng)
    var replay = Seed(9).generator("dropout")
    let base = try prior.dropoutMeans(observations: Self.observations, taskFeatures: Self.features, passes: 3,
                                      dropProbability: 0.2, using: &replay)
    let fine = try tuned.dropoutMeans(observations: Self.observations, taskFeatures: Self.features, passes: 3,
                                      dropProbability: 0.2, using: &replay)
    let alpha = adaptive.alpha(taskFeatures: Self.features)
    #expect(passes == zip(fine, base).map { AdaptiveMixing.mix(fineTuned: $0, prior: $1, alpha: alpha) })
    #expect(rng == replay)
    let isolated = IsolatedMLPPolicy(prior: prior, fineTuned: tuned, tasksWithData: Matrix([[0.5]]))
    var isolatedRng = Seed(9).generator("dropout")
    let rows = try isolated.dropoutMeans(observations: Self.observations, taskFeatures: Self.features, passes: 3,
                                         dropProbability: 0.2, using: &isolatedRng)
    for k in 0..<3 {
      #expect(rows[k].row(2) == fine[k].row(2) && rows[k].row(0) == base[k].row(0) && rows[k].row(3) == base[k].row(3))
    }
  }
}
