import AMFCore
import AMFNumerics

/// An MLP Gaussian policy π(a | s, c) = N(μ(x), diag σ(x)²) on `x = [standardized s, f(c)]` (AMF.md §5).
///
/// Generic over the scalar: `Float` trains and acts (and conforms to `GaussianPolicy`), `Double`
/// serves finite-difference gradient checks.
public struct MLPPolicy<Scalar: MLPScalar>: Equatable, Sendable {
  /// The network.
  public var network: MLPNetwork<Scalar>
  /// The frozen observation standardization.
  public var normalizer: ObservationNormalizer<Scalar>

  /// A policy from a network and a normalizer of the network's observation dimension.
  public init(network: MLPNetwork<Scalar>, normalizer: ObservationNormalizer<Scalar>) {
    precondition(normalizer.dimension == network.architecture.observationDimension,
                 "normalizer of dimension \(normalizer.dimension) for observations of "
                   + "\(network.architecture.observationDimension)")
    self.network = network
    self.normalizer = normalizer
  }

  /// A freshly initialized policy whose normalizer is fitted on the pre-training observations.
  ///
  /// Weights come from `seed.derived("init")` (see `MLPNetwork.init(architecture:seed:)`).
  public init(architecture: MLPArchitecture, fittingNormalizerTo observations: Matrix<Scalar>,
              stdFloor: Double = ObservationNormalizer<Scalar>.defaultStdFloor, seed: Seed) {
    self.init(network: MLPNetwork(architecture: architecture, seed: seed.derived("init")),
              normalizer: ObservationNormalizer(fitting: observations, stdFloor: stdFloor))
  }

  /// The architecture.
  public var architecture: MLPArchitecture { network.architecture }

  /// μ, clamped log σ and the penultimate features z for a batch.
  ///
  /// Shapes: `observations: (n × d)`, `taskFeatures: (n × k)` → `mean, logStd: (n × A)`,
  /// `features: (n × featureDimension)`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func evaluate(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>) throws(ShapeError)
    -> (mean: Matrix<Scalar>, logStd: Matrix<Scalar>, features: Matrix<Scalar>)
  {
    let input = try normalizer.networkInput(observations: observations, taskFeatures: taskFeatures)
    let (output, features) = network.output(for: input)
    let (mean, logStd) = Self.split(output, architecture: architecture)
    return (mean, logStd, features)
  }

  /// Splits a raw output `(n × 2A)` into μ `(n × A)` and clamped log σ `(n × A)`.
  static func split(_ output: Matrix<Scalar>, architecture: MLPArchitecture) -> (Matrix<Scalar>, Matrix<Scalar>) {
    let (n, a) = (output.rows, architecture.actionDimension)
    let (low, high) = (Scalar(architecture.logStdMin), Scalar(architecture.logStdMax))
    var mean = Matrix<Scalar>(rows: n, columns: a)  // (n × A)
    var logStd = Matrix<Scalar>(rows: n, columns: a)  // (n × A)
    for row in 0..<n {
      for k in 0..<a {
        mean.storage[row * a + k] = output.storage[row * 2 * a + k]
        let raw = output.storage[row * 2 * a + a + k]
        logStd.storage[row * a + k] = raw.isNaN ? raw : Swift.min(Swift.max(raw, low), high)
      }
    }
    return (mean, logStd)
  }

  /// Behaviour cloning from these weights for `steps` steps (pre-training from fresh weights, or
  /// fine-tuning, which AMF.md §5 restarts from π₀'s weights every round).
  ///
  /// The normalizer stays frozen. Batches come from `seed.derived("batches")`.
  /// Edge cases: throws `PolicyError.diverged` naming the step at the first non-finite loss.
  public func trained(on data: BehaviorCloningData<Scalar>, steps: Int,
                      settings: BehaviorCloningSettings = BehaviorCloningSettings(), seed: Seed)
    throws(PolicyError) -> MLPPolicy
  {
    var trainer = try BehaviorCloningTrainer(initial: self, data: data, settings: settings, seed: seed)
    try trainer.train(steps: steps)
    return trainer.policy
  }
}

extension MLPPolicy: MLPPolicyKind {}
extension MLPPolicy: GaussianPolicy where Scalar == Float {}
