/// Why a selection could not be computed; each message names the quantity and the fix.
public enum SelectionError: Error, Equatable, CustomStringConvertible {
  /// The proxy pool has no trajectory.
  case emptyPool
  /// A quantity is NaN or infinite.
  case nonFinite(quantity: String)
  /// The inputs do not fit together.
  case inconsistent(reason: String)
  /// A strategy needs an input it was not given.
  case missingInput(strategy: String, input: String)

  public var description: String {
    switch self {
    case .emptyPool:
      "the proxy pool is empty: give the embed stage collected demonstrations or rollouts_per_task ≥ 1"
    case .nonFinite(let quantity):
      "\(quantity) is not finite; check the policy for NaN weights"
    case .inconsistent(let reason):
      reason
    case .missingInput(let strategy, let input):
      "strategy '\(strategy)' needs the '\(input)' input; pass --input \(input)=PATH"
    }
  }
}
