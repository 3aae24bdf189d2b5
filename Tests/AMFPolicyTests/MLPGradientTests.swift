import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// Backprop against central finite differences on the Double path (HOUSE-STYLE §3.11).
@Suite struct MLPGradientTests {
  /// Loss and analytic gradient of the NLL for `network` on a fixed batch.
  static func lossAndGradient(_ network: MLPNetwork<Double>, inputs: Matrix<Double>, actions: Matrix<Double>)
    -> (Double, [Double])
  {
    let workspace = MLPWorkspace<Double>(architecture: network.architecture, batchSize: inputs.rows)
    workspace.activations[0] = inputs
    network.forward(in: workspace)
    let a = network.architecture
    let loss = GaussianNLL.loss(output: workspace.output, actions: actions, logStdMin: a.logStdMin,
                                logStdMax: a.logStdMax, gradient: &workspace.deltas[workspace.deltas.count - 1])
    network.backward(in: workspace)
    return (loss, MLPFixtures.flatten(workspace.gradients))
  }

  static let configurations: [(MLPActivation, [Int], Int)] = [
    (.tanh, [4], 1), (.relu, [4], 1), (.tanh, [5, 3], 2), (.relu, [5, 3], 2),
  ]

  /// Every dense layer, both activations, both heads and the NLL: the whole-loss gradient of a 3–4–2 net
  /// (and a deeper 3–5–3–4 one) matches central differences to 1e-6 relative.
  @Test(arguments: 0..<4) func wholeLossGradientMatchesFiniteDifferences(configuration: Int) {
    let (activation, widths, actionDimension) = Self.configurations[configuration]
    let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1,
                                       actionDimension: actionDimension, hiddenWidths: widths, activation: activation)
    let network = MLPFixtures.network(architecture, seed: 7 + UInt64(configuration))
    let inputs: Matrix<Double> = MLPFixtures.random(6, 3, seed: 11)
    let actions: Matrix<Double> = MLPFixtures.random(6, actionDimension, seed: 12)
    let (_, analytic) = Self.lossAndGradient(network, inputs: inputs, actions: actions)
    let numeric = MLPFixtures.finiteDifferences(of: network.layers) { layers in
      Self.lossAndGradient(MLPNetwork(architecture: architecture, layers: layers), inputs: inputs, actions: actions).0
    }
    #expect(MLPFixtures.relativeError(analytic, numeric) < 1e-6)
    #expect(areClose(analytic, numeric, relative: 1e-5, absolute: 1e-8))
  }

  /// ∂L/∂output of the NLL alone, including log σ inside the clamp.
  @Test func nllGradientMatchesFiniteDifferences() {
    let actions: Matrix<Double> = MLPFixtures.random(4, 2, seed: 3)
    var output: Matrix<Double> = MLPFixtures.random(4, 4, scale: 0.9, seed: 4)
    var gradient = Matrix<Double>(rows: 4, columns: 4)
    _ = GaussianNLL.loss(output: output, actions: actions, logStdMin: -5, logStdMax: 1, gradient: &gradient)
    let numeric = MLPFixtures.finiteDifferences(output.storage) { values in
      output.storage = values
      var scratch = Matrix<Double>(rows: 4, columns: 4)
      return GaussianNLL.loss(output: output, actions: actions, logStdMin: -5, logStdMax: 1, gradient: &scratch)
    }
    #expect(MLPFixtures.relativeError(gradient.storage, numeric) < 1e-6)
  }

  /// Outside [−5, 1] the clamp is flat: the log-std gradient is exactly 0 and so is the FD estimate.
  @Test func clampedLogStdHasZeroGradient() {
    let actions = Matrix<Double>([[0.5], [-0.5]])
    let output = Matrix<Double>([[0.1, 3.0], [0.2, -7.0]])  // raw log σ above and below the clamp
    var gradient = Matrix<Double>(rows: 2, columns: 2)
    let loss = GaussianNLL.loss(output: output, actions: actions, logStdMin: -5, logStdMax: 1, gradient: &gradient)
    #expect(gradient[0, 1] == 0 && gradient[1, 1] == 0)
    // loss = mean over rows of r²/(2σ²) + log σ with log σ clamped to 1 and −5.
    let expected = ((0.4 * 0.4) / 2 * Foundation.exp(-2.0) + 1 + (0.7 * 0.7) / 2 * Foundation.exp(10.0) - 5) / 2
    #expect(abs(loss - expected) <= 1e-12 * abs(expected))
    #expect(abs(gradient[0, 0] - (-0.4 * Foundation.exp(-2.0) / 2)) < 1e-15)
  }

  /// The Float tanh approximation stays within 4e-7 of libm's and keeps NaN.
  @Test func floatTanhIsAccurate() {
    var values = (0..<4001).map { Float($0 - 2000) / 200 }  // [−10, 10]
    let exact = values.map { Foundation.tanh(Double($0)) }
    values.withUnsafeMutableBufferPointer { Float.tanhInPlace($0) }
    #expect(zip(values, exact).allSatisfy { abs(Double($0) - $1) < 4e-7 })
    var nan: [Float] = [.nan, 1, .infinity, -.infinity]
    nan.withUnsafeMutableBufferPointer { Float.tanhInPlace($0) }
    #expect(nan[0].isNaN && nan[2] == 1 && nan[3] == -1)
  }
}

/// The Float path (fast tanh, sgemm) agrees with the Double path (libm tanh, dgemm).
@Suite struct MLPPrecisionTests {
  @Test(arguments: MLPActivation.allCases) func floatForwardMatchesDouble(activation: MLPActivation) {
    let architecture = MLPArchitecture(observationDimension: 8, taskFeatureDimension: 2, actionDimension: 2,
                                       hiddenWidths: [64, 64], activation: activation)
    let network = MLPNetwork<Double>(architecture: architecture, seed: Seed(3))
    let input: Matrix<Double> = MLPFixtures.random(300, 10, scale: 2, seed: 4)
    let exact = network.output(for: input).output
    let fast = network.converted(to: Float.self).output(for: Matrix(rows: 300, columns: 10, converting: input.storage))
    #expect(areClose(fast.output.storage.map(Double.init), exact.storage, relative: 0, absolute: 2e-5))
  }
}
