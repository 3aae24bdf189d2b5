import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFNumerics
import AMFSelection

/// `amf-select`: the B tasks to ask the expert for in round r, with every candidate's score at every pick
/// (AMF.md §2.3–2.4).
///
/// Inputs by strategy: `amf` and `uncertainty` read the round's `embeddings`; `rebalancing` reads the
/// `pretraining` demonstrations (privileged counts) and the collected `demonstrations` (r ≥ 2) or the
/// embeddings' counts; `uniform` reads nothing. Streams: the tie-break permutation
/// `seed.derived("select/tie-break")` and uniform's cycles `seed.derived("select/uniform/cycle-k")`, from the
/// run seed, so every round of a seed shares them.
public enum SelectStage: Stage {
  public typealias Params = SelectParams
  public static let kind = StageKind.select

  public static var defaultParams: SelectParams { SelectParams() }

  public static var parameterVariants: [(condition: String, params: SelectParams)] { [] }

  public static func run(_ inputs: StageInputs, params: SelectParams, context: StageContext) throws -> [StageOutput] {
    let strategy = params.select.strategy.strategy
    let plan = try Self.plan(params)
    var problem = SelectionProblem(
      taskCount: params.taskCount, candidates: plan.candidates, targetWeights: plan.targetWeights,
      batch: params.batch, round: params.round, seed: context.seed, collectedCounts: [Int](repeating: 0, count: params.taskCount),
      noiseVariance: params.select.importance.noiseVariance, targetNoise: params.select.targetNoise,
      minWeight: params.select.minWeight)
    problem.batchConditioning = params.select.batchConditioning
    problem.gainRankTolerance = params.select.gainRankTolerance
    for input in strategy.inputs where input.isRequired && inputs.artifacts[input.rawValue] == nil {
      throw StageError.missingInput(role: input.rawValue)
    }
    if let artifact = inputs.artifacts[SelectionInput.embeddings.rawValue] {
      try load(artifact, path: inputs.path(SelectionInput.embeddings.rawValue), params: params, into: &problem)
    }
    let collected = SelectionInput.collectedCounts.rawValue
    if let artifact = inputs.artifacts[collected] {
      problem.collectedCounts = try counts(
        artifact, role: collected, path: inputs.path(collected), taskCount: params.taskCount
      ) { DemonstrationSource($0)?.isCollected == true }
    }
    let pretraining = SelectionInput.pretrainingCounts.rawValue
    if let artifact = inputs.artifacts[pretraining] {
      problem.pretrainingCounts = try counts(
        artifact, role: pretraining, path: inputs.path(pretraining), taskCount: params.taskCount) { _ in true }
    }
    let result = try strategy.select(problem)
    for pick in result.exactlyRescored {
      context.progress.log("pick \(pick + 1): spectral scores could not certify the argmax; re-scored with the Woodbury gain")
    }
    for (pick, task) in result.selected.enumerated() {
      let row = result.scores[pick]
      let top = problem.candidates.sorted { row[$0] > row[$1] }.prefix(3)
        .map { "\($0): \(String(format: "%.4g", row[$0]))" }.joined(separator: ", ")
      context.progress.log("pick \(pick + 1)/\(params.batch): task \(task) (top scores \(top))")
    }
    let record = try SelectionRecord(
      strategy: strategy.name, importanceWeights: params.select.importance.importanceWeights, round: params.round,
      taskCount: params.taskCount, candidates: problem.candidates, selected: result.selected, scores: result.scores)
    return [StageOutput(role: "selection", kind: .selection, content: try record.contentGroup())]
  }

  /// Candidates and μ: all tasks are candidates; μ is `target_weights` when given, else uniform on the
  /// scenario's targets (`TaskScenario.targetWeights`).
  static func plan(_ params: SelectParams) throws -> (candidates: [Int], targetWeights: [Double]) {
    if let mu = params.targetWeights { return (Array(0..<params.taskCount), mu) }
    do {
      return (Array(0..<params.taskCount), try params.scenario.targetWeights(taskCount: params.taskCount))
    } catch let error as EnvironmentError {
      throw StageError.invalidParameter(path: "task_count", reason: error.description)
    }
  }

  static func load(_ artifact: Artifact, path: String, params: SelectParams, into problem: inout SelectionProblem) throws {
    let set: EmbeddingSet
    do { set = try EmbeddingSet(artifact) } catch { throw error.inFile(path) }
    func mismatch(_ field: String, _ found: String, _ expected: String, fix: String) -> StageError {
      .incompatibleInput(
        role: "embeddings", path: path, field: field, reason: "is \(found), the params say \(expected)", fix: fix)
    }
    guard set.taskCount == params.taskCount else {
      throw mismatch("@task_count", "\(set.taskCount)", "task_count \(params.taskCount)", fix: "pass the embeddings of this environment")
    }
    guard set.round == params.round else {
      throw mismatch("@round", "\(set.round)", "round \(params.round)", fix: "pass this round's embeddings")
    }
    guard set.importanceWeights == params.select.importance.importanceWeights else {
      throw mismatch(
        "@importance_weights", "\(set.importanceWeights)", "select.importance_weights "
          + "\(params.select.importance.importanceWeights)", fix: "embed with the same select.importance_weights")
    }
    guard set.targetWeights == problem.targetWeights else {
      throw mismatch("/tasks/target_weight", "\(set.targetWeights)", "\(problem.targetWeights)", fix: "embed with the same scenario")
    }
    func matrix(_ points: EmbeddingSet.Points) throws -> Matrix<Double> {
      try Matrix(rows: points.count, columns: points.width, values: points.phi.map { Double($0) })
    }
    func labels(_ points: EmbeddingSet.Points) -> [PointLabel] {
      points.task.indices.map { PointLabel(task: points.task[$0], pool: points.poolIndex[$0], step: points.step[$0]) }
    }
    let tasks = set.taskCount
    problem.weights = ImportanceWeights(
      logRatios: try Matrix(rows: set.poolCount, columns: tasks, values: set.logRatios),
      logWeights: try Matrix(rows: set.poolCount, columns: tasks, values: set.logWeights), poolTasks: set.poolTask,
      clip: params.select.importance.clip)
    problem.targets = labels(set.targets)
    problem.candidatePoints = labels(set.candidates)
    problem.entropies = set.entropy
    problem.collectedCounts = set.collected
    problem.poolIsCollected = set.poolSource.map { DemonstrationSource($0) != .rollout }
    let conditioning = params.select.conditionOnCollected || set.space == .function
      ? try matrix(set.conditioning) : Matrix(rows: 0, columns: set.targets.width)
    if let kernel = set.kernel {
      problem.noiseVariance = kernel.noiseVariance
      problem.embeddings = .functionSpace(
        kernel: RBFKernel(lengthscale: kernel.lengthscale, signalVariance: kernel.signalVariance),
        targets: try matrix(set.targets), candidates: try matrix(set.candidates), conditioning: conditioning)
    } else {
      problem.embeddings = .weightSpace(
        targets: try matrix(set.targets), candidates: try matrix(set.candidates), conditioning: conditioning)
    }
  }

  /// Demonstrations per task among those whose source passes `include`.
  static func counts(
    _ artifact: Artifact, role: String, path: String, taskCount: Int, include: (String) -> Bool
  ) throws -> [Int] {
    let set: DemonstrationSet
    do { set = try DemonstrationSet(artifact) } catch { throw error.inFile(path) }
    var counts = [Int](repeating: 0, count: taskCount)
    for demo in set.demonstrations where include(demo.source) {
      guard (0..<taskCount).contains(demo.task) else {
        throw StageError.incompatibleInput(
          role: role, path: path, field: "demo task", reason: "\(demo.task) is outside 0..<\(taskCount)",
          fix: "pass demonstrations of an environment with task_count \(taskCount)")
      }
      counts[demo.task] += 1
    }
    return counts
  }
}
