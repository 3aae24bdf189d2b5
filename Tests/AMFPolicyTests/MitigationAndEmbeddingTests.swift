import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// Isolation, loss-gradient embeddings and MC-dropout passes.
@Suite struct MitigationAndEmbeddingTests {
  static let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 2,
                                            hiddenWidths: [8])

  /// Tasks without data act exactly as π₀; tasks with data exactly as the fine-tuned network.
  @Test func isolationRoutesRowsByTask() throws {
    let prior = MLPPolicy<Float>(network: MLPNetwork(architecture: Self.architecture, seed: Seed(1)),
                                 normalizer: .identity(dimension: 2))
    var tuned = prior
    tuned.network = MLPNetwork(architecture: Self.architecture, seed: Seed(2))
    let policy = IsolatedMLPPolicy(prior: prior, fineTuned: tuned, tasksWithData: Matrix([[1]]))
    let observations: Matrix<Float> = MLPFixtures.random(4, 2, seed: 3)
    let features = Matrix<Float>([[1], [-1], [1], [0.5]])
    #expect(policy.hasData(taskFeatures: features) == [true, false, true, false])
    let acting = try policy.distribution(observations: observations, taskFeatures: features)
    let base = try prior.distribution(observations: observations, taskFeatures: features)
    let fine = try tuned.distribution(observations: observations, taskFeatures: features)
    for (row, source) in [fine, base, fine, base].enumerated() {
      #expect(acting.mean.row(row) == source.mean.row(row) && acting.logStd.row(row) == source.logStd.row(row))
    }
  }

  /// The three kinds on hand values: z = [0.5, −1], σ = [2, 1].
  @Test func embeddingsMatchTheirFormulas() {
    let z = Matrix<Double>([[0.5, -1]])
    let logStd = Matrix<Double>([[Foundation.log(2.0), 0]])
    let loss = MLPEmbeddings.embed(kind: .lossGradient, features: z, logStd: logStd)
    let nll = MLPEmbeddings.embed(kind: .nllGradient, features: z, logStd: logStd)
    let last = MLPEmbeddings.embed(kind: .lastLayer, features: z, logStd: logStd)
    #expect(areClose(loss.storage, [-1, 2, -2, -0.5, 1, -1], relative: 1e-15))
    #expect(areClose(nll.storage, [-0.25, 0.5, -0.5, -0.5, 1, -1], relative: 1e-15))
    #expect(last.storage == [0.5, -1, 1])
  }

  /// On a hand-made net (z = relu(s), μ = z, log σ = [log 2, 0]) the policy's embedding is −σ ⊗ [z; 1],
  /// and it equals ∂½‖â − μ‖²/∂(W_μ, b_μ) at â = μ + σ computed by the backward pass.
  @Test func lossGradientEmbeddingIsTheMeanHeadGradient() throws {
    let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 0, actionDimension: 2,
                                       hiddenWidths: [2], activation: .relu)
    let hidden = DenseLayer<Double>(weight: Matrix([[1, 0], [0, 1]]), bias: Matrix([[0, 0]]))
    let head = DenseLayer<Double>(weight: Matrix([[1, 0, 0, 0], [0, 1, 0, 0]]),
                                  bias: Matrix([[0, 0, Foundation.log(2.0), 0]]))
    let network = MLPNetwork(architecture: architecture, layers: [hidden, head])
    let policy = MLPPolicy(network: network, normalizer: .identity(dimension: 2))
    let s = Matrix<Double>([[0.5, -1]])
    var rng = Seed(0).generator("unused")
    let phi = try policy.embeddings(
      kind: .lossGradient, observations: s, taskFeatures: Matrix(rows: 1, columns: 0), using: &rng
    ).phi
    #expect(areClose(phi.storage, [-1, 0, -2, -0.5, 0, -1], relative: 1e-15))
    // Backward with ∂loss/∂μ = −(â − μ) = −σ and nothing on log σ.
    let workspace = MLPWorkspace<Double>(architecture: architecture, batchSize: 1)
    workspace.setInput(s)
    network.forward(in: workspace)
    workspace.deltas[2] = Matrix([[-2, -1, 0, 0]])
    network.backward(in: workspace)
    let gradient = workspace.gradients[1]
    let vectorized = (0..<2).flatMap { k in [gradient.weight[0, k], gradient.weight[1, k], gradient.bias[0, k]] }
    #expect(areClose(vectorized, phi.storage, relative: 1e-15))
  }

  /// p = 0 reproduces μ in every pass; one seed gives identical passes; p > 0 spreads them.
  @Test func dropoutPassesAreSeededAndCentredOnMean() throws {
    let policy = MLPPolicy<Float>(network: MLPNetwork(architecture: Self.architecture, seed: Seed(1)),
                                  normalizer: .identity(dimension: 2))
    let observations: Matrix<Float> = MLPFixtures.random(5, 2, seed: 3)
    let features: Matrix<Float> = MLPFixtures.random(5, 1, seed: 4)
    let mean = try policy.evaluate(observations: observations, taskFeatures: features).mean
    var rng = Seed(7).generator()
    let exact = try policy.dropoutMeans(observations: observations, taskFeatures: features, passes: 3,
                                        dropProbability: 0, using: &rng)
    #expect(exact.allSatisfy { areClose($0.storage, mean.storage, relative: 1e-6, absolute: 1e-7) })
    #expect(MLPEmbeddings.dropout(passes: exact).storage.allSatisfy { abs($0) < 1e-6 })
    func passes(_ seed: UInt64) throws -> [Matrix<Float>] {
      var rng = Seed(seed).generator()
      return try policy.dropoutMeans(observations: observations, taskFeatures: features, passes: 16,
                                     dropProbability: 0.1, using: &rng)
    }
    #expect(try passes(8) == passes(8))
    let phi = MLPEmbeddings.dropout(passes: try passes(8))
    #expect(phi.shape == Shape(5, 32) && phi.storage.contains { $0 != 0 })
  }
}

/// Fine-tuning restarts from π₀ and isolation keeps uncovered tasks on π₀.
@Suite struct FineTuningTests {
  /// Zero steps of fine-tuning return π₀'s weights; the isolation policy of data on task f = +1 acts
  /// as π₀ on f = −1 (bit for bit) and as the fine-tuned network on f = +1.
  @Test func isolationFineTuningRestartsFromPrior() throws {
    let all = try BehaviorCloningTests.linearGaussian(rows: 400, seed: 2)
    let prior = MLPPolicy(architecture: BehaviorCloningTests.architecture, fittingNormalizerTo: all.observations,
                          seed: Seed(1))
    #expect(try prior.trained(on: all, steps: 0, seed: Seed(3)) == prior)
    let rows = (0..<all.count).filter { all.taskFeatures[$0, 0] == 1 }
    func take(_ m: Matrix<Float>) -> Matrix<Float> { Matrix(rows.map { m.row($0) }) }
    let covered = try BehaviorCloningData(observations: take(all.observations), taskFeatures: take(all.taskFeatures),
                                          actions: take(all.actions))
    let policy = try IsolatedMLPPolicy.fineTuning(prior, on: covered, steps: 50, seed: Seed(4))
    #expect(policy.tasksWithData == Matrix([[1]]) && policy.prior == prior && policy.fineTuned != prior)
    let s: Matrix<Float> = MLPFixtures.random(2, 2, seed: 5)
    let f = Matrix<Float>([[-1], [1]])
    let acting = try policy.distribution(observations: s, taskFeatures: f)
    let base = try prior.distribution(observations: s, taskFeatures: f)
    let tuned = try policy.fineTuned.distribution(observations: s, taskFeatures: f)
    #expect(acting.mean.row(0) == base.mean.row(0) && acting.mean.row(1) == tuned.mean.row(1))
  }
}
