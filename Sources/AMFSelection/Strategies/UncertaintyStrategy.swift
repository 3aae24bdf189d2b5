/// `uncertainty` (ablation 1, AMF.md §2.3): maximize the prior policy entropy,
/// `score(c') = Σ_j w̄_j(c') mean_t H[π_n(· | s^j_t, c')]`; the top B distinct tasks.
///
/// It ignores the targets and the information structure: undirected.
public enum UncertaintyStrategy: SelectionStrategy {
  public static let id = StrategyID.uncertainty
  public static let inputs: Set<SelectionInput> = [.embeddings]

  public static func select(_ problem: SelectionProblem) throws -> SelectionResult {
    try problem.validate()
    guard let entropies = problem.entropies, let weights = problem.weights else {
      throw SelectionError.missingInput(strategy: name, input: "embeddings")
    }
    guard entropies.count == problem.candidatePoints.count else {
      throw SelectionError.inconsistent(
        reason: "\(entropies.count) entropies for \(problem.candidatePoints.count) candidate points")
    }
    var scores = [Double](repeating: 0, count: problem.taskCount)
    for block in try problem.candidateBlocks() {
      let mean = block.rows.reduce(0) { $0 + entropies[$1] } / Double(block.rows.count)
      scores[block.task] += weights.weight(block.pool, task: block.task) * mean
    }
    guard scores.allSatisfy(\.isFinite) else { throw SelectionError.nonFinite(quantity: "an entropy score") }
    let selected = TieBreak.top(
      problem.batch, scores: scores, candidates: problem.candidates, order: problem.tieBreakOrder)
    let row = TieBreak.row(scores, candidates: problem.candidates)
    return SelectionResult(selected: selected, scores: Array(repeating: row, count: problem.batch))
  }
}
