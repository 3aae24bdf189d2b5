import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFSelection

/// Strategy scores on problems small enough to score by hand, and the problem's validation messages.
@Suite struct StrategyClosedFormTests {
  static func problem(tasks: Int = 2, candidates: [Int] = [0, 1], batch: Int = 1) -> SelectionProblem {
    SelectionProblem(
      taskCount: tasks, candidates: candidates, targetWeights: [Double](repeating: 1 / Double(tasks), count: tasks),
      batch: batch, round: 1, seed: Seed(2), collectedCounts: [Int](repeating: 0, count: tasks))
  }

  /// AMF-GP with one pool trajectory of one step (task 0, weight 1), target task 0 only. Candidate (0, x = 0) is
  /// the target point itself: ½ log(1 + σ_f²/ρ²). Candidate (1, x = d) has k = e^{−d²/(2ℓ²)}: its gain is
  /// −½ log(1 − k²/(σ_f² + ρ²)).
  @Test func functionSpaceAMFScoresMatchTheClosedForm() throws {
    let (noise, d, lengthscale) = (0.04, 0.5, 0.5)
    var problem = Self.problem()
    problem.targetWeights = [1, 0]
    problem.noiseVariance = noise
    problem.weights = try ImportanceWeights(uniformOver: [0], taskCount: 2)
    problem.targets = [PointLabel(task: 0, pool: 0, step: 0)]
    problem.candidatePoints = [PointLabel(task: 0, pool: 0, step: 0), PointLabel(task: 1, pool: 0, step: 0)]
    problem.embeddings = .functionSpace(
      kernel: RBFKernel(lengthscale: lengthscale, signalVariance: 1), targets: Matrix([[0]]),
      candidates: Matrix([[0], [d]]), conditioning: Matrix(rows: 0, columns: 1))
    let result = try AMFStrategy.select(problem)
    let k = exp(-d * d / (2 * lengthscale * lengthscale))
    #expect(abs(result.scores[0][0] - 0.5 * log(1 + 1 / noise)) < 1e-12)
    #expect(abs(result.scores[0][1] - (-0.5 * log(1 - k * k / (1 + noise)))) < 1e-12)
    #expect(result.selected == [0] && result.conditionedOn == [0])
  }

  /// Uncertainty: score(c) = Σ_j w̄_j(c) mean_t H. Pool of two (uniform weights ½), two steps, entropies per
  /// candidate point in the order (task, pool, step): task 0 → (1, 3 | 2, 2) → ½·2 + ½·2 = 2; task 1 →
  /// (0, 1 | 5, 7) → ½·0.5 + ½·6 = 3.25. Task 2 is not a candidate: NaN, and its points are ignored.
  @Test func uncertaintyScoresAreWeightedMeanEntropies() throws {
    var problem = Self.problem(tasks: 3, candidates: [0, 1])
    problem.weights = try ImportanceWeights(uniformOver: [0, 1], taskCount: 3)
    problem.candidatePoints = (0..<3).flatMap { c in
      (0..<2).flatMap { j in (0..<2).map { t in PointLabel(task: c, pool: j, step: t) } }
    }
    problem.entropies = [1, 3, 2, 2, 0, 1, 5, 7, 100, 100, 100, 100]
    let result = try UncertaintyStrategy.select(problem)
    #expect(result.scores[0][0] == 2 && result.scores[0][1] == 3.25 && result.scores[0][2].isNaN)
    #expect(result.selected == [1])
    problem.entropies = [1, 2]
    #expect(throws: SelectionError.inconsistent(reason: "2 entropies for 12 candidate points")) {
      try UncertaintyStrategy.select(problem)
    }
    problem.entropies = nil
    #expect(throws: SelectionError.missingInput(strategy: "uncertainty", input: "embeddings")) {
      try UncertaintyStrategy.select(problem)
    }
  }

  /// Round r takes positions (r−1)·B … r·B − 1 of the cycle sequence; cycle k is the permutation of
  /// `seed.derived("select/uniform/cycle-k")` over the candidates [1, 3, 5].
  @Test func uniformRoundsContinueOneSequence() throws {
    var sequence: [Int] = []
    for cycle in 0..<2 {
      var generator = Seed(2).generator("select/uniform/cycle-\(cycle)")
      sequence += generator.permutation(3).map { [1, 3, 5][$0] }
    }
    var problem = Self.problem(tasks: 6, candidates: [1, 3, 5], batch: 2)
    var picks: [Int] = []
    for round in 1...3 {
      problem.round = round
      let result = try UniformStrategy.select(problem)
      picks += result.selected
      for (pick, row) in zip(result.selected, result.scores) {
        #expect(row[pick] == 1 && [1, 3, 5].filter { $0 != pick }.allSatisfy { row[$0] == 0 })
        #expect([0, 2, 4].allSatisfy { row[$0].isNaN })
      }
    }
    #expect(picks == sequence)
    #expect(Set(picks.prefix(3)) == [1, 3, 5] && Set(picks.suffix(3)) == [1, 3, 5])
  }

  /// Fewer distinct candidates than B: the ranking repeats from the top (AMF.md §2.4).
  @Test func rankingRepeatsWhenBatchExceedsCandidates() throws {
    var problem = Self.problem(tasks: 4, candidates: [1, 2], batch: 5)
    problem.pretrainingCounts = [0, 4, 1, 0]
    #expect(try RebalancingStrategy.select(problem).selected == [2, 1, 2, 1, 2])
    #expect(TieBreak.top(3, scores: [0, 5, 1], candidates: [1], order: [0, 1, 2]) == [1, 1, 1])
    #expect(TieBreak.isTie(1, 1 + 1e-13) && !TieBreak.isTie(1, 1 + 1e-11))
    #expect(TieBreak.isTie(1e6, 1e6 + 1e-7) && !TieBreak.isTie(1e6, 1e6 + 1e-5))
  }

  @Test func validationNamesWhatDoesNotFit() throws {
    var problem = Self.problem()
    problem.candidates = []
    #expect(throws: SelectionError.inconsistent(reason: "need ≥ 1 task, ≥ 1 candidate and batch ≥ 1")) {
      try problem.validate()
    }
    problem.candidates = [0, 2]
    #expect(throws: SelectionError.inconsistent(reason: "candidates [0, 2] are not all in 0..<2")) {
      try problem.validate()
    }
    problem.candidates = [0, 1]
    problem.collectedCounts = [0]
    #expect(throws: SelectionError.inconsistent(
      reason: "target weights (2) and collected counts (1) must have one entry per task (2)")) { try problem.validate() }
    problem.collectedCounts = [0, 0]
    problem.pretrainingCounts = [1, 2, 3]
    #expect(throws: SelectionError.inconsistent(
      reason: "pre-training counts cover 3 tasks, the problem has 2")) { try problem.validate() }
    problem.pretrainingCounts = nil
    problem.weights = try ImportanceWeights(uniformOver: [0], taskCount: 3)
    #expect(throws: SelectionError.inconsistent(
      reason: "importance weights cover 3 tasks, the problem has 2")) { try problem.validate() }
  }

  /// Candidate points of one (task, pool) pair must be contiguous; blocks of non-candidates are dropped.
  @Test func candidateBlocksAreContiguousRuns() throws {
    var problem = Self.problem(tasks: 3, candidates: [0, 2])
    problem.candidatePoints = [
      PointLabel(task: 0, pool: 0, step: 0), PointLabel(task: 0, pool: 0, step: 1), PointLabel(task: 1, pool: 0, step: 0),
      PointLabel(task: 2, pool: 1, step: 0), PointLabel(task: 2, pool: 1, step: 1), PointLabel(task: 2, pool: 1, step: 2),
    ]
    let blocks = try problem.candidateBlocks()
    #expect(blocks.map(\.task) == [0, 2] && blocks.map(\.pool) == [0, 1] && blocks.map(\.rows) == [0..<2, 3..<6])
    problem.candidatePoints.append(PointLabel(task: 0, pool: 0, step: 2))
    #expect(throws: SelectionError.inconsistent(
      reason: "candidate points of task 0, pool trajectory 0 are not contiguous")) { try problem.candidateBlocks() }
  }

  /// AMF needs embeddings and a target with positive weight.
  @Test func amfInputsAreChecked() throws {
    var problem = Self.problem()
    #expect(throws: SelectionError.missingInput(strategy: "amf", input: "embeddings")) { try AMFStrategy.select(problem) }
    problem.weights = try ImportanceWeights(uniformOver: [0], taskCount: 2)
    problem.targetWeights = [0, 1]
    problem.targets = [PointLabel(task: 0, pool: 0, step: 0)]
    problem.candidatePoints = [PointLabel(task: 0, pool: 0, step: 0)]
    problem.embeddings = .weightSpace(targets: Matrix([[1.0]]), candidates: Matrix([[1.0]]),
                                      conditioning: Matrix(rows: 0, columns: 1))
    #expect(throws: SelectionError.inconsistent(
      reason: "no target point has positive weight; check the scenario's targets")) { try AMFStrategy.select(problem) }
  }
}
