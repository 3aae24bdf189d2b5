import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFSelection

/// The four strategies on small problems whose answers are known.
@Suite struct StrategyTests {
  /// A weight-space problem: `tasks` tasks, a pool of one trajectory per task with `steps` steps, target
  /// points every step, embeddings from `embed(state, task)`.
  static func problem(
    tasks: Int, steps: Int, targets: [Int], weights: ImportanceWeights, batch: Int = 1,
    embed: (_ pool: Int, _ step: Int, _ task: Int) -> [Double]
  ) throws -> SelectionProblem {
    let pool = weights.poolCount
    var targetLabels: [PointLabel] = []
    var targetRows: [[Double]] = []
    for c in targets {
      for i in 0..<pool {
        for t in 0..<steps {
          targetLabels.append(PointLabel(task: c, pool: i, step: t))
          targetRows.append(embed(i, t, c))
        }
      }
    }
    var candidateLabels: [PointLabel] = []
    var candidateRows: [[Double]] = []
    for c in 0..<tasks {
      for j in 0..<pool {
        for t in 0..<steps {
          candidateLabels.append(PointLabel(task: c, pool: j, step: t))
          candidateRows.append(embed(j, t, c))
        }
      }
    }
    var mu = [Double](repeating: 0, count: tasks)
    for c in targets { mu[c] = 1 / Double(targets.count) }
    let width = targetRows[0].count
    return SelectionProblem(
      taskCount: tasks, candidates: Array(0..<tasks), targetWeights: mu, batch: batch, round: 1, seed: Seed(7),
      weights: weights, targets: targetLabels, candidatePoints: candidateLabels,
      embeddings: .weightSpace(
        targets: Matrix(targetRows), candidates: Matrix(candidateRows), conditioning: Matrix(rows: 0, columns: width)),
      entropies: candidateLabels.map { Double($0.task) }, collectedCounts: [Int](repeating: 0, count: tasks))
  }

  static func oneHot(_ index: Int, _ width: Int) -> [Double] { (0..<width).map { $0 == index ? 1 : 0 } }

  /// One-hot task features under a last-layer kernel: φ(s, c) = e_c. Targets are task 0 only; task 2's
  /// candidate block is orthogonal to every target, so its gain is exactly 0, while uncertainty sampling
  /// (entropy = task id here) picks it.
  @Test func orthogonalCandidateHasZeroGainButUncertaintyMayChooseIt() throws {
    let weights = try ImportanceWeights(uniformOver: [0, 1, 2], taskCount: 3)
    let problem = try Self.problem(tasks: 3, steps: 2, targets: [0], weights: weights) { _, _, c in Self.oneHot(c, 3) }
    let amf = try AMFStrategy.select(problem)
    #expect(amf.scores[0][2] == 0)
    #expect(amf.scores[0][1] == 0)
    #expect(amf.scores[0][0] > 0)
    #expect(amf.selected == [0])
    // By hand: 6 target points, each e₀ with σ² = 1; a block of 2 steps of e₀ gives σ² = 1/(1 + 2/ρ²);
    // score = Σ_j w̄_j Σ_i μ w̄_i Σ_{t<2} ½ log(1 + 2/ρ²) = 2 · ½ log(201) (weights sum to 1 over the pool).
    #expect(abs(amf.scores[0][0] - log(201.0)) < 1e-9)
    let uncertainty = try UncertaintyStrategy.select(problem)
    #expect(uncertainty.selected == [2])
  }

  @Test func identicalPoliciesMakeAMFEqualItsNoISAblation() throws {
    let likelihoods = Matrix<Double>([[-3, -3, -3, -3], [-5, -5, -5, -5], [-1, -1, -1, -1], [-2, -2, -2, -2]])
    let weighted = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [0, 1, 2, 3], temperature: 1, clip: 30)
    let uniform = try ImportanceWeights(uniformOver: [0, 1, 2, 3], taskCount: 4)
    let embed: (Int, Int, Int) -> [Double] = { i, t, c in
      [sin(Double(i + 1) * 0.7 + Double(t)), cos(Double(c) * 1.3 + Double(t) * 0.2), Double(c) * 0.3, 1]
    }
    let a = try AMFStrategy.select(Self.problem(tasks: 4, steps: 3, targets: [1, 2], weights: weighted, batch: 2, embed: embed))
    let b = try AMFStrategy.select(Self.problem(tasks: 4, steps: 3, targets: [1, 2], weights: uniform, batch: 2, embed: embed))
    #expect(a.selected == b.selected)
    for (x, y) in zip(a.scores, b.scores) { #expect(areClose(x, y, relative: 1e-12)) }
  }

  /// Relabelling the tasks by a permutation permutes the scores.
  @Test func relabellingTasksPermutesScores() throws {
    let permutation = [2, 0, 3, 1]  // task c becomes permutation[c]
    let likelihoods = Matrix<Double>([[-1, -4, -2, -6], [-3, -1, -5, -2], [-2, -3, -1, -4], [-5, -2, -3, -1]])
    var permuted = Matrix<Double>(rows: 4, columns: 4)
    for i in 0..<4 { for c in 0..<4 { permuted[i, permutation[c]] = likelihoods[i, c] } }
    let features: [[Double]] = [[1, 0.2], [0.3, 1], [-0.5, 0.4], [0.1, -0.9]]
    let embed: (Int, Int, Int) -> [Double] = { i, t, c in
      [features[c][0] + 0.1 * Double(i), features[c][1] * Double(t + 1), 0.5 * Double(i) - features[c][0], 1]
    }
    var inverse = [Int](repeating: 0, count: 4)
    for c in 0..<4 { inverse[permutation[c]] = c }
    let original = try AMFStrategy.select(Self.problem(
      tasks: 4, steps: 3, targets: [0, 1],
      weights: try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [0, 1, 2, 3], temperature: 1, clip: 30),
      embed: embed))
    let relabelled = try AMFStrategy.select(Self.problem(
      tasks: 4, steps: 3, targets: [permutation[0], permutation[1]],
      weights: try ImportanceWeights(
        logLikelihoods: permuted, poolTasks: [0, 1, 2, 3].map { permutation[$0] }, temperature: 1, clip: 30),
      embed: { i, t, c in embed(i, t, inverse[c]) }))
    for c in 0..<4 { #expect(abs(original.scores[0][c] - relabelled.scores[0][permutation[c]]) < 1e-10) }
    #expect(relabelled.selected == [permutation[original.selected[0]]])
  }

  /// Greedy batches: after conditioning on the first pick's block, a second pick of the same task gains less.
  @Test func greedyBatchReScoresAfterConditioning() throws {
    let weights = try ImportanceWeights(uniformOver: [0, 1], taskCount: 2)
    let problem = try Self.problem(tasks: 2, steps: 2, targets: [0, 1], weights: weights, batch: 2) { _, _, c in
      c == 0 ? [1, 0] : [0, 0.5]
    }
    let result = try AMFStrategy.select(problem)
    #expect(result.selected == [0, 1])
    #expect(result.scores[1][0] < result.scores[0][0])
    #expect(abs(result.scores[1][1] - result.scores[0][1]) < 1e-12)  // orthogonal: unchanged
    #expect(result.conditionedOn[0] == 0)  // ties without IS go to task 0's own (most recent) trajectory
  }

  @Test func uniformCyclesThroughPermutationsSoCountsStayBalanced() throws {
    var counts = [Int](repeating: 0, count: 12)
    for round in 1...6 {
      let problem = SelectionProblem(
        taskCount: 12, candidates: Array(0..<12), targetWeights: [Double](repeating: 1.0 / 12, count: 12),
        batch: 2, round: round, seed: Seed(3), collectedCounts: [Int](repeating: 0, count: 12))
      for task in try UniformStrategy.select(problem).selected { counts[task] += 1 }
    }
    #expect(counts == [Int](repeating: 1, count: 12))
  }

  @Test func rebalancingPicksTheFewestDistinct() throws {
    var problem = SelectionProblem(
      taskCount: 4, candidates: [0, 1, 2, 3], targetWeights: [0.25, 0.25, 0.25, 0.25], batch: 2, round: 1,
      seed: Seed(1), collectedCounts: [0, 1, 0, 0], pretrainingCounts: [10, 0, 10, 3])
    let result = try RebalancingStrategy.select(problem)
    #expect(result.selected == [1, 3])
    #expect(result.scores[0] == [-10, -1, -10, -3])
    problem.pretrainingCounts = nil
    #expect(throws: SelectionError.missingInput(strategy: "rebalancing", input: "pretraining")) {
      try RebalancingStrategy.select(problem)
    }
  }

  /// Exact ties go to the task earliest in the seed's permutation, whichever its id.
  @Test func tiesFollowTheSeedPermutation() throws {
    for seed in [1, 2, 3, 4] as [UInt64] {
      let problem = SelectionProblem(
        taskCount: 5, candidates: Array(0..<5), targetWeights: [Double](repeating: 0.2, count: 5), batch: 5,
        round: 1, seed: Seed(seed), collectedCounts: [0, 0, 0, 0, 0], pretrainingCounts: [1, 1, 1, 1, 1])
      #expect(try RebalancingStrategy.select(problem).selected == problem.tieBreakOrder)
    }
  }
}
