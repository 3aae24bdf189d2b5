/// Errors of the report computation, each naming the evaluations to fix.
public enum ReportError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Evaluations that cannot be compared: a success curve that does not run from 0 to N demonstrations, or
  /// an arm that shares no seed with `amf`; `role` names the evaluations (`evaluation/<arm>/seed-<s>`).
  case inconsistentInput(role: String, reason: String)

  public var description: String {
    switch self {
    case .inconsistentInput(let role, let reason):
      "--input \(role): \(reason); every input of one run must come from one study"
    }
  }
}
