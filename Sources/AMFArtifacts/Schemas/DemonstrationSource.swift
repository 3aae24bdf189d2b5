/// Where a demonstration or a proxy-pool trajectory came from: a demo's `source` attribute and `/mask` split,
/// and the embeddings' `/pool/source` (ARTIFACTS.md).
public enum DemonstrationSource: Hashable, Sendable, CustomStringConvertible {
  /// The scripted expert, for pre-training: `pretrain`.
  case pretrain
  /// The expert queried in fine-tuning round r ≥ 1: `round_<r>` (the collected demonstrations D).
  case round(Int)
  /// A rollout of the current policy in the proxy pool: `rollout` (never stored as a demonstration).
  case rollout

  private static let roundPrefix = "round_"

  /// Parses `pretrain`, `round_<r>` (r ≥ 0, decimal digits only) or `rollout`; nil for anything else.
  public init?(_ text: String) {
    switch text {
    case "pretrain": self = .pretrain
    case "rollout": self = .rollout
    default:
      let digits = text.dropFirst(Self.roundPrefix.count)
      guard text.hasPrefix(Self.roundPrefix), !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
        let round = Int(digits), round >= 0
      else { return nil }
      self = .round(round)
    }
  }

  /// The string as stored.
  public var description: String {
    switch self {
    case .pretrain: "pretrain"
    case .round(let r): Self.roundPrefix + String(r)
    case .rollout: "rollout"
    }
  }

  /// The round it was collected in, for `round_<r>`; nil otherwise.
  public var round: Int? {
    if case .round(let r) = self { return r }
    return nil
  }

  /// Whether it is an expert demonstration collected in a fine-tuning round (part of D).
  public var isCollected: Bool { round != nil }
}
