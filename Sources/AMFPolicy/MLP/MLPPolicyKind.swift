import AMFNumerics

/// What the three MLP policies (plain, isolation, adaptive prior) share: an architecture and a batched
/// evaluation. Their embeddings and their `GaussianPolicy` conformance follow from those, once, here.
public protocol MLPPolicyKind: Sendable {
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
}

extension MLPPolicyKind {
  /// The embedding of each row (AMF.md §2.1): z of the network that produced the row's features and σ of the
  /// acting policy (for isolation and the adaptive prior, z is the fine-tuned network's).
  ///
  /// Shapes: see `MLPEmbeddings.embed`.
  public func embeddings(kind: MLPEmbeddingKind, observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>)
    throws(ShapeError) -> Matrix<Scalar>
  {
    let result = try evaluate(observations: observations, taskFeatures: taskFeatures)
    return MLPEmbeddings.embed(kind: kind, features: result.features, logStd: result.logStd)
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
