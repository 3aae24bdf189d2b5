import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// The Gaussian NLL, Gaussian batches, the adaptive prior's mixing and the error texts, by hand.
@Suite struct LossAndMixingTests {
  /// Rows (μ = 0, s = 0 | a = 1) and (μ = 1, s = log 2 | a = 1): terms ½ and log 2, loss (½ + log 2)/2.
  /// Gradients (B = 2): row 0 ∂μ = −1/2, ∂s = (1 − 1)/2 = 0; row 1 ∂μ = 0, ∂s = (1 − 0)/2 = ½.
  @Test func nllOfTwoHandRows() {
    let output = Matrix<Double>([[0, 0], [1, log(2.0)]])
    var gradient = Matrix<Double>(rows: 2, columns: 2)
    let loss = GaussianNLL.loss(output: output, actions: Matrix([[1], [1]]), logStdMin: -5, logStdMax: 1,
                                gradient: &gradient)
    #expect(abs(loss - (0.5 + log(2.0)) / 2) < 1e-15)
    #expect(areClose(gradient.storage, [-0.5, 0, 0, 0.5], relative: 1e-15, absolute: 1e-16))
  }

  /// On the bound itself (s = 1) the gradient passes; a NaN output makes the loss NaN.
  @Test func clampBoundsPassGradientAndNaNPropagates() {
    var gradient = Matrix<Double>(rows: 1, columns: 2)
    _ = GaussianNLL.loss(output: Matrix([[0, 1]]), actions: Matrix([[0]]), logStdMin: -5, logStdMax: 1,
                         gradient: &gradient)
    #expect(gradient[0, 1] == 1)  // (1 − 0)/1
    let loss = GaussianNLL.loss(output: Matrix([[Double.nan, 0]]), actions: Matrix([[0]]), logStdMin: -5,
                                logStdMax: 1, gradient: &gradient)
    #expect(loss.isNaN)
  }

  /// Two rows, two dimensions: log N = Σ_k −½z² − log σ − ½ log 2π and entropy Σ_k ½ log(2πe) + log σ.
  @Test func gaussianBatchOfTwoRows() throws {
    let batch = GaussianBatch(mean: Matrix<Float>([[0, 1], [2, -1]]), logStd: Matrix<Float>([[0, Float(log(2.0))], [-1, 0]]))
    let density = try batch.logDensity(of: Matrix<Float>([[1, 1], [2, 1]]))
    let c = 0.5 * log(2 * Double.pi)
    let expected0 = (-0.5 - c) + (-log(2.0) - c)
    let expected1 = (-Double(Float(-1.0)) - c) + (-0.5 * 4 - c)
    #expect(areClose(density, [expected0, expected1], relative: 1e-6))
    let entropy = batch.entropy
    let h = 0.5 * log(2 * Double.pi * M_E)
    #expect(areClose(entropy, [2 * h + log(2.0), 2 * h - 1], relative: 1e-6))
  }

  /// α = sigmoid(wᵀf + b): w = 2, b = −1, f = ½ → β = 0 → α = ½; f = 1 → sigmoid(1). Mixing with α = ¼:
  /// ¼·(4, 1) + ¾·(0, −1) = (1, −½).
  @Test func alphaAndMixByHand() {
    let mixing = DenseLayer<Double>(weight: Matrix([[2]]), bias: Matrix([[-1]]))
    let alpha = AdaptiveMixing.alpha(taskFeatures: Matrix([[0.5], [1]]), mixing: mixing)
    #expect(alpha[0] == 0.5 && abs(alpha[1] - 1 / (1 + exp(-1.0))) < 1e-15)
    let mixed = AdaptiveMixing.mix(fineTuned: Matrix([[4, 1]]), prior: Matrix([[0, -1]]), alpha: [0.25])
    #expect(mixed.storage == [1, -0.5])
  }

  /// With α ≡ 1 (b = 40) the mixed loss is the fine-tuned network's NLL plus λ_α·mean_c α² = λ_α, and its
  /// output gradient is the NLL's.
  @Test func fullMixingReducesToThePlainNLL() {
    let output = Matrix<Double>([[0.3, -0.2], [1.5, 0.4], [-0.7, 0.1]])
    let actions = Matrix<Double>([[0], [1], [-1]])
    var plainGradient = Matrix<Double>(rows: 3, columns: 2)
    let plain = GaussianNLL.loss(output: output, actions: actions, logStdMin: -5, logStdMax: 1, gradient: &plainGradient)
    var mixedGradient = Matrix<Double>(rows: 3, columns: 2)
    var mixingGradient = DenseLayer<Double>(fanIn: 1, fanOut: 1)
    let mixed = AdaptiveMixing.loss(
      output: output, prior: Matrix(rows: 3, columns: 2, repeating: 9), actions: actions,
      taskFeatures: Matrix([[1], [0], [1]]), allTaskFeatures: Matrix([[0], [1]]),
      mixing: DenseLayer(weight: Matrix([[0]]), bias: Matrix([[40]])), regularization: 0.3, logStdBounds: (-5, 1),
      outputGradient: &mixedGradient, mixingGradient: &mixingGradient)
    #expect(abs(mixed - (plain + 0.3)) < 1e-12)
    #expect(areClose(mixedGradient.storage, plainGradient.storage, relative: 1e-12, absolute: 1e-15))
    #expect(abs(mixingGradient.bias[0, 0]) < 1e-12)  // α(1 − α) ≈ 4e-18
  }

  @Test func errorTextsNameTheCauseAndTheFix() {
    #expect(PolicyError.diverged(step: 5, loss: .nan, cause: .nonFiniteData(row: 3)).description
      == "behaviour cloning diverged at step 5 (loss nan): training row 3 contains NaN or infinity; fix or drop it "
      + "in the demonstrations (bad inputs)")
    #expect(PolicyError.diverged(step: 0, loss: .infinity, cause: .lossOverflow(learningRate: 0.5)).description
      == "behaviour cloning diverged at step 0 (loss inf): the loss overflowed with finite weights; actions may be "
      + "unscaled or the learning rate 0.5 too high: check the action scale or lower the learning rate")
    #expect(DivergenceCause.nonFiniteParameters(learningRate: 2).description
      == "the network weights became non-finite; the learning rate 2.0 is likely too high: lower it")
    #expect(PolicyError.emptyTrainingData.description
      == "no training rows: behaviour cloning needs at least one demonstration step")
    #expect(PolicyError.shapeMismatch(what: "actions", expected: "3×2", found: "2×2").description
      == "actions has shape 2×2, expected 3×2; check the data fit the policy's architecture")
    #expect(PolicyError.invalidParameter(name: "steps", reason: "must be ≥ 0").description
      == "parameter steps: must be ≥ 0")
  }
}
