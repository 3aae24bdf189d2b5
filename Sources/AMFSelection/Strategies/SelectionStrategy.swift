/// A rule that picks the tasks to demonstrate in one round (AMF.md §2.3): one file per rule, found by name.
public protocol SelectionStrategy: Sendable {
  /// The manifest name (`select.strategy`).
  static var name: String { get }
  /// Whether it reads the proxy pool's embeddings (then the embed stage must run before it).
  static var needsEmbeddings: Bool { get }
  /// The B picks and every candidate's score at each pick.
  static func select(_ problem: SelectionProblem) throws -> SelectionResult
}

/// The registry of strategies.
public enum SelectionStrategies {
  /// Every strategy, by name.
  public static let all: [any SelectionStrategy.Type] = [
    AMFStrategy.self, UncertaintyStrategy.self, UniformStrategy.self, RebalancingStrategy.self,
  ]

  /// The strategy named `name`, or nil.
  public static func named(_ name: String) -> (any SelectionStrategy.Type)? {
    all.first { $0.name == name }
  }
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
