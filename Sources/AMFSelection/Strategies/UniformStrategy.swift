/// `uniform` (the paper's main baseline, AMF.md §2.3): tasks drawn uniformly from the candidates, cycling
/// through seeded random permutations so counts stay balanced.
///
/// The picks of all rounds form one sequence: permutation k of the candidates comes from
/// `seed.derived("select/uniform/cycle-k")`, and round r takes positions (r−1)·B … r·B−1, so a round needs
/// no state from earlier rounds. Scores: 1 for the task drawn at that pick, 0 for other candidates.
public enum UniformStrategy: SelectionStrategy {
  public static let id = StrategyID.uniform
  public static let inputs: Set<SelectionInput> = []

  public static func select(_ problem: SelectionProblem) throws -> SelectionResult {
    try problem.validate()
    let count = problem.candidates.count
    var selected: [Int] = []
    var scores: [[Double]] = []
    for pick in 0..<problem.batch {
      let position = (problem.round - 1) * problem.batch + pick
      var generator = problem.seed.generator("select/uniform/cycle-\(position / count)")
      let cycle = generator.permutation(count).map { problem.candidates[$0] }
      let task = cycle[position % count]
      selected.append(task)
      let row = (0..<problem.taskCount).map { $0 == task ? 1.0 : 0.0 }
      scores.append(TieBreak.row(row, candidates: problem.candidates))
    }
    return SelectionResult(selected: selected, scores: scores)
  }
}
