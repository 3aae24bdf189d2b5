import AMFCore

/// A rule that picks the tasks to demonstrate in one round (AMF.md §2.3): one file per rule, registered in
/// `StrategyID`.
public protocol SelectionStrategy: Sendable {
  /// The registry entry (`select.strategy` in manifests, `@strategy` in selection artifacts).
  static var id: StrategyID { get }
  /// The inputs it reads: the manifest expansion wires exactly these to the select stage (and runs the embed
  /// stage when `.embeddings` is among them), and the select stage requires the required ones.
  static var inputs: Set<SelectionInput> { get }
  /// The B picks and every candidate's score at each pick.
  static func select(_ problem: SelectionProblem) throws -> SelectionResult
}

extension SelectionStrategy {
  /// The manifest name, `id.rawValue`.
  public static var name: String { id.rawValue }
}

/// Every selection strategy, by the name used in manifests, params and artifacts (`select.strategy`).
public enum StrategyID: String, ManifestChoice {
  case amf, uncertainty, uniform, rebalancing

  /// The registry: the one `switch` over strategies in the code base.
  public var strategy: any SelectionStrategy.Type {
    switch self {
    case .amf: AMFStrategy.self
    case .uncertainty: UncertaintyStrategy.self
    case .uniform: UniformStrategy.self
    case .rebalancing: RebalancingStrategy.self
    }
  }

  /// The inputs the strategy reads (`SelectionStrategy.inputs`).
  public var inputs: Set<SelectionInput> { strategy.inputs }

  /// The strategies that read `input`, in declaration order.
  public static func reading(_ input: SelectionInput) -> [StrategyID] {
    allCases.filter { $0.strategy.inputs.contains(input) }
  }
}

/// An input a strategy can read besides the scenario, named by its role in the select stage (`--input ROLE=…`).
public enum SelectionInput: String, CaseIterable, Hashable, Sendable {
  /// The round's embeddings (`EmbeddingSet`): kernel inputs, importance weights, entropies, collected counts.
  case embeddings
  /// The pre-training demonstrations, for per-task counts (privileged: AMF never sees them).
  case pretrainingCounts = "pretraining"
  /// The collected demonstrations D_r, for per-task counts; none exist in round 1.
  case collectedCounts = "demonstrations"

  /// One line for `--help`.
  public var meaning: String {
    switch self {
    case .embeddings: "the round's embeddings"
    case .pretrainingCounts: "pre-training demonstrations, for counts"
    case .collectedCounts: "collected demonstrations D_r, for counts (r ≥ 2)"
    }
  }

  /// Whether the select stage fails without it (D_r is empty in round 1, so collected counts are optional).
  public var isRequired: Bool { self != .collectedCounts }
}

/// Argmax and ranking with the seed's tie-break order (AMF.md §2.3).
enum TieBreak {
  /// Scores within `1e-12 · max(1, |best|)` of the best tie.
  static func isTie(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(a), abs(b)) }

  /// The candidate with the highest score; ties go to the task earliest in `order`.
  static func argmax(_ scores: [Double], candidates: [Int], order: [Int]) -> Int {
    let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    let best = candidates.map { scores[$0] }.max() ?? 0
    let tied = candidates.filter { isTie(scores[$0], best) }
    return tied.min { rank[$0, default: .max] < rank[$1, default: .max] } ?? candidates[0]
  }

  /// The top `count` distinct candidates by score (ties by `order`); with fewer candidates than `count`,
  /// the ranking repeats from the top (AMF.md §2.4).
  static func top(_ count: Int, scores: [Double], candidates: [Int], order: [Int]) -> [Int] {
    var remaining = candidates
    var ranking: [Int] = []
    while !remaining.isEmpty {
      let pick = argmax(scores, candidates: remaining, order: order)
      ranking.append(pick)
      remaining.removeAll { $0 == pick }
    }
    return (0..<count).map { ranking[$0 % ranking.count] }
  }

  /// A score row: `scores` on candidates, NaN elsewhere.
  static func row(_ scores: [Double], candidates: [Int]) -> [Double] {
    scores.indices.map { candidates.contains($0) ? scores[$0] : .nan }
  }
}
