import AMFNumerics

/// `amf` (AMF.md §2.3–2.4): the candidate task whose (importance-weighted) demonstration carries the most
/// information about the expert's actions at the target tasks' states,
///
///     score(c') = Σ_c μ(c) Σ_i w̄_i(c) Σ_t Σ_j w̄_j(c') · ½ log(σ²_D(x^c_{i,t}) / σ²_{D ∪ X'_j(c')}(x^c_{i,t})),
///
/// picked greedily: after choosing c*, the posterior is conditioned on its most likely proxy demonstration
/// `X'_{j*}(c*)`, `j* = argmax_j w̄_j(c*)` (ties — always without importance weights — go to the most recent
/// pool trajectory of task c* itself), and the candidates are re-scored; a task may be picked twice.
///
/// Targets and blocks whose importance weight is below `minWeight` are skipped (they change a score by at
/// most that weight times a gain); the block each candidate would be conditioned on is always kept.
/// Complexity per pick: `Σ_blocks (m² p + m p n_T + m² n_T)` flops in weight space (p = embedding width,
/// n_T = active targets, m = block length), one p×p Cholesky to condition.
///
/// With `problem.gainRankTolerance = ε` (`select.gain_rank_tolerance`) the scores use the spectral gain
/// (`InformationGain.spectralReductions`): `Σ_blocks (m² p + r p (m + n_T))` with r the kept directions (plus
/// `4m³/3` for blocks whose kept basis needs an eigendecomposition) for the first pick, about
/// `Σ_blocks r (r + r_A) n_T` for each later one (`spectralGreedy`). The first pick's scores are at most
/// `β Σ_b w_b Σ_x w_x` below the Woodbury ones (β = `InformationGain.gainBound`), never above; a later pick's
/// lie within `InformationGain.laterPickBounds`. A pick is kept only when that certifies it — the best spectral
/// score minus its bound above beats every other candidate's spectral score plus its bound below by more than
/// `certificateSlack` — otherwise the pick's scores are recomputed with the Woodbury gain. So the picks are the
/// Woodbury picks; the recorded scores differ from them by at most the bounds (plus rounding).
public enum AMFStrategy: SelectionStrategy {
  public static let id = StrategyID.amf
  public static let inputs: Set<SelectionInput> = [.embeddings]

  public static func select(_ problem: SelectionProblem) throws -> SelectionResult {
    try problem.validate()
    guard let embeddings = problem.embeddings, let weights = problem.weights else {
      throw SelectionError.missingInput(strategy: name, input: "embeddings")
    }
    let plan = try ActivePoints(problem, weights: weights)
    switch embeddings {
    case .weightSpace(let targets, let candidates, let conditioning):
      let model = try WeightSpacePosterior(
        points: try plan.gather(targets: targets, candidates: candidates), conditioning: conditioning,
        noiseVariance: problem.noiseVariance)
      return try greedy(problem, plan: plan, weights: weights, model: model)
    case .functionSpace(let kernel, let targets, let candidates, let conditioning):
      let model = try FunctionSpacePosterior(
        kernel: kernel, points: try plan.gather(targets: targets, candidates: candidates),
        conditioning: conditioning, noiseVariance: problem.noiseVariance)
      return try greedy(problem, plan: plan, weights: weights, model: model)
    }
  }

  /// The score of every candidate task under `model` (NaN for non-candidates).
  static func scores(
    _ problem: SelectionProblem, plan: ActivePoints, model: some PosteriorModel
  ) throws -> [Double] {
    var scores = [Double](repeating: 0, count: problem.taskCount)
    let targetVariances = model.variances(plan.targetRange)
    for block in plan.blocks {
      let gains = try InformationGain.gains(
        model: model, targets: plan.targetRange, targetVariances: targetVariances, block: block.range,
        targetNoise: problem.targetNoise)
      var total = 0.0
      for (gain, weight) in zip(gains, plan.targetWeights) { total += weight * gain }
      scores[block.task] += block.weight * total
    }
    guard scores.allSatisfy(\.isFinite) else { throw SelectionError.nonFinite(quantity: "an information-gain score") }
    return TieBreak.row(scores, candidates: problem.candidates)
  }

  /// A row of spectral scores and how far the Woodbury scores may lie from them:
  /// `scores − above ≤ Woodbury ≤ scores + below`, per candidate.
  struct SpectralRow {
    var scores: [Double]
    var above: [Double]
    var below: [Double]
  }

  /// The spectral score of every candidate (NaN for non-candidates), from each kept block's variance reduction
  /// at the kept targets (handed, in `plan.blocks` order, to the sink that `reductions` is given), with its
  /// bounds after `conditionings` picks (`InformationGain.laterPickBounds` · Σ_b w_b Σ_x w_x; the first pick:
  /// above = 0, below = `gainBound(ε)` · Σ_b w_b Σ_x w_x).
  static func spectralScores(
    _ problem: SelectionProblem, plan: ActivePoints, model: some PosteriorModel, tolerance: Double,
    conditionings: Int, reductions: (InformationGain.ReductionSink) throws -> Void
  ) throws -> SpectralRow {
    var row = SpectralRow(
      scores: [Double](repeating: 0, count: problem.taskCount), above: [Double](repeating: 0, count: problem.taskCount),
      below: [Double](repeating: 0, count: problem.taskCount))
    let targetVariances = model.variances(plan.targetRange)
    let shift = problem.targetNoise ? model.noiseVariance : 0
    let targetSum = plan.targetWeights.reduce(0, +)
    let bounds = InformationGain.laterPickBounds(tolerance: tolerance, conditionings: conditionings)
    try reductions { index, reduction in
      let block = plan.blocks[index]
      let total = InformationGain.weightedGain(
        reduction: reduction, targetVariances: targetVariances, weights: plan.targetWeights, shift: shift)
      row.scores[block.task] += block.weight * total
      row.above[block.task] += block.weight * bounds.above * targetSum
      row.below[block.task] += block.weight * bounds.below * targetSum
    }
    guard row.scores.allSatisfy(\.isFinite) else {
      throw SelectionError.nonFinite(quantity: "an information-gain score")
    }
    row.scores = TieBreak.row(row.scores, candidates: problem.candidates)
    return row
  }

  /// Room left for rounding between the spectral and the Woodbury arithmetic when certifying a pick,
  /// relative to the largest score (far above the ≈ 1e-13 measured, and above the 1e-12 tie tolerance).
  static let certificateSlack = 1e-10

  /// Whether the spectral argmax is the Woodbury argmax: for every other candidate c,
  /// `spectral(c) + below(c) < spectral(best) − above(best) − slack`. Since
  /// `spectral − above ≤ Woodbury ≤ spectral + below`, no other candidate can then reach or tie the best.
  static func certifies(_ spectral: SpectralRow, candidates: [Int], order: [Int]) -> Bool {
    let best = TieBreak.argmax(spectral.scores, candidates: candidates, order: order)
    let scale = candidates.reduce(1.0) { max($0, abs(spectral.scores[$1])) }
    let margin = spectral.scores[best] - spectral.above[best] - certificateSlack * scale
    return candidates.allSatisfy { $0 == best || spectral.scores[$0] + spectral.below[$0] < margin }
  }

  private static func greedy<M: PosteriorModel>(
    _ problem: SelectionProblem, plan: ActivePoints, weights: ImportanceWeights, model initial: M
  ) throws -> SelectionResult {
    if let tolerance = problem.gainRankTolerance {
      return try spectralGreedy(problem, plan: plan, weights: weights, model: initial, tolerance: tolerance)
    }
    var model = initial
    var result = SelectionResult(selected: [], scores: [])
    let order = problem.tieBreakOrder
    for pick in 0..<problem.batch {
      let row = try scores(problem, plan: plan, model: model)
      let task = TieBreak.argmax(row, candidates: problem.candidates, order: order)
      result.selected.append(task)
      result.scores.append(row)
      let pool = conditioningTrajectory(of: task, problem: problem, weights: weights)
      result.conditionedOn.append(pool)
      if pick + 1 < problem.batch, let block = plan.blocks.first(where: { $0.task == task && $0.pool == pool }) {
        model = try model.conditioned(on: block.range)
      }
    }
    return result
  }

  /// The greedy batch with the spectral gain (`problem.gainRankTolerance = ε`).
  ///
  /// The first pick keeps, per block, the combinations of its observations that carry more than ε of
  /// information under the posterior given D (`InformationGain.spectralScoring`), and their products with the
  /// targets. After a pick the posterior is conditioned on the picked block's kept combinations only
  /// (`model.downdated(on:basis:)`: a rank-r downdate, no p × p rewhitening of every point), and the later
  /// picks score the same combinations of every block from the kept products (`InformationGain.laterReductions`:
  /// no eigendecomposition, no new target product). The scores then lie within `laterPickBounds` of the
  /// Woodbury scores (a later pick may be above them too, by at most `gainBound(k ε) Σ_b w_b Σ_x w_x`); a pick
  /// the bounds cannot certify is re-scored with the Woodbury gain on the rewhitened posterior, as the default
  /// path computes it, so the picks are the Woodbury picks.
  private static func spectralGreedy<M: PosteriorModel>(
    _ problem: SelectionProblem, plan: ActivePoints, weights: ImportanceWeights, model initial: M, tolerance: Double
  ) throws -> SelectionResult {
    var model = initial
    var exact: (model: M, conditioned: Int) = (initial, 0)  // the rewhitened posterior, built only when needed
    var conditionedBlocks: [Range<Int>] = []
    var result = SelectionResult(selected: [], scores: [])
    let order = problem.tieBreakOrder
    let blocks = plan.blocks.map(\.range)
    var scoring: InformationGain.SpectralScoring?
    for pick in 0..<problem.batch {
      let spectral = try spectralScores(
        problem, plan: plan, model: model, tolerance: tolerance, conditionings: conditionedBlocks.count
      ) { sink in
        if let scoring {
          try InformationGain.laterReductions(
            model: model, targets: plan.targetRange, blocks: blocks, scoring: scoring, into: sink)
        } else {
          scoring = try InformationGain.spectralScoring(
            model: model, targets: plan.targetRange, blocks: blocks, tolerance: tolerance,
            keepingProjections: problem.batch > 1, into: sink)
        }
      }
      var row = spectral.scores
      if !certifies(spectral, candidates: problem.candidates, order: order) {
        for block in conditionedBlocks[exact.conditioned...] { exact.model = try exact.model.conditioned(on: block) }
        exact.conditioned = conditionedBlocks.count
        row = try scores(problem, plan: plan, model: exact.model)
        result.exactlyRescored.append(pick)
      }
      let task = TieBreak.argmax(row, candidates: problem.candidates, order: order)
      result.selected.append(task)
      result.scores.append(row)
      let pool = conditioningTrajectory(of: task, problem: problem, weights: weights)
      result.conditionedOn.append(pool)
      if pick + 1 < problem.batch, let index = plan.blocks.firstIndex(where: { $0.task == task && $0.pool == pool }) {
        model = try model.downdated(on: blocks[index], basis: scoring?.bases[index] ?? Matrix.identity(blocks[index].count))
        conditionedBlocks.append(blocks[index])
      }
    }
    return result
  }

  /// The pool trajectory whose block the greedy batch conditions on after picking `task`, by
  /// `problem.batchConditioning`: the likeliest (below), or task's most recent collected demonstration.
  static func conditioningTrajectory(of task: Int, problem: SelectionProblem, weights: ImportanceWeights) -> Int {
    if problem.batchConditioning == .latestDemonstration, let collected = problem.poolIsCollected,
      let latest = collected.indices.last(where: { collected[$0] && weights.poolTasks[$0] == task })
    {
      return latest
    }
    return mostLikelyDemonstration(of: task, weights: weights)
  }

  /// `j* = argmax_j w̄_j(c)`; ties go to a trajectory of task c itself, then to the most recent (highest index).
  static func mostLikelyDemonstration(of task: Int, weights: ImportanceWeights) -> Int {
    let values = (0..<weights.poolCount).map { weights.logWeights[$0, task] }
    let best = values.max() ?? 0
    let tied = values.indices.filter { TieBreak.isTie(values[$0], best) }
    let own = tied.filter { weights.poolTasks[$0] == task }
    return (own.isEmpty ? tied : own).max() ?? 0
  }
}

/// The targets and candidate blocks AMF scores, gathered into one compact point set: targets first, then
/// every kept block's rows.
struct ActivePoints {
  /// A kept candidate block and where its rows sit in the compact set.
  struct Block {
    var task: Int
    var pool: Int
    var weight: Double
    var range: Range<Int>
    var sourceRows: Range<Int>
  }

  /// The kept target rows (indices into the problem's targets).
  var targetRows: [Int]
  /// `μ(c) · w̄_i(c)` per kept target.
  var targetWeights: [Double]
  /// The kept blocks.
  var blocks: [Block]

  /// The compact range of the targets.
  var targetRange: Range<Int> { 0..<targetRows.count }

  init(_ problem: SelectionProblem, weights: ImportanceWeights) throws(SelectionError) {
    targetRows = []
    targetWeights = []
    for (row, label) in problem.targets.enumerated() {
      let mu = problem.targetWeights[label.task]
      let w = weights.weight(label.pool, task: label.task)
      guard mu > 0, w >= problem.minWeight else { continue }
      targetRows.append(row)
      targetWeights.append(mu * w)
    }
    guard !targetRows.isEmpty else {
      throw SelectionError.inconsistent(reason: "no target point has positive weight; check the scenario's targets")
    }
    blocks = []
    var next = targetRows.count
    for block in try problem.candidateBlocks() {
      let w = weights.weight(block.pool, task: block.task)
      let isConditioning =
        AMFStrategy.conditioningTrajectory(of: block.task, problem: problem, weights: weights) == block.pool
      guard w >= problem.minWeight || isConditioning else { continue }
      blocks.append(
        Block(task: block.task, pool: block.pool, weight: w, range: next..<(next + block.rows.count),
              sourceRows: block.rows))
      next += block.rows.count
    }
  }

  /// The compact point matrix: kept target rows, then kept block rows. Shapes: → (n × width).
  func gather(targets: Matrix<Double>, candidates: Matrix<Double>) throws(SelectionError) -> Matrix<Double> {
    guard targets.columns == candidates.columns else {
      throw SelectionError.inconsistent(
        reason: "target width \(targets.columns) differs from candidate width \(candidates.columns)")
    }
    let width = targets.columns
    let rows = targetRows.count + blocks.reduce(0) { $0 + $1.range.count }
    // Row copies by memcpy into one allocation (appending array slices copies element by element).
    let storage = [Double](unsafeUninitializedCapacity: rows * width) { buffer, count in
      guard let base = buffer.baseAddress else { return }
      var next = base
      targets.storage.withUnsafeBufferPointer { source in
        guard let from = source.baseAddress else { return }
        for row in targetRows {
          next.initialize(from: from + row * width, count: width)
          next += width
        }
      }
      candidates.storage.withUnsafeBufferPointer { source in
        guard let from = source.baseAddress else { return }
        for block in blocks {
          next.initialize(from: from + block.sourceRows.lowerBound * width, count: block.sourceRows.count * width)
          next += block.sourceRows.count * width
        }
      }
      count = next - base
    }
    return (try? Matrix(rows: storage.count / max(width, 1), columns: width, values: storage))
      ?? Matrix(rows: 0, columns: width)
  }
}
