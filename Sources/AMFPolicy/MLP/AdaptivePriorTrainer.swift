import AMFCore
import AMFNumerics

/// Mini-batch fine-tuning of an `AdaptivePriorPolicy`: Adam on the fine-tuned network (lr 1e-3) and,
/// separately, on the mixing weights (lr 0.05); π₀ stays frozen (AMF.md §5).
///
/// π₀'s clamped outputs on every training row are computed once at init (it never changes), so a step
/// costs one forward and one backward pass, like plain BC. Allocates nothing per step.
public struct AdaptivePriorTrainer<Scalar: MLPScalar> {
  private let template: AdaptivePriorPolicy<Scalar>
  private var loop: MinibatchLoop
  private var model: Model

  /// A trainer starting from `initial` (its current fine-tuned weights and mixing).
  ///
  /// Shapes: `data` fits the architecture; `allTaskFeatures: (T × k)`, T ≥ 1.
  public init(initial: AdaptivePriorPolicy<Scalar>, data: BehaviorCloningData<Scalar>,
              allTaskFeatures: Matrix<Scalar>, settings: AdaptivePriorSettings = AdaptivePriorSettings(),
              seed: Seed) throws(PolicyError) {
    try settings.network.validate()
    let architecture = initial.architecture
    try data.check(against: architecture)
    guard data.count > 0 else { throw PolicyError.emptyTrainingData }
    guard allTaskFeatures.columns == architecture.taskFeatureDimension, allTaskFeatures.rows > 0 else {
      throw PolicyError.shapeMismatch(what: "all task features", expected: "T×\(architecture.taskFeatureDimension)",
                                      found: allTaskFeatures.shape.description)
    }
    let normalizer = initial.fineTuned.normalizer
    let inputs: Matrix<Scalar>
    let priorOutput: Matrix<Scalar>
    do {
      inputs = try normalizer.networkInput(observations: data.observations, taskFeatures: data.taskFeatures)
      let base = try initial.prior.evaluate(observations: data.observations, taskFeatures: data.taskFeatures)
      priorOutput = Self.interleave(mean: base.mean, logStd: base.logStd)  // (n × 2A)
    } catch {
      throw PolicyError.shapeMismatch(what: "observations", expected: "N×\(normalizer.dimension)",
                                      found: data.observations.shape.description)
    }
    template = initial
    loop = MinibatchLoop(batchSize: settings.network.batchSize, seed: seed.derived("batches"))
    model = Model(initial: initial, settings: settings, inputs: inputs, priorOutput: priorOutput,
                  data: data, allTaskFeatures: allTaskFeatures)
  }

  /// Steps taken so far.
  public var stepCount: Int { loop.stepCount }
  /// The loss of every step, before its update.
  public var losses: [Double] { loop.losses }
  /// The policy as trained so far.
  public var policy: AdaptivePriorPolicy<Scalar> {
    var policy = template
    policy.fineTuned.network = model.network
    policy.mixing = model.mixing
    return policy
  }

  /// Takes `steps` more steps; throws `PolicyError.diverged` at the first non-finite loss.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public mutating func train(steps: Int) throws(PolicyError) {
    try loop.run(&model, steps: steps)
  }

  /// `[μ, ℓ]` side by side. Shapes: `(n × A)`, `(n × A)` → `(n × 2A)`.
  static func interleave(mean: Matrix<Scalar>, logStd: Matrix<Scalar>) -> Matrix<Scalar> {
    let (n, a) = (mean.rows, mean.columns)
    var output = Matrix<Scalar>(rows: n, columns: 2 * a)  // (n × 2A)
    for row in 0..<n {
      for k in 0..<a {
        output.storage[row * 2 * a + k] = mean.storage[row * a + k]
        output.storage[row * 2 * a + a + k] = logStd.storage[row * a + k]
      }
    }
    return output
  }

  private struct Model: MinibatchModel {
    var network: MLPNetwork<Scalar>
    var mixingLayers: [DenseLayer<Scalar>]  // one layer: Adam updates lists of layers in place
    var networkOptimizer: AdamOptimizer<Scalar>
    var mixingOptimizer: AdamOptimizer<Scalar>
    let workspace: MLPWorkspace<Scalar>
    let inputs, priorOutput, actions, taskFeatures, allTaskFeatures: Matrix<Scalar>
    var batchPrior, batchActions, batchFeatures: Matrix<Scalar>  // (batch × 2A), (batch × A), (batch × k)
    var mixingGradient: [DenseLayer<Scalar>]
    let regularization: Scalar
    let logStdBounds: (Scalar, Scalar)

    init(initial: AdaptivePriorPolicy<Scalar>, settings: AdaptivePriorSettings, inputs: Matrix<Scalar>,
         priorOutput: Matrix<Scalar>, data: BehaviorCloningData<Scalar>, allTaskFeatures: Matrix<Scalar>) {
      let architecture = initial.architecture
      let batch = settings.network.batchSize
      let net = settings.network
      network = initial.fineTuned.network
      mixingLayers = [initial.mixing]
      networkOptimizer = AdamOptimizer(for: network.layers, learningRate: net.learningRate, beta1: net.beta1,
                                       beta2: net.beta2, epsilon: net.epsilon)
      mixingOptimizer = AdamOptimizer(for: mixingLayers, learningRate: settings.alphaLearningRate, beta1: net.beta1,
                                      beta2: net.beta2, epsilon: net.epsilon)
      workspace = MLPWorkspace(architecture: architecture, batchSize: batch)
      (self.inputs, self.priorOutput, actions, taskFeatures) = (inputs, priorOutput, data.actions, data.taskFeatures)
      self.allTaskFeatures = allTaskFeatures
      batchPrior = Matrix(rows: batch, columns: 2 * architecture.actionDimension)  // (batch × 2A)
      batchActions = Matrix(rows: batch, columns: architecture.actionDimension)  // (batch × A)
      batchFeatures = Matrix(rows: batch, columns: architecture.taskFeatureDimension)  // (batch × k)
      mixingGradient = [DenseLayer(fanIn: architecture.taskFeatureDimension, fanOut: 1)]
      regularization = Scalar(settings.alphaRegularization)
      logStdBounds = (Scalar(architecture.logStdMin), Scalar(architecture.logStdMax))
    }

    var trainingRowCount: Int { inputs.rows }
    var mixing: DenseLayer<Scalar> { mixingLayers[0] }
    var parametersAreFinite: Bool { network.isFinite && mixing.isFinite }
    var learningRate: Double { networkOptimizer.learningRate }

    mutating func step(rows: UnsafeBufferPointer<Int>) -> Double {
      workspace.gatherInput(rows: rows, of: inputs)
      MLPWorkspace.gather(rows: rows, of: priorOutput, into: &batchPrior)
      MLPWorkspace.gather(rows: rows, of: actions, into: &batchActions)
      MLPWorkspace.gather(rows: rows, of: taskFeatures, into: &batchFeatures)
      network.forward(in: workspace)
      let last = workspace.deltas.count - 1
      let loss = AdaptiveMixing.loss(
        output: workspace.output, prior: batchPrior, actions: batchActions, taskFeatures: batchFeatures,
        allTaskFeatures: allTaskFeatures, mixing: mixing, regularization: regularization, logStdBounds: logStdBounds,
        outputGradient: &workspace.deltas[last], mixingGradient: &mixingGradient[0])
      guard loss.isFinite else { return loss }
      network.backward(in: workspace)
      networkOptimizer.update(&network.layers, gradients: workspace.gradients)
      mixingOptimizer.update(&mixingLayers, gradients: mixingGradient)
      return loss
    }

    func divergenceCause(rows: UnsafeBufferPointer<Int>) -> DivergenceCause {
      if let row = MinibatchLoop.firstNonFiniteRow(rows, in: [inputs, actions, taskFeatures, priorOutput]) {
        return .nonFiniteData(row: row)
      }
      return network.isFinite && mixing.isFinite
        ? .lossOverflow(learningRate: networkOptimizer.learningRate)
        : .nonFiniteParameters(learningRate: networkOptimizer.learningRate)
    }
  }
}
