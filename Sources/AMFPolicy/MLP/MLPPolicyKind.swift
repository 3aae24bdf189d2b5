import AMFNumerics

/// What the MLP policies (plain, isolation, task isolation, adaptive prior) share: an architecture and a batched
/// evaluation. Their embeddings and their `GaussianPolicy` conformance follow from those, once, here.
public protocol MLPPolicyKind<Scalar>: Sendable {
  /// The scalar type of the networks.
  associatedtype Scalar: MLPScalar

  /// The network shape (of the acting networks; all share it).
  var architecture: MLPArchitecture { get }

  /// μ, clamped log σ and penultimate features z for a batch.
  ///
  /// Shapes: `observations: (n × observationDimension)`, `taskFeatures: (n × taskFeatureDimension)` →
  /// `mean, logStd: (n × actionDimension)`, `features: (n × featureDimension)`.
  func evaluate(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>) throws(ShapeError)
    -> (mean: Matrix<Scalar>, logStd: Matrix<Scalar>, features: Matrix<Scalar>)

  /// K MC-dropout passes of the acting mean for a batch (`MLPNetwork.dropoutMeans`).
  ///
  /// Shapes: `observations: (n × d)`, `taskFeatures: (n × k)` → K matrices `(n × A)`.
  func dropoutMeans(
    observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>, passes: Int, dropProbability: Double,
    using rng: inout some RandomNumberGenerator
  ) throws(ShapeError) -> [Matrix<Scalar>]
}

extension MLPPolicyKind {
  /// μ, log σ and the embedding of each row (AMF.md §2.1): z of the network that produced the row's
  /// features and σ of the acting policy (for isolation and the adaptive prior, z is the fine-tuned
  /// network's; for task isolation, the row's own task network's, π₀'s for tasks without data); for `dropout`, K passes of `dropoutMeans` drawn from `rng` (untouched by the other kinds).
  ///
  /// Shapes: `observations: (n × d)`, `taskFeatures: (n × k)` → `mean, logStd: (n × A)`, `phi`: see
  /// `MLPEmbeddings.embed` and `MLPEmbeddings.dropout`.
  public func embeddings(
    kind: EmbeddingKind, observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>,
    dropout: MCDropout = MCDropout(), using rng: inout some RandomNumberGenerator
  ) throws(ShapeError) -> (mean: Matrix<Scalar>, logStd: Matrix<Scalar>, phi: Matrix<Scalar>) {
    let result = try evaluate(observations: observations, taskFeatures: taskFeatures)
    guard kind == .dropout else {
      return (result.mean, result.logStd, MLPEmbeddings.embed(kind: kind, features: result.features, logStd: result.logStd))
    }
    let passes = try dropoutMeans(
      observations: observations, taskFeatures: taskFeatures, passes: dropout.passes, dropProbability: dropout.rate,
      using: &rng)
    return (result.mean, result.logStd, MLPEmbeddings.dropout(passes: passes))
  }
}

extension MLPPolicyKind where Scalar == Float {
  /// The observation dimension.
  public var observationDimension: Int { architecture.observationDimension }
  /// The task-feature dimension.
  public var taskFeatureDimension: Int { architecture.taskFeatureDimension }
  /// The action dimension.
  public var actionDimension: Int { architecture.actionDimension }

  /// μ and log σ for a batch, as a `GaussianBatch` (AMF.md §5).
  public func distribution(observations: Matrix<Float>, taskFeatures: Matrix<Float>) throws -> GaussianBatch {
    let result = try evaluate(observations: observations, taskFeatures: taskFeatures)
    return GaussianBatch(mean: result.mean, logStd: result.logStd)
  }
}
