import AMFNumerics
import Foundation

/// The GP policy (AMF-GP): one exact GP per action dimension on standardized inputs `x = [s, f(c)]`,
/// sharing an RBF kernel; it acts with the posterior mean and has predictive variance `σ²_D(x) + ρ²`.
///
/// Inputs are standardized with fixed per-environment constants, `z = (x − inputMean) / inputScale`
/// elementwise, never with statistics of the data (at k = 1 the feature spread over D is zero). For
/// integrator2d AMF.md gives mean 0 and scale 1/√2 for p and f(c): the per-coordinate standard deviation
/// of a point on the unit circle, so `z = √2·x`. The distribution is
/// `π(a | s, c) = N(μ_D(x), (σ²_D(x) + ρ²)·I)`, i.e. `logStd = ½ log(σ²_D(x) + ρ²)` in every dimension.
///
/// A policy is a pure function of its hyperparameters, standardization and raw data: it is always
/// factored from scratch, so a policy loaded from its artifact acts bit-identically to the one saved.
///
/// Reference: AMF.md §2.1 (kernel, standardization, defaults ℓ = 0.5, σ_f² = 1, ρ² = 0.01) and §5.
public struct GPPolicy: GaussianPolicy {
  /// Dimension of the raw observation s.
  public let observationDimension: Int
  /// Dimension of the task features f(c).
  public let taskFeatureDimension: Int
  /// Dimension of the action a.
  public let actionDimension: Int
  /// The fixed input offsets subtracted before scaling. Shapes: `observationDimension + taskFeatureDimension`.
  public let inputMean: [Double]
  /// The fixed input scales (> 0) divided by after centring. Shapes: as `inputMean`.
  public let inputScale: [Double]
  /// The raw (unstandardized) conditioning inputs `[s, f(c)]`. Shapes: (n × inputDimension).
  public let inputs: Matrix<Double>
  /// The GP on standardized inputs.
  let posterior: GaussianPosterior<RBFKernel>

  /// A GP policy conditioned on raw `inputs = [s, f(c)]` with action `targets` (n = 0 is the prior).
  ///
  /// Shapes: `inputMean`, `inputScale`: `observationDimension + taskFeatureDimension`;
  /// `inputs: (n × inputDimension)`, `targets: (n × actionDimension)`.
  /// Edge cases: hyperparameters out of range (ℓ, σ_f² ≤ 0, ρ² < 0, scale ≤ 0) are programming errors
  /// (preconditions: params types validate them); data of the wrong shape throws `ShapeError`; a kernel
  /// matrix that is not PD after jitter throws `NumericsError`.
  /// Complexity: `n³/3` flops (one Cholesky factorization).
  public init(
    observationDimension: Int, taskFeatureDimension: Int, actionDimension: Int,
    inputMean: [Double], inputScale: [Double],
    lengthscale: Double = 0.5, signalVariance: Double = 1, noiseVariance: Double = 0.01,
    inputs: Matrix<Double>? = nil, targets: Matrix<Double>? = nil
  ) throws {
    let inputDimension = observationDimension + taskFeatureDimension
    precondition(observationDimension >= 0 && taskFeatureDimension >= 0 && actionDimension > 0,
                 "GP policy dimensions: observation \(observationDimension), task \(taskFeatureDimension), "
                   + "action \(actionDimension)")
    precondition(inputMean.count == inputDimension && inputScale.count == inputDimension,
                 "GP standardization: \(inputMean.count) means, \(inputScale.count) scales for "
                   + "\(inputDimension) inputs")
    precondition(inputScale.allSatisfy { $0 > 0 && $0.isFinite } && inputMean.allSatisfy(\.isFinite),
                 "GP standardization needs finite means and positive finite scales")
    let inputs = inputs ?? Matrix(rows: 0, columns: inputDimension)
    let targets = targets ?? Matrix(rows: 0, columns: actionDimension)
    guard inputs.columns == inputDimension else {
      throw ShapeError.mismatch(
        operation: "GP policy inputs [s, f(c)]", expected: Shape(inputs.rows, inputDimension), found: inputs.shape)
    }
    guard targets.shape == Shape(inputs.rows, actionDimension) else {
      throw ShapeError.mismatch(
        operation: "GP policy action targets", expected: Shape(inputs.rows, actionDimension), found: targets.shape)
    }
    self.observationDimension = observationDimension
    self.taskFeatureDimension = taskFeatureDimension
    self.actionDimension = actionDimension
    self.inputMean = inputMean
    self.inputScale = inputScale
    self.inputs = inputs
    posterior = try GaussianPosterior(
      kernel: RBFKernel(lengthscale: lengthscale, signalVariance: signalVariance), noiseVariance: noiseVariance,
      inputs: Self.standardize(inputs, mean: inputMean, scale: inputScale), targets: targets)
  }

  /// `observationDimension + taskFeatureDimension`.
  public var inputDimension: Int { observationDimension + taskFeatureDimension }
  /// The RBF lengthscale ℓ, in standardized units.
  public var lengthscale: Double { posterior.kernel.lengthscale }
  /// The RBF signal variance σ_f².
  public var signalVariance: Double { posterior.kernel.signalVariance }
  /// The observation-noise variance ρ².
  public var noiseVariance: Double { posterior.noiseVariance }
  /// The observed actions. Shapes: (n × actionDimension).
  public var targets: Matrix<Double> { posterior.targets }
  /// The jitter the Cholesky factorization needed (0 normally); worth logging when positive.
  public var jitter: Double { posterior.factor.jitter }

  /// The posterior mean action and `logStd = ½ log(σ²_D(x) + ρ²)` for a batch, computed in float64.
  ///
  /// Shapes: `observations: (batch × observationDimension)`, `taskFeatures: (batch × taskFeatureDimension)`
  /// → `mean, logStd: (batch × actionDimension)`.
  public func distribution(observations: Matrix<Float>, taskFeatures: Matrix<Float>) throws -> GaussianBatch {
    let points = try standardizedInputs(
      observations: Self.widened(observations), taskFeatures: Self.widened(taskFeatures))
    let (mean, variance) = try posterior.meanAndVariance(at: points)
    var meanAction = Matrix<Float>(rows: mean.rows, columns: actionDimension)  // (batch × actionDimension)
    var logStd = Matrix<Float>(rows: mean.rows, columns: actionDimension)  // (batch × actionDimension)
    for row in 0..<mean.rows {
      let value = Float(0.5 * Foundation.log(variance[row] + noiseVariance))
      for column in 0..<actionDimension {
        meanAction[row, column] = Float(mean[row, column])
        logStd[row, column] = value
      }
    }
    return GaussianBatch(mean: meanAction, logStd: logStd)
  }

  /// The posterior mean action μ_D(x) in float64.
  ///
  /// Shapes: as `distribution` → `(batch × actionDimension)`.
  public func posteriorMean(observations: Matrix<Double>, taskFeatures: Matrix<Double>) throws -> Matrix<Double> {
    try posterior.mean(at: standardizedInputs(observations: observations, taskFeatures: taskFeatures))
  }

  /// The latent posterior variance σ²_D(x) (without ρ²), shared by the action dimensions, in float64.
  ///
  /// Shapes: as `distribution` → `batch`.
  /// Reference: AMF.md §2 (the information gain is ½ log(σ²_D(x) / σ²_{D∪X'}(x))).
  public func posteriorVariance(observations: Matrix<Double>, taskFeatures: Matrix<Double>) throws -> [Double] {
    try posterior.posteriorVariance(
      at: standardizedInputs(observations: observations, taskFeatures: taskFeatures))
  }

  /// The policy fine-tuned on more demonstrations: the GP conditioned on the old and the new data.
  ///
  /// Shapes: `observations: (m × observationDimension)`, `taskFeatures: (m × taskFeatureDimension)`,
  /// `actions: (m × actionDimension)`; the new rows are appended after the old ones.
  /// Complexity: `(n + m)³/3` flops: it refactors from scratch (see the type's doc) rather than using
  /// `GaussianPosterior.conditioned`, whose block update would differ from a reloaded policy in the last bits.
  public func conditioned(
    onObservations observations: Matrix<Double>, taskFeatures: Matrix<Double>, actions: Matrix<Double>
  ) throws -> GPPolicy {
    let newInputs = try Self.concatenatingColumns(observations, taskFeatures, dimensions: dimensions)
    guard actions.shape == Shape(newInputs.rows, actionDimension) else {
      throw ShapeError.mismatch(
        operation: "GP policy new actions", expected: Shape(newInputs.rows, actionDimension), found: actions.shape)
    }
    return try GPPolicy(
      observationDimension: observationDimension, taskFeatureDimension: taskFeatureDimension,
      actionDimension: actionDimension, inputMean: inputMean, inputScale: inputScale,
      lengthscale: lengthscale, signalVariance: signalVariance, noiseVariance: noiseVariance,
      inputs: try Matrix(rows: inputs.rows + newInputs.rows, columns: inputDimension,
                         values: inputs.storage + newInputs.storage),
      targets: try Matrix(rows: targets.rows + actions.rows, columns: actionDimension,
                          values: targets.storage + actions.storage))
  }

  /// `[s, f(c)]` standardized with the fixed constants. Shapes: `(batch × inputDimension)`.
  public func standardizedInputs(observations: Matrix<Double>, taskFeatures: Matrix<Double>)
    throws(ShapeError) -> Matrix<Double>
  {
    Self.standardize(
      try Self.concatenatingColumns(observations, taskFeatures, dimensions: dimensions),
      mean: inputMean, scale: inputScale)
  }

  /// The conditioning inputs D (`inputs`) standardized with the fixed constants: the points AMF-GP conditions
  /// on. Shapes: `(n × inputDimension)`.
  public var standardizedTrainingInputs: Matrix<Double> { Self.standardize(inputs, mean: inputMean, scale: inputScale) }

  private var dimensions: (observation: Int, task: Int) { (observationDimension, taskFeatureDimension) }

  /// `(x − mean) / scale` per column. Shapes: `(n × d)` → `(n × d)`.
  static func standardize(_ raw: Matrix<Double>, mean: [Double], scale: [Double]) -> Matrix<Double> {
    precondition(raw.columns == mean.count && raw.columns == scale.count,
                 "standardize \(raw.shape) with \(mean.count) means and \(scale.count) scales")
    var result = raw
    let d = raw.columns
    for index in result.storage.indices {
      let column = index % d
      result.storage[index] = (result.storage[index] - mean[column]) / scale[column]
    }
    return result
  }

  /// `[observations, taskFeatures]` side by side after checking both shapes.
  static func concatenatingColumns(
    _ observations: Matrix<Double>, _ taskFeatures: Matrix<Double>, dimensions: (observation: Int, task: Int)
  ) throws(ShapeError) -> Matrix<Double> {
    let batch = observations.rows
    guard observations.columns == dimensions.observation else {
      throw ShapeError.mismatch(
        operation: "GP policy observations", expected: Shape(batch, dimensions.observation),
        found: observations.shape)
    }
    guard taskFeatures.shape == Shape(batch, dimensions.task) else {
      throw ShapeError.mismatch(
        operation: "GP policy task features", expected: Shape(batch, dimensions.task), found: taskFeatures.shape)
    }
    let width = dimensions.observation + dimensions.task
    var result = Matrix<Double>(rows: batch, columns: width)  // (batch × (obs + task))
    for row in 0..<batch {
      for column in 0..<dimensions.observation {
        result.storage[row * width + column] = observations.storage[row * dimensions.observation + column]
      }
      for column in 0..<dimensions.task {
        result.storage[row * width + dimensions.observation + column] =
          taskFeatures.storage[row * dimensions.task + column]
      }
    }
    return result
  }

  static func widened(_ matrix: Matrix<Float>) -> Matrix<Double> {
    var result = Matrix<Double>(rows: matrix.rows, columns: matrix.columns)
    for index in matrix.storage.indices { result.storage[index] = Double(matrix.storage[index]) }
    return result
  }
}
