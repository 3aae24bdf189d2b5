/// Errors of the stage layer, each telling the user what to do.
public enum StageError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The stage's computation is not part of this build yet.
  case unavailable(stage: String, issue: Int)
  /// An `--input`, `--param` or `--output` argument is malformed.
  case malformedArgument(option: String, value: String, expected: String)

  public var description: String {
    switch self {
    case .unavailable(let stage, let issue):
      "the \(stage) stage is not implemented in this build yet (issue #\(issue)); "
        + "see README.md \"Status\""
    case .malformedArgument(let option, let value, let expected):
      "\(option) '\(value)': expected \(expected)"
    }
  }
}
