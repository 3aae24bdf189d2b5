import AMFNumerics
import Foundation
import Testing

@testable import AMFPolicy

/// Adam (Kingma and Ba 2015, Algorithm 1, ε outside the square root) on hand-traced steps.
@Suite struct AdamOptimizerTests {
  static func scalarLayer(_ weight: Double, _ bias: Double) -> [DenseLayer<Double>] {
    [DenseLayer(weight: Matrix([[weight]]), bias: Matrix([[bias]]))]
  }

  /// The first step moves every parameter by −lr·g/(|g| + ε): m̂₁ = g and v̂₁ = g² after bias correction.
  @Test func firstStepIsSignedLearningRate() {
    var parameters = Self.scalarLayer(1, -2)
    var adam = AdamOptimizer(for: parameters, learningRate: 0.1)
    adam.update(&parameters, gradients: Self.scalarLayer(0.5, -4))
    #expect(abs(parameters[0].weight[0, 0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-15)
    #expect(abs(parameters[0].bias[0, 0] - (-2 + 0.1 * 4 / (4 + 1e-8))) < 1e-15)
    #expect(adam.stepCount == 1)
  }

  /// β₁ = ½, β₂ = ¾, ε = 0, lr = 1, θ₀ = 0 and gradients 2, −1, 4:
  /// t = 1: m = 1, v = 1, m̂ = 2, v̂ = 4 → θ = −1.
  /// t = 2: m = ½·1 + ½·(−1) = 0 → θ stays −1 (v = ¾ + ¼ = 1).
  /// t = 3: m = 2, v = ¾·1 + ¼·16 = 19/4; m̂ = 2/(1 − ⅛) = 16/7, v̂ = (19/4)/(1 − 27/64) = 304/37 → θ = −1 − (16/7)/√(304/37).
  @Test func threeStepsMatchTheHandTrace() {
    var parameters = Self.scalarLayer(0, 0)
    var adam = AdamOptimizer(for: parameters, learningRate: 1, beta1: 0.5, beta2: 0.75, epsilon: 0)
    adam.update(&parameters, gradients: Self.scalarLayer(2, 0))
    #expect(parameters[0].weight[0, 0] == -1)
    adam.update(&parameters, gradients: Self.scalarLayer(-1, 0))
    #expect(parameters[0].weight[0, 0] == -1)
    adam.update(&parameters, gradients: Self.scalarLayer(4, 0))
    let expected = -1 - (16.0 / 7) / (304.0 / 37).squareRoot()
    #expect(abs(parameters[0].weight[0, 0] - expected) < 1e-14)
    #expect(adam.stepCount == 3)
  }

  /// A zero gradient with ε > 0 leaves parameters exactly in place; the moments keep decaying.
  @Test func zeroGradientDoesNotMove() {
    var parameters = [DenseLayer<Double>(weight: Matrix([[1, 2], [3, 4]]), bias: Matrix([[5, 6]]))]
    let start = parameters
    var adam = AdamOptimizer(for: parameters)
    for _ in 0..<3 { adam.update(&parameters, gradients: [DenseLayer(fanIn: 2, fanOut: 2)]) }
    #expect(parameters == start)
  }

  /// Every element, of every layer, moves independently: two layers of different shapes, per-element signs.
  @Test func everyElementOfEveryLayerMovesBySign() {
    var parameters = [DenseLayer<Double>(fanIn: 2, fanOut: 3), DenseLayer<Double>(fanIn: 3, fanOut: 1)]
    let gradients = [
      DenseLayer<Double>(weight: Matrix([[1, -2, 3], [-4, 5, -6]]), bias: Matrix([[0.1, -0.2, 0.3]])),
      DenseLayer<Double>(weight: Matrix([[-7], [8], [-9]]), bias: Matrix([[10]])),
    ]
    var adam = AdamOptimizer(for: parameters, learningRate: 0.01, epsilon: 0)
    adam.update(&parameters, gradients: gradients)
    for (layer, gradient) in zip(parameters, gradients) {
      for (value, g) in zip(layer.weight.storage + layer.bias.storage, gradient.weight.storage + gradient.bias.storage) {
        #expect(abs(value - (g > 0 ? -0.01 : 0.01)) < 1e-15)
      }
    }
  }

  /// The Float kernel follows the Double one to float precision over 20 steps of varying gradients.
  @Test func floatKernelMatchesDouble() {
    var double = [DenseLayer<Double>(fanIn: 1, fanOut: 3)]
    var float = [DenseLayer<Float>(fanIn: 1, fanOut: 3)]
    var adamDouble = AdamOptimizer(for: double, learningRate: 0.05)
    var adamFloat = AdamOptimizer(for: float, learningRate: 0.05)
    for step in 0..<20 {
      let g = [sin(Double(step)), cos(Double(step)) * 3, Double(step % 3) - 1]
      adamDouble.update(&double, gradients: [DenseLayer(weight: Matrix([g]), bias: Matrix([[0, 0, 0]]))])
      adamFloat.update(&float, gradients: [DenseLayer(weight: Matrix([g.map(Float.init)]), bias: Matrix([[0, 0, 0]]))])
    }
    for (a, b) in zip(double[0].weight.storage, float[0].weight.storage) { #expect(abs(a - Double(b)) < 1e-5) }
  }
}
