import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// A replaying generator for hand-traced dropout draws.
private struct Replay: RandomNumberGenerator {
  var outputs: [UInt64]
  var index = 0
  mutating func next() -> UInt64 {
    defer { index += 1 }
    return outputs[index]
  }
}

/// A 2–2–2 network (observation 2, no task features, one action) whose outputs are written out by hand.
@Suite struct ForwardPassHandTests {
  /// W₁ = [[1, 0], [0, 2]], b₁ = (0.1, 0): x = (0.5, −1) gives pre-activations (0.6, −2).
  /// W₂ = [[2, 0.5], [−1, 0]], b₂ = (0, −0.2): μ = 2z₁ − z₂ and raw log σ = 0.5z₁ − 0.2.
  static func network(_ activation: MLPActivation, logStdBias: Double = -0.2) -> MLPNetwork<Double> {
    let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 0, actionDimension: 1,
                                       hiddenWidths: [2], activation: activation)
    return MLPNetwork(architecture: architecture, layers: [
      DenseLayer(weight: Matrix([[1, 0], [0, 2]]), bias: Matrix([[0.1, 0]])),
      DenseLayer(weight: Matrix([[2, 0.5], [-1, 0]]), bias: Matrix([[0, logStdBias]])),
    ])
  }

  static let x = Matrix<Double>([[0.5, -1]])

  @Test func tanhForwardPass() {
    let (z1, z2) = (tanh(0.6), tanh(-2.0))
    let (output, features) = Self.network(.tanh).output(for: Self.x)
    #expect(areClose(features.storage, [z1, z2], relative: 1e-15))
    #expect(areClose(output.storage, [2 * z1 - z2, 0.5 * z1 - 0.2], relative: 1e-15))
  }

  /// relu: z = (0.6, 0), so μ = 1.2 and raw log σ = 0.3 − 0.2 = 0.1.
  @Test func reluForwardPass() {
    let (output, features) = Self.network(.relu).output(for: Self.x)
    #expect(features.storage == [0.6, 0])
    #expect(areClose(output.storage, [1.2, 0.1], relative: 1e-15))
    let empty = Self.network(.relu).output(for: Matrix(rows: 0, columns: 2))
    #expect(empty.output.shape == Shape(0, 2) && empty.features.shape == Shape(0, 2))
  }

  /// The Float path (rational tanh, sgemm) gives the same outputs to float precision.
  @Test func floatForwardPassAgrees() {
    let (z1, z2) = (tanh(0.6), tanh(-2.0))
    let output = Self.network(.tanh).converted(to: Float.self).output(for: Matrix([[0.5, -1]])).output
    #expect(areClose(output.storage.map(Double.init), [2 * z1 - z2, 0.5 * z1 - 0.2], relative: 1e-6))
  }

  /// The policy standardizes first: s = (2, −1) with mean (1, 0) and std (2, 1) is x above; log σ is clamped
  /// into [−5, 1] (raw 0.5z₁ + 3 → 1 and 0.5z₁ − 9 → −5), NaN stays NaN.
  @Test func policyEvaluationStandardizesAndClamps() throws {
    let normalizer = ObservationNormalizer<Double>(mean: [1, 0], std: [2, 1])
    let s = Matrix<Double>([[2, -1]])
    let none = Matrix<Double>(rows: 1, columns: 0)
    let plain = try MLPPolicy(network: Self.network(.tanh), normalizer: normalizer).evaluate(
      observations: s, taskFeatures: none)
    #expect(abs(plain.mean[0, 0] - (2 * tanh(0.6) - tanh(-2.0))) < 1e-15)
    #expect(abs(plain.logStd[0, 0] - (0.5 * tanh(0.6) - 0.2)) < 1e-15)
    let high = try MLPPolicy(network: Self.network(.tanh, logStdBias: 3), normalizer: normalizer)
      .evaluate(observations: s, taskFeatures: none)
    let low = try MLPPolicy(network: Self.network(.tanh, logStdBias: -9), normalizer: normalizer)
      .evaluate(observations: s, taskFeatures: none)
    #expect(high.logStd[0, 0] == 1 && low.logStd[0, 0] == -5)
    let architecture = Self.network(.tanh).architecture
    let (_, logStd) = MLPPolicy<Double>.split(Matrix([[0.5, .nan], [1, 2]]), architecture: architecture)
    #expect(logStd[0, 0].isNaN && logStd[1, 0] == 1)
  }

  /// Backward with ∂L/∂output δ = (0.3, −0.7), by hand: ∂W₂ = zᵀδ, ∂b₂ = δ, ∂z = δW₂ᵀ = (0.6 − 0.35, −0.3),
  /// ∂pre = ∂z ⊙ (1 − z²), ∂W₁ = xᵀ∂pre, ∂b₁ = ∂pre.
  @Test func backwardPassMatchesTheChainRule() {
    let network = Self.network(.tanh)
    let workspace = MLPWorkspace<Double>(architecture: network.architecture, batchSize: 1)
    workspace.setInput(Self.x)
    network.forward(in: workspace)
    workspace.deltas[2] = Matrix([[0.3, -0.7]])
    network.backward(in: workspace)
    let z = [tanh(0.6), tanh(-2.0)]
    let delta = [0.3, -0.7]
    let gradZ = [2 * 0.3 + 0.5 * -0.7, -1 * 0.3 + 0 * -0.7]
    let gradPre = [gradZ[0] * (1 - z[0] * z[0]), gradZ[1] * (1 - z[1] * z[1])]
    let expectedW2 = [z[0] * delta[0], z[0] * delta[1], z[1] * delta[0], z[1] * delta[1]]
    let expectedW1 = [0.5 * gradPre[0], 0.5 * gradPre[1], -1 * gradPre[0], -1 * gradPre[1]]
    #expect(areClose(workspace.gradients[1].weight.storage, expectedW2, relative: 1e-15))
    #expect(workspace.gradients[1].bias.storage == delta)
    #expect(areClose(workspace.gradients[0].weight.storage, expectedW1, relative: 1e-14))
    #expect(areClose(workspace.gradients[0].bias.storage, gradPre, relative: 1e-14))
    #expect(areClose(workspace.features.storage, z, relative: 1e-15))
  }

  /// Inverted dropout with p = ½ on z = (z₁, z₂): draws u = 0 (dropped) then u = ½ (kept, ×2), so the mean
  /// head sees (0, 2z₂): μ = −1·2z₂ = −2·tanh(−2). A second pass of draws (½, 0) keeps z₁ only: μ = 2·2z₁.
  @Test func dropoutPassesFollowTheirDraws() {
    var rng = Replay(outputs: [0, 1 << 63, 1 << 63, 0])
    let passes = Self.network(.tanh).dropoutMeans(input: Self.x, passes: 2, dropProbability: 0.5, using: &rng)
    #expect(abs(passes[0][0, 0] - -2 * tanh(-2.0)) < 1e-14)
    #expect(abs(passes[1][0, 0] - 4 * tanh(0.6)) < 1e-14)
    #expect(rng.index == 4)
    // φ = K^{−½}(μ_j − μ̄): two passes 1 and 3 around the mean 2 give (−1, 1)/√2.
    let phi = MLPEmbeddings.dropout(passes: [Matrix<Double>([[1]]), Matrix([[3]])])
    #expect(areClose(phi.storage, [-1 / 2.0.squareRoot(), 1 / 2.0.squareRoot()], relative: 1e-15))
    #expect(MLPEmbeddings.dropout(passes: [Matrix<Double>]()).shape == Shape(0, 0))
  }
}
