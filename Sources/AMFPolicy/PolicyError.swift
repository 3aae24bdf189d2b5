/// Why training or using a policy failed, each case saying what to change.
public enum PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The training loss became NaN or ±∞ at `step` (0-based): the network is unusable.
  case diverged(step: Int, loss: Double, cause: DivergenceCause)
  /// Training needs at least one (observation, task, action) row.
  case emptyTrainingData
  /// Training data or a batch whose parts do not fit the policy or each other.
  case shapeMismatch(what: String, expected: String, found: String)
  /// A parameter outside its allowed range.
  case invalidParameter(name: String, reason: String)

  public var description: String {
    switch self {
    case .diverged(let step, let loss, let cause):
      "behaviour cloning diverged at step \(step) (loss \(loss)): \(cause)"
    case .emptyTrainingData:
      "no training rows: behaviour cloning needs at least one demonstration step"
    case .shapeMismatch(let what, let expected, let found):
      "\(what) has shape \(found), expected \(expected); check the data fit the policy's architecture"
    case .invalidParameter(let name, let reason):
      "parameter \(name): \(reason)"
    }
  }
}

/// The most likely cause of a diverged loss, found by inspecting the batch and the parameters.
public enum DivergenceCause: Hashable, Sendable, CustomStringConvertible {
  /// Training row `row` (an index into the training data) holds NaN or ±∞ in its input or action.
  case nonFiniteData(row: Int)
  /// The data are finite but the parameters are not: the previous updates blew up.
  case nonFiniteParameters(learningRate: Double)
  /// Data and parameters are finite but the loss overflowed (residuals huge relative to σ).
  case lossOverflow(learningRate: Double)

  public var description: String {
    switch self {
    case .nonFiniteData(let row):
      "training row \(row) contains NaN or infinity; fix or drop it in the demonstrations (bad inputs)"
    case .nonFiniteParameters(let learningRate):
      "the network weights became non-finite; the learning rate \(learningRate) is likely too high: lower it"
    case .lossOverflow(let learningRate):
      "the loss overflowed with finite weights; actions may be unscaled or the learning rate \(learningRate) "
        + "too high: check the action scale or lower the learning rate"
    }
  }
}
