import AMFCore
import AMFNumerics

/// Demonstration rows for behaviour cloning: observation, task features and expert action.
public struct BehaviorCloningData<Scalar: MLPScalar>: Equatable, Sendable {
  /// Raw observations. Shapes: (n × observationDimension).
  public var observations: Matrix<Scalar>
  /// Task features f(c) of each row's task. Shapes: (n × taskFeatureDimension).
  public var taskFeatures: Matrix<Scalar>
  /// Expert actions. Shapes: (n × actionDimension).
  public var actions: Matrix<Scalar>

  /// Rows of one count; throws `shapeMismatch` naming the part that differs.
  public init(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>, actions: Matrix<Scalar>)
    throws(PolicyError)
  {
    for (name, part) in [("task features", taskFeatures), ("actions", actions)] where part.rows != observations.rows {
      throw PolicyError.shapeMismatch(what: name, expected: "\(observations.rows)×\(part.columns)",
                                      found: part.shape.description)
    }
    self.observations = observations
    self.taskFeatures = taskFeatures
    self.actions = actions
  }

  /// Number of rows.
  public var count: Int { observations.rows }

  /// Throws unless the columns fit `architecture`.
  func check(against architecture: MLPArchitecture) throws(PolicyError) {
    let expected = [("observations", observations, architecture.observationDimension),
                    ("task features", taskFeatures, architecture.taskFeatureDimension),
                    ("actions", actions, architecture.actionDimension)]
    for (name, part, columns) in expected where part.columns != columns {
      throw PolicyError.shapeMismatch(what: name, expected: "\(part.rows)×\(columns)", found: part.shape.description)
    }
  }
}

/// Settings of a behaviour-cloning run (AMF.md §5 defaults).
public struct BehaviorCloningSettings: Codable, Hashable, Sendable {
  /// Rows per step (256).
  public var batchSize: Int
  /// Adam step size (1e-3).
  public var learningRate: Double
  /// Adam β₁ (0.9).
  public var beta1: Double
  /// Adam β₂ (0.999).
  public var beta2: Double
  /// Adam ε (1e-8).
  public var epsilon: Double

  /// The AMF.md §5 settings unless overridden.
  public init(batchSize: Int = 256, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
              epsilon: Double = 1e-8) {
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
  }

  func validate() throws(PolicyError) {
    guard batchSize > 0 else { throw PolicyError.invalidParameter(name: "batch_size", reason: "must be positive") }
    guard learningRate > 0, learningRate.isFinite else {
      throw PolicyError.invalidParameter(name: "learning_rate", reason: "must be positive and finite")
    }
  }
}

/// Mini-batch behaviour cloning of an `MLPPolicy` by the Gaussian NLL and Adam (AMF.md §5).
///
/// All buffers are allocated at init; `train(steps:)` allocates nothing per step. Batches come from
/// `seed` alone (see `MinibatchLoop`), so one seed gives bit-identical weights on one machine and
/// OpenBLAS configuration.
public struct BehaviorCloningTrainer<Scalar: MLPScalar> {
  /// The frozen input standardization.
  public let normalizer: ObservationNormalizer<Scalar>
  private var loop: MinibatchLoop
  private var model: Model

  /// A trainer starting from `initial` (fresh weights for pre-training, π₀'s for fine-tuning).
  ///
  /// Shapes: `data` columns must fit `initial.network.architecture`; throws `shapeMismatch` otherwise,
  /// `emptyTrainingData` when `data` has no rows.
  /// `rowGroups` (nil: every row equally likely) balances the batches over groups of rows, e.g. one group
  /// per task (`finetune.balance: tasks`): each slot draws a group uniformly, then a row in it; every index
  /// must be a row of `data` and no group may be empty (`invalidParameter` otherwise).
  public init(initial: MLPPolicy<Scalar>, data: BehaviorCloningData<Scalar>,
              settings: BehaviorCloningSettings = BehaviorCloningSettings(), seed: Seed,
              rowGroups: [[Int]]? = nil) throws(PolicyError) {
    try settings.validate()
    try data.check(against: initial.network.architecture)
    guard data.count > 0 else { throw PolicyError.emptyTrainingData }
    if let rowGroups {
      guard !rowGroups.isEmpty, rowGroups.allSatisfy({ !$0.isEmpty && $0.allSatisfy { (0..<data.count).contains($0) } })
      else {
        throw PolicyError.invalidParameter(
          name: "row_groups", reason: "need ≥ 1 group, none empty, every index a row of the \(data.count) training rows")
      }
    }
    normalizer = initial.normalizer
    loop = MinibatchLoop(batchSize: settings.batchSize, seed: seed.derived("batches"), groups: rowGroups)
    let inputs: Matrix<Scalar>
    do {
      inputs = try initial.normalizer.networkInput(observations: data.observations, taskFeatures: data.taskFeatures)
    } catch {
      throw PolicyError.shapeMismatch(what: "observations", expected: "N×\(initial.normalizer.dimension)",
                                      found: data.observations.shape.description)
    }
    model = Model(network: initial.network, settings: settings, inputs: inputs, actions: data.actions)
  }

  /// The network as trained so far.
  public var network: MLPNetwork<Scalar> { model.network }
  /// The optimizer state.
  public var optimizer: AdamOptimizer<Scalar> { model.optimizer }

  /// Steps taken so far.
  public var stepCount: Int { loop.stepCount }
  /// The loss of every step, before its update (`½ log 2π` per dimension left out).
  public var losses: [Double] { loop.losses }
  /// The trained policy.
  public var policy: MLPPolicy<Scalar> { MLPPolicy(network: network, normalizer: normalizer) }

  /// Takes `steps` more steps.
  ///
  /// Edge cases: throws `PolicyError.diverged(step:loss:cause:)` at the first non-finite loss and keeps
  /// the weights of the step before; the cause points at a data row, the learning rate, or overflow.
  /// Weights that turn non-finite in the last update also throw (cause `nonFiniteParameters`).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public mutating func train(steps: Int) throws(PolicyError) {
    try loop.run(&model, steps: steps)
  }

  /// The training state: network, optimizer, buffers and the training rows.
  private struct Model: MinibatchModel {
    var network: MLPNetwork<Scalar>
    var optimizer: AdamOptimizer<Scalar>
    let workspace: MLPWorkspace<Scalar>
    let inputs: Matrix<Scalar>  // (n × inputDimension), standardized
    let actions: Matrix<Scalar>  // (n × A)
    var batchActions: Matrix<Scalar>  // (batch × A)
    let logStdBounds: (Scalar, Scalar)

    init(network: MLPNetwork<Scalar>, settings: BehaviorCloningSettings, inputs: Matrix<Scalar>,
         actions: Matrix<Scalar>) {
      let architecture = network.architecture
      self.network = network
      optimizer = AdamOptimizer(for: network.layers, learningRate: settings.learningRate, beta1: settings.beta1,
                                beta2: settings.beta2, epsilon: settings.epsilon)
      workspace = MLPWorkspace(architecture: architecture, batchSize: settings.batchSize)
      self.inputs = inputs
      self.actions = actions
      batchActions = Matrix(rows: settings.batchSize, columns: architecture.actionDimension)  // (batch × A)
      logStdBounds = (Scalar(architecture.logStdMin), Scalar(architecture.logStdMax))
    }

    var trainingRowCount: Int { inputs.rows }
    var parametersAreFinite: Bool { network.isFinite }
    var learningRate: Double { optimizer.learningRate }

    mutating func step(rows: UnsafeBufferPointer<Int>) -> Double {
      workspace.gatherInput(rows: rows, of: inputs)
      MLPWorkspace.gather(rows: rows, of: actions, into: &batchActions)
      network.forward(in: workspace)
      let last = workspace.deltas.count - 1
      let loss = GaussianNLL.loss(output: workspace.output, actions: batchActions, logStdMin: logStdBounds.0,
                                  logStdMax: logStdBounds.1, gradient: &workspace.deltas[last])
      guard loss.isFinite else { return loss }
      network.backward(in: workspace)
      optimizer.update(&network.layers, gradients: workspace.gradients)
      return loss
    }

    func divergenceCause(rows: UnsafeBufferPointer<Int>) -> DivergenceCause {
      if let row = MinibatchLoop.firstNonFiniteRow(rows, in: [inputs, actions]) { return .nonFiniteData(row: row) }
      return network.isFinite
        ? .lossOverflow(learningRate: optimizer.learningRate)
        : .nonFiniteParameters(learningRate: optimizer.learningRate)
    }
  }
}
