/// `rebalancing` (privileged reference, AMF.md §2.3): the candidates with the fewest demonstrations so far,
/// pre-training plus collected; the top B distinct tasks, ties by the seed's permutation.
///
/// Score: minus the count. It reads pre-training counts, which AMF never sees.
public enum RebalancingStrategy: SelectionStrategy {
  public static let id = StrategyID.rebalancing
  public static let inputs: Set<SelectionInput> = [.pretrainingCounts, .collectedCounts]

  public static func select(_ problem: SelectionProblem) throws -> SelectionResult {
    try problem.validate()
    guard let pretraining = problem.pretrainingCounts else {
      throw SelectionError.missingInput(strategy: name, input: "pretraining")
    }
    let scores = (0..<problem.taskCount).map { -Double(pretraining[$0] + problem.collectedCounts[$0]) }
    let selected = TieBreak.top(
      problem.batch, scores: scores, candidates: problem.candidates, order: problem.tieBreakOrder)
    let row = TieBreak.row(scores, candidates: problem.candidates)
    return SelectionResult(selected: selected, scores: Array(repeating: row, count: problem.batch))
  }
}
