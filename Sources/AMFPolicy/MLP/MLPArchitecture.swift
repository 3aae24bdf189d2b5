import AMFCore
import AMFNumerics

/// The hidden-layer nonlinearity of an MLP policy (a closed set; `pretrain.activation` in manifests).
public enum MLPActivation: String, ManifestChoice {
  /// `tanh(x)`; derivative `1 − y²` from the output y.
  case tanh
  /// `max(x, 0)`; derivative `1[y > 0]` from the output y (0 at the kink).
  case relu
}

/// The shape of an MLP Gaussian policy: input `[standardized s, f(c)]`, hidden layers, and one output
/// layer holding the mean head and the log-std head side by side (AMF.md §5).
///
/// Layer k maps `(batch × fanIn) → (batch × fanOut)` as `x·W + b` with `W: (fanIn × fanOut)`. The output
/// layer has `2 · actionDimension` columns: `[0, A)` are μ, `[A, 2A)` the raw log σ, clamped to
/// `[logStdMin, logStdMax]` with zero gradient outside. One fused output product costs one BLAS call
/// instead of two; the mean head's parameters are its first A columns.
public struct MLPArchitecture: Codable, Hashable, Sendable {
  /// Dimension of the raw observation s.
  public var observationDimension: Int
  /// Dimension of the task features f(c).
  public var taskFeatureDimension: Int
  /// Dimension of the action a.
  public var actionDimension: Int
  /// Widths of the hidden layers, input side first (default 2 × 64).
  public var hiddenWidths: [Int]
  /// Hidden nonlinearity.
  public var activation: MLPActivation
  /// Lower clamp of log σ (AMF.md §5: −5).
  public var logStdMin: Double
  /// Upper clamp of log σ (AMF.md §5: 1).
  public var logStdMax: Double

  /// An architecture; the defaults are AMF.md §5's (2 × 64 tanh, log σ ∈ [−5, 1]).
  public init(
    observationDimension: Int, taskFeatureDimension: Int, actionDimension: Int, hiddenWidths: [Int] = [64, 64],
    activation: MLPActivation = .tanh, logStdMin: Double = -5, logStdMax: Double = 1
  ) {
    precondition(observationDimension >= 0 && taskFeatureDimension >= 0 && actionDimension > 0,
                 "MLP dimensions: observation \(observationDimension), task \(taskFeatureDimension), "
                   + "action \(actionDimension)")
    precondition(!hiddenWidths.isEmpty && hiddenWidths.allSatisfy { $0 > 0 }, "hidden widths \(hiddenWidths)")
    precondition(logStdMin < logStdMax, "log-std clamp [\(logStdMin), \(logStdMax)] is empty")
    self.observationDimension = observationDimension
    self.taskFeatureDimension = taskFeatureDimension
    self.actionDimension = actionDimension
    self.hiddenWidths = hiddenWidths
    self.activation = activation
    self.logStdMin = logStdMin
    self.logStdMax = logStdMax
  }

  /// Why this architecture is unusable, or nil when it is valid (for values decoded from files, which
  /// bypass the preconditions of `init`).
  public var invalidityReason: String? {
    if observationDimension < 0 || taskFeatureDimension < 0 || actionDimension <= 0 {
      return "dimensions must be non-negative and the action dimension positive"
    }
    if hiddenWidths.isEmpty || hiddenWidths.contains(where: { $0 <= 0 }) {
      return "hidden widths \(hiddenWidths) must be a non-empty list of positive widths"
    }
    if !(logStdMin < logStdMax) { return "log-std clamp [\(logStdMin), \(logStdMax)] is empty" }
    return nil
  }

  /// Width of the network input: `observationDimension + taskFeatureDimension`.
  public var inputDimension: Int { observationDimension + taskFeatureDimension }

  /// Width of the penultimate features z (the last hidden layer).
  public var featureDimension: Int { hiddenWidths[hiddenWidths.count - 1] }

  /// `(fanIn, fanOut)` of every layer, the output layer (2A columns) last.
  public var layerShapes: [Shape] {
    let widths = [inputDimension] + hiddenWidths + [2 * actionDimension]
    return (0..<(widths.count - 1)).map { Shape(widths[$0], widths[$0 + 1]) }
  }

  /// Number of trainable parameters.
  public var parameterCount: Int { layerShapes.reduce(0) { $0 + $1.rows * $1.columns + $1.columns } }

  enum CodingKeys: String, CodingKey {
    case observationDimension = "observation_dimension"
    case taskFeatureDimension = "task_feature_dimension"
    case actionDimension = "action_dimension"
    case hiddenWidths = "hidden_widths"
    case activation
    case logStdMin = "log_std_min"
    case logStdMax = "log_std_max"
  }
}
