import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// The adaptive prior: gradients against finite differences, α = 0 reproduces π₀, training runs.
@Suite struct AdaptivePriorTests {
  static let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 2,
                                            hiddenWidths: [4])

  /// Loss and analytic gradient (fine-tuned parameters, then w, then b) of the mixed objective.
  static func lossAndGradient(_ layers: [DenseLayer<Double>], _ mixing: DenseLayer<Double>,
                              inputs: Matrix<Double>, prior: Matrix<Double>, actions: Matrix<Double>,
                              all: Matrix<Double>) -> (Double, [Double]) {
    let network = MLPNetwork(architecture: architecture, layers: layers)
    let workspace = MLPWorkspace<Double>(architecture: architecture, batchSize: inputs.rows)
    workspace.setInput(inputs)
    network.forward(in: workspace)
    var features = Matrix<Double>(rows: inputs.rows, columns: 1)  // (n × 1): f(c) is the last input column
    for row in 0..<inputs.rows { features[row, 0] = inputs[row, 2] }
    var mixingGradient = DenseLayer<Double>(fanIn: 1, fanOut: 1)
    let loss = AdaptiveMixing.loss(
      output: workspace.output, prior: prior, actions: actions, taskFeatures: features, allTaskFeatures: all,
      mixing: mixing, regularization: 0.5, logStdBounds: (-5, 1),
      outputGradient: &workspace.deltas[workspace.deltas.count - 1], mixingGradient: &mixingGradient)
    network.backward(in: workspace)
    return (loss, MLPFixtures.flatten(workspace.gradients) + MLPFixtures.flatten([mixingGradient]))
  }

  /// ∂loss/∂(fine-tuned weights, w, b), including λ_α mean_c α(c)², matches central differences to 1e-6.
  @Test func mixedLossGradientMatchesFiniteDifferences() {
    let layers = MLPFixtures.network(Self.architecture, seed: 21).layers
    let mixing = DenseLayer<Double>(weight: Matrix([[0.7]]), bias: Matrix([[-0.3]]))
    let inputs: Matrix<Double> = MLPFixtures.random(6, 3, seed: 22)
    let prior: Matrix<Double> = MLPFixtures.random(6, 4, scale: 0.8, seed: 23)
    let actions: Matrix<Double> = MLPFixtures.random(6, 2, seed: 24)
    let all = Matrix<Double>([[-1], [0.25], [1]])
    let (_, analytic) = Self.lossAndGradient(layers, mixing, inputs: inputs, prior: prior, actions: actions, all: all)
    let parameters = layers + [mixing]
    let numeric = MLPFixtures.finiteDifferences(of: parameters) { shifted in
      Self.lossAndGradient(Array(shifted.dropLast()), shifted[shifted.count - 1], inputs: inputs, prior: prior,
                           actions: actions, all: all).0
    }
    #expect(MLPFixtures.relativeError(analytic, numeric) < 1e-6)
  }

  /// At the start α(c) = sigmoid(−2) for every task (w = 0, b = −2).
  @Test func startsAtSigmoidMinusTwo() {
    let prior = MLPPolicy<Float>(network: MLPNetwork(architecture: Self.architecture, seed: Seed(1)),
                                 normalizer: .identity(dimension: 2))
    let policy = AdaptivePriorPolicy(prior: prior, priorContentHash: "abc")
    let alpha = policy.alpha(taskFeatures: Matrix([[-1], [3]]))
    #expect(alpha.allSatisfy { abs(Double($0) - 1 / (1 + Foundation.exp(2.0))) < 1e-7 })
  }

  /// With b = −∞ (α = 0) the mixed policy is π₀ bit for bit, however far the fine-tuned net moved.
  @Test func alphaZeroReproducesPriorExactly() throws {
    let prior = MLPPolicy<Float>(network: MLPNetwork(architecture: Self.architecture, seed: Seed(1)),
                                 normalizer: ObservationNormalizer(mean: [0.5, -1], std: [2, 0.5]))
    var policy = AdaptivePriorPolicy(prior: prior, priorContentHash: "abc")
    policy.fineTuned.network = MLPNetwork(architecture: Self.architecture, seed: Seed(99))
    policy.mixing.weight.storage[0] = 3
    policy.mixing.bias.storage[0] = -.infinity
    let observations: Matrix<Float> = MLPFixtures.random(16, 2, scale: 2, seed: 5)
    let features: Matrix<Float> = MLPFixtures.random(16, 1, seed: 6)
    let mixed = try policy.distribution(observations: observations, taskFeatures: features)
    let base = try prior.distribution(observations: observations, taskFeatures: features)
    #expect(mixed.mean.storage.map(\.bitPattern) == base.mean.storage.map(\.bitPattern))
    #expect(mixed.logStd.storage.map(\.bitPattern) == base.logStd.storage.map(\.bitPattern))
  }

  /// Fine-tuning lowers the loss, keeps π₀ frozen, and raises α on the task with data above its start.
  @Test func fineTuningLowersLossAndRaisesAlphaWhereDataIs() throws {
    let data = try BehaviorCloningTests.linearGaussian(rows: 2000, seed: 11)
    let prior = MLPPolicy(architecture: Self.architecture, fittingNormalizerTo: data.observations, seed: Seed(2))
    let start = AdaptivePriorPolicy(prior: prior, priorContentHash: "abc")
    var trainer = try AdaptivePriorTrainer(initial: start, data: data, allTaskFeatures: Matrix([[-1], [1]]),
                                           seed: Seed(3))
    try trainer.train(steps: 600)
    let losses = trainer.losses
    let early: Double = losses.prefix(10).reduce(0, +) / 10
    let late: Double = losses.suffix(50).reduce(0, +) / 50
    #expect(late < early - 0.5)
    let tuned = trainer.policy
    #expect(tuned.prior == prior)
    #expect(tuned.alpha(taskFeatures: Matrix([[1]]))[0] > start.alpha(taskFeatures: Matrix([[1]]))[0])
  }
}
