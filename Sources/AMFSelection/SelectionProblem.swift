import AMFCore
import AMFNumerics

/// A point `(s^i_t, c)`: pool trajectory i's state at step t, paired with task c's features.
public struct PointLabel: Hashable, Sendable {
  /// The task c whose features the state is paired with.
  public var task: Int
  /// The pool trajectory i.
  public var pool: Int
  /// The time step t.
  public var step: Int

  /// Creates a label.
  public init(task: Int, pool: Int, step: Int) {
    self.task = task
    self.pool = pool
    self.step = step
  }
}

/// What the kernel of AMF sees at the target, candidate and conditioning points (AMF.md §2.1).
public enum PointEmbeddings: Sendable {
  /// A linear kernel on embeddings φ (AMF-NN). Shapes: (n × p) each.
  case weightSpace(targets: Matrix<Double>, candidates: Matrix<Double>, conditioning: Matrix<Double>)
  /// An RBF kernel on standardized inputs (AMF-GP). Shapes: (n × d) each.
  case functionSpace(kernel: RBFKernel, targets: Matrix<Double>, candidates: Matrix<Double>, conditioning: Matrix<Double>)
}

/// A candidate demonstration `X'_j(c')`: pool trajectory j relabelled with task c', as a contiguous range of
/// candidate points.
public struct CandidateBlock: Hashable, Sendable {
  /// The candidate task c'.
  public var task: Int
  /// The pool trajectory j.
  public var pool: Int
  /// Its rows among the candidate points.
  public var rows: Range<Int>
}

/// Which proxy demonstration the greedy batch of `amf` conditions on after a pick c* (AMF.md §2.4).
public enum BatchConditioning: String, ManifestChoice {
  /// `j* = argmax_j w̄_j(c*)`, ties to c*'s own most recent pool trajectory (AMF.md §2.4, the default).
  case likeliest
  /// c*'s most recent collected expert demonstration when one exists, else `likeliest` (issue #16, H3).
  case latestDemonstration = "latest_demonstration"
}

/// Everything a strategy chooses from in one round (AMF.md §2.3–2.4).
public struct SelectionProblem: Sendable {
  /// |C|.
  public var taskCount: Int
  /// The candidate tasks (ascending).
  public var candidates: [Int]
  /// μ(c) over all tasks (0 outside the target set). Shapes: (|C|).
  public var targetWeights: [Double]
  /// B, picks per round.
  public var batch: Int
  /// The round r ≥ 1.
  public var round: Int
  /// The run seed (tie-break permutation, uniform cycles).
  public var seed: Seed
  /// Importance weights of the pool.
  public var weights: ImportanceWeights?
  /// The target points, in the row order of the target embeddings.
  public var targets: [PointLabel]
  /// The candidate points, grouped by (task, pool) with steps ascending, in the row order of the candidate
  /// embeddings.
  public var candidatePoints: [PointLabel]
  /// Kernel inputs, for `amf`.
  public var embeddings: PointEmbeddings?
  /// The policy's entropy at each candidate point, for `uncertainty`. Shapes: (candidate points).
  public var entropies: [Double]?
  /// Collected demonstrations per task so far. Shapes: (|C|).
  public var collectedCounts: [Int]
  /// Pre-training demonstrations per task, for `rebalancing` (privileged). Shapes: (|C|).
  public var pretrainingCounts: [Int]?
  /// ρ², the observation noise of the GP model.
  public var noiseVariance: Double
  /// Add ρ² to both variances of the gain (AMF.md §2.1).
  public var targetNoise: Bool
  /// Targets and candidate blocks with importance weight below this are skipped by `amf` (PD, 0 = exact).
  public var minWeight: Double
  /// Which pool trajectories are collected expert demonstrations (the rest are rollouts of π_r); nil when
  /// unknown (then `latestDemonstration` falls back to `likeliest`). Shapes: (pool).
  public var poolIsCollected: [Bool]?
  /// The greedy batch's conditioning rule (`amf`, B > 1).
  public var batchConditioning = BatchConditioning.likeliest
  /// `amf` in weight or function space: score with the spectral gain, keeping the eigen-directions of each
  /// block that carry more than this fraction of information (`select.gain_rank_tolerance`, in [0, 1)); nil,
  /// the default: the Woodbury gain. A pick the spectral scores cannot certify is re-scored exactly, see
  /// `AMFStrategy`.
  public var gainRankTolerance: Double?

  /// Creates a problem; `weights`, `embeddings` and `entropies` are optional because not every strategy
  /// reads them.
  public init(
    taskCount: Int, candidates: [Int], targetWeights: [Double], batch: Int, round: Int, seed: Seed,
    weights: ImportanceWeights? = nil, targets: [PointLabel] = [], candidatePoints: [PointLabel] = [],
    embeddings: PointEmbeddings? = nil, entropies: [Double]? = nil, collectedCounts: [Int],
    pretrainingCounts: [Int]? = nil, noiseVariance: Double = 0.01, targetNoise: Bool = false, minWeight: Double = 0
  ) {
    self.taskCount = taskCount
    self.candidates = candidates
    self.targetWeights = targetWeights
    self.batch = batch
    self.round = round
    self.seed = seed
    self.weights = weights
    self.targets = targets
    self.candidatePoints = candidatePoints
    self.embeddings = embeddings
    self.entropies = entropies
    self.collectedCounts = collectedCounts
    self.pretrainingCounts = pretrainingCounts
    self.noiseVariance = noiseVariance
    self.targetNoise = targetNoise
    self.minWeight = minWeight
  }

  /// The tie-break order: a permutation of the tasks drawn once per seed (AMF.md §2.3); a task earlier in it
  /// wins a tie. Stream `seed.derived("select/tie-break")`.
  public var tieBreakOrder: [Int] {
    var generator = seed.generator("select/tie-break")
    return generator.permutation(taskCount)
  }

  /// The candidate blocks `X'_j(c')` of candidate tasks, in candidate-point order.
  ///
  /// Edge cases: throws `inconsistent` when the points of one (task, pool) pair are not contiguous.
  public func candidateBlocks() throws(SelectionError) -> [CandidateBlock] {
    var blocks: [CandidateBlock] = []
    var seen = Set<[Int]>()
    var start = 0
    for index in 1...candidatePoints.count where index == candidatePoints.count
      || candidatePoints[index].task != candidatePoints[start].task
      || candidatePoints[index].pool != candidatePoints[start].pool
    {
      let label = candidatePoints[start]
      guard seen.insert([label.task, label.pool]).inserted else {
        throw SelectionError.inconsistent(
          reason: "candidate points of task \(label.task), pool trajectory \(label.pool) are not contiguous")
      }
      if candidates.contains(label.task) {
        blocks.append(CandidateBlock(task: label.task, pool: label.pool, rows: start..<index))
      }
      start = index
    }
    return blocks
  }

  /// Checks that shapes and task ids fit together.
  public func validate() throws(SelectionError) {
    guard taskCount >= 1, !candidates.isEmpty, batch >= 1 else {
      throw SelectionError.inconsistent(reason: "need ≥ 1 task, ≥ 1 candidate and batch ≥ 1")
    }
    guard candidates.allSatisfy({ (0..<taskCount).contains($0) }) else {
      throw SelectionError.inconsistent(reason: "candidates \(candidates) are not all in 0..<\(taskCount)")
    }
    guard targetWeights.count == taskCount, collectedCounts.count == taskCount else {
      throw SelectionError.inconsistent(
        reason: "target weights (\(targetWeights.count)) and collected counts (\(collectedCounts.count)) "
          + "must have one entry per task (\(taskCount))")
    }
    if let pretrainingCounts, pretrainingCounts.count != taskCount {
      throw SelectionError.inconsistent(
        reason: "pre-training counts cover \(pretrainingCounts.count) tasks, the problem has \(taskCount)")
    }
    if let weights, weights.taskCount != taskCount {
      throw SelectionError.inconsistent(
        reason: "importance weights cover \(weights.taskCount) tasks, the problem has \(taskCount)")
    }
  }
}

/// A strategy's picks and why.
public struct SelectionResult: Equatable, Sendable {
  /// The chosen tasks, in pick order.
  public var selected: [Int]
  /// `scores[p][c]`: candidate c's score at pick p (NaN for non-candidates). Shapes: (B × |C|).
  public var scores: [[Double]]
  /// For `amf`: the pool trajectory whose relabelled block was conditioned on after each pick.
  public var conditionedOn: [Int]
  /// For `amf` with `gainRankTolerance`: the picks (0-based) whose spectral scores could not certify the
  /// argmax and were re-scored with the Woodbury gain.
  public var exactlyRescored: [Int] = []

  /// Creates a result.
  public init(selected: [Int], scores: [[Double]], conditionedOn: [Int] = []) {
    self.selected = selected
    self.scores = scores
    self.conditionedOn = conditionedOn
  }
}
