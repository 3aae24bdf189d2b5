import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// The IDs AMFPolicy owns (`EmbeddingKind`, `MLPActivation`) and the math the embed stage takes from it.
@Suite struct PolicyIDTests {
  /// Every kind survives a JSON round trip under its manifest string; a typo names the closest.
  @Test(arguments: EmbeddingKind.allCases)
  func embeddingKindRoundTrips(kind: EmbeddingKind) throws {
    let json = try CanonicalJSON.string([kind])
    #expect(json == "[\"\(kind.rawValue)\"]")
    #expect(try CanonicalJSON.decode([EmbeddingKind].self, from: json) == [kind])
  }

  @Test func unknownNamesSayDidYouMean() throws {
    #expect(EmbeddingKind.unknownValueReason("last_layr")
      == "'last_layr' is not one of loss_gradient, nll_gradient, last_layer, dropout; did you mean 'last_layer'?")
    #expect(throws: DecodingError.self) { try CanonicalJSON.decode([MLPActivation].self, from: "[\"gelu\"]") }
    #expect(try CanonicalJSON.decode([MLPActivation].self, from: "[\"relu\",\"tanh\"]") == [.relu, .tanh])
  }

  /// `embeddings(kind:)` gives each kind's formula; only `dropout` draws from the generator, and it equals
  /// `MLPEmbeddings.dropout` of the policy's own passes.
  @Test(arguments: EmbeddingKind.allCases)
  func embeddingsOfEveryKind(kind: EmbeddingKind) throws {
    let policy = MLPPolicy<Float>(
      network: MLPNetwork(architecture: MitigationAndEmbeddingTests.architecture, seed: Seed(1)),
      normalizer: .identity(dimension: 2))
    let observations: Matrix<Float> = MLPFixtures.random(5, 2, seed: 3)
    let features: Matrix<Float> = MLPFixtures.random(5, 1, seed: 4)
    var rng = Seed(9).generator()
    let dropout = MCDropout(passes: 4, rate: 0.2)
    let result = try policy.embeddings(
      kind: kind, observations: observations, taskFeatures: features, dropout: dropout, using: &rng)
    let evaluated = try policy.evaluate(observations: observations, taskFeatures: features)
    #expect(result.mean == evaluated.mean && result.logStd == evaluated.logStd)
    var reference = Seed(9).generator()
    if kind == .dropout {
      let passes = try policy.dropoutMeans(
        observations: observations, taskFeatures: features, passes: 4, dropProbability: 0.2, using: &reference)
      #expect(result.phi == MLPEmbeddings.dropout(passes: passes) && result.phi.shape == Shape(5, 8))
    } else {
      #expect(result.phi == MLPEmbeddings.embed(kind: kind, features: evaluated.features, logStd: evaluated.logStd))
    }
    #expect(rng.next() == reference.next(), "only dropout draws")
  }

  /// Two steps, two action dimensions, step 0 scored by row 1 and step 1 by row 0 (c = ½ log 2π):
  /// with σ² (row 1: σ = (2, 1)) the sum is −¼ − log 2 − 4c; with a fixed variance ½ it is −1¼ + 2 log 2 − 4c.
  @Test func trajectoryLogLikelihoodOnHandValues() throws {
    let batch = GaussianBatch(
      mean: Matrix<Float>([[0, 0], [1, -1]]), logStd: Matrix<Float>([[0, 0], [Float(Foundation.log(2.0)), 0]]))
    let actions: [Float] = [2, -1, 0.5, 0]  // (T × A) = (2 × 2)
    let c = 0.5 * Foundation.log(2 * Double.pi)
    let own = batch.logLikelihood(of: actions, rows: [1, 0], fixedVariance: nil)
    // log σ is stored in float32, so σ² = 4 holds to about 1e-7 relative.
    #expect(areClose([own], [-0.25 - Foundation.log(2.0) - 4 * c], relative: 1e-7))
    let fixed = batch.logLikelihood(of: actions, rows: [1, 0], fixedVariance: 0.5)
    #expect(areClose([fixed], [-1.25 + 2 * Foundation.log(2.0) - 4 * c], relative: 1e-12))
    // The own-variance form is the sum of the per-row log-densities.
    let reordered = GaussianBatch(
      mean: Matrix<Float>([[1, -1], [0, 0]]), logStd: Matrix<Float>([[Float(Foundation.log(2.0)), 0], [0, 0]]))
    let densities = try reordered.logDensity(of: Matrix<Float>([[2, -1], [0.5, 0]]))
    #expect(areClose([own], [densities.reduce(0, +)], relative: 1e-12))
    #expect(batch.logLikelihood(of: [], rows: [], fixedVariance: nil) == 0)
  }

  /// The GP's standardized training inputs are its raw inputs through the fixed constants: with mean 0 and
  /// scale 1/√2, each input times √2; and the same as standardizing the split observation and feature columns.
  @Test func gpStandardizedTrainingInputs() throws {
    let policy = try GPFixtures.policy(points: 3)
    let standardized = policy.standardizedTrainingInputs
    #expect(standardized.shape == Shape(3, 4))
    #expect(areClose(standardized.storage, policy.inputs.storage.map { $0 * 2.0.squareRoot() }, relative: 1e-12))
    let raw = policy.inputs.storage
    let observations = try Matrix<Double>(
      rows: 3, columns: 2, values: raw.indices.filter { $0 % 4 < 2 }.map { raw[$0] })
    let features = try Matrix<Double>(
      rows: 3, columns: 2, values: raw.indices.filter { $0 % 4 >= 2 }.map { raw[$0] })
    #expect(try policy.standardizedInputs(observations: observations, taskFeatures: features) == standardized)
  }
}
