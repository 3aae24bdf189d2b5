import AMFCore
import AMFNumerics

/// The `adaptive_prior` mitigation: a frozen π₀ and a fine-tuned network mixed per task by
/// `α(c) = sigmoid(wᵀf(c) + b)` (AMF.md §5, project definition; see `AdaptiveMixing`).
///
/// Known limitation (AMF.md §5): output mixing does not stop the fine-tuned network from changing on
/// tasks without data; α only decides how much of it each task sees.
public struct AdaptivePriorPolicy<Scalar: MLPScalar>: Equatable, Sendable {
  /// The frozen pre-trained policy π₀.
  public var prior: MLPPolicy<Scalar>
  /// The network fine-tuned from π₀'s weights.
  public var fineTuned: MLPPolicy<Scalar>
  /// Mixing parameters: `weight: (k × 1)` = w, `bias: (1 × 1)` = b.
  public var mixing: DenseLayer<Scalar>
  /// Content hash of the prior's policy artifact (ARTIFACTS.md), recorded for provenance.
  public var priorContentHash: String

  /// The mixing bias at the start of fine-tuning: α = sigmoid(−2) ≈ 0.12 everywhere.
  public static var initialMixingBias: Double { -2 }

  /// A policy at the start of fine-tuning: the fine-tuned copy equals π₀, w = 0, b = −2.
  public init(prior: MLPPolicy<Scalar>, priorContentHash: String) {
    let k = prior.architecture.taskFeatureDimension
    self.init(prior: prior, fineTuned: prior,
              mixing: DenseLayer(weight: Matrix(rows: k, columns: 1),  // (k × 1)
                                 bias: Matrix(rows: 1, columns: 1, repeating: Scalar(Self.initialMixingBias))),
              priorContentHash: priorContentHash)
  }

  /// A policy from its parts; both networks share one architecture and normalizer.
  public init(prior: MLPPolicy<Scalar>, fineTuned: MLPPolicy<Scalar>, mixing: DenseLayer<Scalar>,
              priorContentHash: String) {
    precondition(prior.architecture == fineTuned.architecture, "prior and fine-tuned architectures differ")
    precondition(mixing.weight.shape == Shape(prior.architecture.taskFeatureDimension, 1),
                 "mixing weight \(mixing.weight.shape)")
    self.prior = prior
    self.fineTuned = fineTuned
    self.mixing = mixing
    self.priorContentHash = priorContentHash
  }

  /// The architecture shared by both networks.
  public var architecture: MLPArchitecture { prior.architecture }

  /// α(c) for each row of task features. Shapes: `(n × k)` → n.
  public func alpha(taskFeatures: Matrix<Scalar>) -> [Scalar] {
    AdaptiveMixing.alpha(taskFeatures: taskFeatures, mixing: mixing)
  }

  /// Mixed μ and log σ, and the fine-tuned network's penultimate features z, for a batch.
  ///
  /// Shapes: as `MLPPolicy.evaluate`.
  /// Edge cases: with α = 0 (b = −∞) the result equals π₀'s bit for bit.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func evaluate(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>) throws(ShapeError)
    -> (mean: Matrix<Scalar>, logStd: Matrix<Scalar>, features: Matrix<Scalar>)
  {
    let base = try prior.evaluate(observations: observations, taskFeatures: taskFeatures)
    let tuned = try fineTuned.evaluate(observations: observations, taskFeatures: taskFeatures)
    let alpha = alpha(taskFeatures: taskFeatures)
    return (AdaptiveMixing.mix(fineTuned: tuned.mean, prior: base.mean, alpha: alpha),
            AdaptiveMixing.mix(fineTuned: tuned.logStd, prior: base.logStd, alpha: alpha), tuned.features)
  }

  /// Fine-tunes the network and the mixing weights on `data`, restarting from the current parameters.
  ///
  /// `allTaskFeatures: (T × k)` lists every task's f(c) for the regularizer `λ_α · mean_c α(c)²`.
  /// Edge cases: throws `PolicyError.diverged` naming the step at the first non-finite loss.
  public func fineTuned(
    on data: BehaviorCloningData<Scalar>, allTaskFeatures: Matrix<Scalar>, steps: Int,
    settings: AdaptivePriorSettings = AdaptivePriorSettings(), seed: Seed
  ) throws(PolicyError) -> AdaptivePriorPolicy {
    var trainer = try AdaptivePriorTrainer(initial: self, data: data, allTaskFeatures: allTaskFeatures,
                                           settings: settings, seed: seed)
    try trainer.train(steps: steps)
    return trainer.policy
  }
}

extension AdaptivePriorPolicy: MLPPolicyKind {}
extension AdaptivePriorPolicy: GaussianPolicy where Scalar == Float {}

/// Settings of adaptive-prior fine-tuning (AMF.md §5 defaults).
public struct AdaptivePriorSettings: Codable, Hashable, Sendable {
  /// The network's behaviour-cloning settings (Adam lr 1e-3, batch 256).
  public var network: BehaviorCloningSettings
  /// Adam step size of the mixing weights (`finetune.alpha_lr`, 0.05).
  public var alphaLearningRate: Double
  /// λ_α of the regularizer `λ_α · mean_c α(c)²` (0.01).
  public var alphaRegularization: Double

  /// The AMF.md §5 settings unless overridden.
  public init(network: BehaviorCloningSettings = BehaviorCloningSettings(), alphaLearningRate: Double = 0.05,
              alphaRegularization: Double = 0.01) {
    self.network = network
    self.alphaLearningRate = alphaLearningRate
    self.alphaRegularization = alphaRegularization
  }
}
