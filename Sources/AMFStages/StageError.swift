/// Errors of the stage layer, each telling the user what to do.
public enum StageError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The stage's computation is not part of this build yet.
  case unavailable(stage: String, issue: Int)
  /// An `--input`, `--param` or `--output` argument is malformed.
  case malformedArgument(option: String, value: String, expected: String)
  /// An `--input` role the stage does not read.
  case unknownInput(role: String, valid: [String])
  /// A required `--input` role was not given.
  case missingInput(role: String)
  /// An `--output` role the stage does not write, a role given twice, or one missing.
  case invalidOutputs(reason: String, roles: [String])
  /// The `--params-file` cannot be read or is not a JSON object.
  case unreadableParamsFile(path: String, reason: String)
  /// A parameter is unknown, of the wrong type or out of range; `path` is its dotted key, e.g. `pretrain.steps`.
  case invalidParameter(path: String, reason: String)
  /// The stage's computation produced something unusable (a stage bug or a numerical failure).
  case computationFailed(reason: String)
  /// An input does not fit the others or the params (another environment, task count, round …).
  case incompatibleInput(role: String, path: String, field: String, reason: String, fix: String)
  /// A repeatable input role is malformed, missing or not expected by the params (report inputs).
  case inputLayout(role: String, reason: String)
  /// An input's content disagrees with the other inputs or its role (e.g. another environment).
  case inconsistentInput(role: String, reason: String)

  public var description: String {
    switch self {
    case .unavailable(let stage, let issue):
      "the \(stage) stage is not implemented in this build yet (issue #\(issue)); "
        + "see README.md \"Status\""
    case .malformedArgument(let option, let value, let expected):
      "\(option) '\(value)': expected \(expected)"
    case .unknownInput(let role, let valid):
      "--input \(role)=…: this stage reads no input '\(role)'; "
        + (valid.isEmpty ? "it takes no inputs" : "valid inputs: \(valid.joined(separator: ", "))")
    case .missingInput(let role):
      "--input \(role)=PATH is required; see --help for what it must be"
    case .invalidOutputs(let reason, let roles):
      "--output: \(reason); give "
        + (roles.count == 1 ? "--output PATH" : roles.map { "--output \($0)=PATH" }.joined(separator: " "))
    case .unreadableParamsFile(let path, let reason):
      "--params-file \(path): \(reason); give a JSON object such as {\"pretrain\": {\"steps\": 1000}} "
        + "(or `amf-pipeline params MANIFEST` for a whole arm's)"
    case .invalidParameter(let path, let reason):
      "parameter \(path.isEmpty ? "(top level)" : path): \(reason); see --help for every parameter and its default"
    case .computationFailed(let reason):
      "internal error: \(reason)"
    case .incompatibleInput(let role, let path, let field, let reason, let fix):
      "input \(role) (\(path)): \(field) \(reason); \(fix)"
    case .inputLayout(let role, let reason):
      "--input \(role): \(reason)"
    case .inconsistentInput(let role, let reason):
      "--input \(role): \(reason); every input of one run must come from one study"
    }
  }

  /// Whether the error is a command-line mistake (exit 64) rather than bad data (65).
  public var isUsageError: Bool {
    switch self {
    case .malformedArgument, .unknownInput, .missingInput, .invalidOutputs, .inputLayout: true
    case .unavailable, .unreadableParamsFile, .invalidParameter, .computationFailed, .incompatibleInput,
      .inconsistentInput: false
    }
  }
}
