import AMFCore
import AMFNumerics
import Foundation
import Testing

@testable import AMFSelection

/// The selection-side options of the AMF-NN fidelity investigation (issue #16, docs/amf-nn.md): the ESS
/// floor of the importance weights (H2) and the greedy batch's conditioning block (H3).
@Suite struct FidelityOptionTests {
  /// Pool of 3 for task 0 with summed log-ratios (0, −10, −10) under κ: weights ∝ (1, q, q), q = e^{−10/κ},
  /// ESS = (1 + 2q)² / (1 + 2q²). ESS = 2 needs (1 + 2q)² = 2 + 4q², so q = 1/4 and κ = 10 / log 4.
  @Test func essFloorFindsTheClosedFormTemperature() throws {
    let likelihoods = Matrix<Double>([[0, -50], [-10, 0], [-10, 0]])  // pool tasks 0, 1, 1
    let weights = try ImportanceWeights(
      logLikelihoods: likelihoods, poolTasks: [0, 1, 1], temperature: 1, clip: 30, targetESS: 2.0 / 3)
    #expect(abs(weights.temperatures[0] - 10 / log(4.0)) < 1e-9)
    #expect(abs(weights.effectiveSampleSize[0] - 2) < 1e-9)
    #expect(abs(weights.weight(0, task: 0) - 1 / 1.5) < 1e-9)  // 1 / (1 + 2 · ¼)
    // The stored log-ratios are the sums divided by each task's own κ.
    #expect(abs(weights.logRatios[1, 0] - (-10) / weights.temperatures[0]) < 1e-12)
    // Task 1: ratios (−50 − 0, 0, 0) = (−50, 0, 0) at κ = 1 already give ESS 2 ≥ 2: κ stays 1.
    #expect(weights.temperatures[1] == 1)
    #expect(abs(weights.effectiveSampleSize[1] - 2) < 1e-9)
  }

  /// Without a floor the temperature is κ for every task and the weights are those of AMF.md §2.2.
  @Test func noFloorKeepsTheGivenTemperature() throws {
    let likelihoods = Matrix<Double>([[-1, -3], [-2, -1]])
    let plain = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [0, 1], temperature: 2, clip: 30)
    #expect(plain.temperatures == [2, 2])
    let floored = try ImportanceWeights(
      logLikelihoods: likelihoods, poolTasks: [0, 1], temperature: 2, clip: 30, targetESS: 0.5)
    #expect(floored.logWeights == plain.logWeights)  // ESS ≥ 1 = 0.5 · 2 always holds
  }

  /// Pool: two collected demonstrations of task 1 (indices 0, 1), then rollouts of tasks 0 and 1 (2, 3).
  /// Task 1's weights peak on its rollout (index 3): `likeliest` conditions on it, `latest_demonstration` on
  /// the newest demonstration (index 1); task 0 has no demonstration, so both rules take its likeliest.
  @Test func batchConditioningRules() throws {
    let likelihoods = Matrix<Double>([[-9, -5], [-9, -4], [-1, -8], [-9, -1]])
    let weights = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [1, 1, 0, 1], temperature: 1, clip: 30)
    var problem = SelectionProblem(
      taskCount: 2, candidates: [0, 1], targetWeights: [0.5, 0.5], batch: 2, round: 2, seed: Seed(1),
      weights: weights, collectedCounts: [0, 2])
    problem.poolIsCollected = [true, true, false, false]
    #expect(AMFStrategy.conditioningTrajectory(of: 1, problem: problem, weights: weights) == 3)
    problem.batchConditioning = .latestDemonstration
    #expect(AMFStrategy.conditioningTrajectory(of: 1, problem: problem, weights: weights) == 1)
    #expect(AMFStrategy.conditioningTrajectory(of: 0, problem: problem, weights: weights) == 2)
    problem.poolIsCollected = nil  // unknown sources: the default rule
    #expect(AMFStrategy.conditioningTrajectory(of: 1, problem: problem, weights: weights) == 3)
  }

  /// The greedy batch keeps and conditions on the chosen block even when its importance weight is below
  /// `minWeight`. Pool: a demonstration of task 0 (0), task 0's rollout (1), task 1's rollout (2), which is
  /// e^100 times more likely under task 0 than under its own task, so after the clip (L = 30) it carries
  /// all of task 0's weight and the demonstration only e^{−30}/(2 + e^{−30})·… ≈ 9e-14 < `minWeight`.
  /// Embeddings e_c for every point of task c. Task 0 is the only candidate, picked twice.
  @Test func latestDemonstrationBlockIsKeptAndConditionedOn() throws {
    let likelihoods = Matrix<Double>([[0, -100], [0, -100], [0, -100]])
    let weights = try ImportanceWeights(logLikelihoods: likelihoods, poolTasks: [0, 0, 1], temperature: 1, clip: 30)
    #expect(weights.weight(0, task: 0) < 1e-9)
    var problem = try StrategyTests.problem(tasks: 2, steps: 2, targets: [0, 1], weights: weights, batch: 2) { _, _, c in
      StrategyTests.oneHot(c, 2)
    }
    problem.candidates = [0]
    problem.minWeight = 1e-9
    problem.poolIsCollected = [true, false, false]
    problem.batchConditioning = .latestDemonstration
    let result = try AMFStrategy.select(problem)
    #expect(result.selected == [0, 0])
    #expect(result.conditionedOn[0] == 0)
    // By hand: task 0's targets carry weight ½ per step (2 steps) in direction e₀ with prior variance 1; a
    // 2-row block of e₀ gives ½ log(1 + 2/ρ²) each, so the first score is ½ log 201 (ρ² = 0.01, the kept
    // blocks' weights sum to 1 − 2e-13). Conditioned on the demonstration's block (2 rows of e₀), the
    // precision is 201 and the second score ½ log(401/201). Had the block been skipped, it would stay.
    #expect(abs(result.scores[0][0] - 0.5 * log(201.0)) < 1e-9)
    #expect(abs(result.scores[1][0] - 0.5 * log(401.0 / 201)) < 1e-9)
    problem.batchConditioning = .likeliest
    let likeliest = try AMFStrategy.select(problem)
    #expect(likeliest.conditionedOn[0] == 2)  // task 1's rollout carries task 0's weight
  }
}
