import AMFNumerics
import Foundation
import Testing

@testable import AMFSelection

/// Self-normalized importance weights and their diagnostics (AMF.md §2.2).
@Suite struct ImportanceWeightsTests {
  @Test func uniformWeightsHaveESSEqualToThePoolSize() throws {
    let weights = try ImportanceWeights(uniformOver: [0, 0, 1, 2, 2], taskCount: 3)
    #expect(weights.effectiveSampleSize.allSatisfy { abs($0 - 5) < 1e-12 })
    #expect(abs(weights.ownTaskShare[0] - 0.4) < 1e-12)
    #expect(abs(weights.ownTaskShare[1] - 0.2) < 1e-12)
    #expect(weights.clippedFraction == [0, 0, 0])
  }

  /// Each trajectory is e¹⁰⁰⁰-times more likely under its own task than any other: the clip L = 30 leaves
  /// the others e^{−30} each, so the weights are one-hot up to 1e-13: ESS = 1 and the own-task share is 1.
  @Test func oneHotWeightsHaveESSOne() throws {
    var likelihoods = Matrix<Double>(rows: 3, columns: 3, repeating: -1000)
    for i in 0..<3 { likelihoods[i, i] = 0 }
    let weights = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [0, 1, 2], temperature: 1, clip: 30)
    for c in 0..<3 {
      // Closed forms with ε = e^{−30}: own weight 1/(1+2ε), ESS = (1+2ε)²/(1+2ε²).
      let epsilon = exp(-30.0)
      #expect(abs(weights.effectiveSampleSize[c] - (1 + 2 * epsilon) * (1 + 2 * epsilon) / (1 + 2 * epsilon * epsilon)) < 1e-15)
      #expect(abs(weights.effectiveSampleSize[c] - 1) < 1e-12)
      #expect(abs(weights.ownTaskShare[c] - 1 / (1 + 2 * epsilon)) < 1e-15)
      #expect(abs(weights.clippedFraction[c] - 2.0 / 3) < 1e-12)
      #expect(abs(weights.logWeights[(c + 1) % 3, c] - (-30 - log(1 + 2 * exp(-30.0)))) < 1e-12)
    }
  }

  @Test func logRatiosFarBeyondTheClipDoNotOverflow() throws {
    let likelihoods = Matrix<Double>([[1e300, -1e300], [-1e300, 1e300], [0, 5e299]])
    let weights = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [0, 1, 0], temperature: 1, clip: 30)
    for c in 0..<2 {
      let column = weights.weights(task: c)
      #expect(column.allSatisfy { $0.isFinite })
      #expect(abs(column.reduce(0, +) - 1) < 1e-12)
    }
    #expect(weights.logWeights.storage.allSatisfy { $0.isFinite })
  }

  /// The hand-computed case: l = (ℓ(c) − ℓ(c_i))/κ, softmax over the pool.
  @Test func handComputedWeights() throws {
    let likelihoods = Matrix<Double>([[-1, -3], [-2, -1]])  // pool 0 is task 0, pool 1 is task 1
    let weights = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [0, 1], temperature: 2, clip: 30)
    // task 0: l = (0, (−2 − (−1))/2 = −0.5); task 1: l = ((−3 − (−1))/2 = −1, 0)
    let w0 = 1 / (1 + exp(-0.5))
    #expect(abs(weights.weight(0, task: 0) - w0) < 1e-12)
    #expect(abs(weights.weight(1, task: 1) - 1 / (1 + exp(-1.0))) < 1e-12)
    #expect(abs(weights.effectiveSampleSize[0] - 1 / (w0 * w0 + (1 - w0) * (1 - w0))) < 1e-12)
  }

  @Test func identicalPoliciesGiveUniformWeights() throws {
    // Every task's policy gives a trajectory the same likelihood: all ratios are 0.
    let likelihoods = Matrix<Double>([[-4, -4, -4], [-7, -7, -7], [-1, -1, -1], [-2, -2, -2]])
    let weights = try ImportanceWeights(
      logLikelihoods: likelihoods, poolTasks: [0, 1, 2, 2], temperature: 1, clip: 30)
    #expect(weights.logWeights.storage.allSatisfy { abs($0 - log(0.25)) < 1e-12 })
  }

  @Test func emptyPoolAndNaNAreErrors() throws {
    #expect(throws: SelectionError.emptyPool) {
      try ImportanceWeights(logLikelihoods: Matrix(rows: 0, columns: 2), poolTasks: [], temperature: 1, clip: 30)
    }
    #expect(throws: SelectionError.self) {
      try ImportanceWeights(logLikelihoods: Matrix([[Double.nan]]), poolTasks: [0], temperature: 1, clip: 30)
    }
  }
}
