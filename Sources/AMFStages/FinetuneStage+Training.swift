import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFNumerics
import AMFPolicy
import Foundation

/// Fine-tuning π₀ on the collected demonstrations (AMF.md §5).
extension FinetuneStage {
  /// π_{r+1}: π₀ fine-tuned on every `round_*` demonstration of `demonstrations`, restarting from π₀.
  ///
  /// * GP π₀: conditioned on those demonstrations' steps (after its own pre-training data).
  /// * MLP π₀: `finetune.steps` (or `steps_per_demonstration` × |D| when larger) of behaviour cloning from π₀'s weights, batches from
  ///   `seed.derived("finetune/round-r/policy")`, with `finetune.mitigation`: `isolation` (tasks without a
  ///   collected demo act with π₀), `adaptive_prior` (per-task mixing with the frozen π₀), `none`, or
  ///   `task_isolation` (one network per demonstrated task c, batches from that stream's `derived("task-c")`).
  ///
  /// Edge cases: no `round_*` demonstration throws `StageError.computationFailed`; a non-finite loss throws
  /// `PolicyError.diverged` (nothing is written).
  public static func fineTune(
    _ prior: PretrainedPolicy, on demonstrations: DemonstrationSet, params: FinetuneParams, priorHash: String,
    environment: any TaskEnvironment, seed: Seed, progress: StageProgress = .silent
  ) throws -> PolicyCheckpoint {
    let collected = try DemonstrationSet(
      environmentName: demonstrations.environmentName,
      environmentArgumentsJSON: demonstrations.environmentArgumentsJSON,
      observationDimension: demonstrations.observationDimension, actionDimension: demonstrations.actionDimension,
      demonstrations: demonstrations.demonstrations.filter(InputChecks.isCollected))
    guard !collected.demonstrations.isEmpty else {
      throw StageError.computationFailed(reason: "no demonstration with source round_* to fine-tune on")
    }
    let rows = try TrainingRows(collected)
    switch prior {
    case .gp(let gp):
      let tuned = try gp.conditioned(
        onObservations: try rows.observations.converted(), taskFeatures: try rows.taskFeatures.converted(),
        actions: try rows.actions.converted())
      progress.log("conditioned the GP on \(rows.count) new steps (\(tuned.inputs.rows) in all; jitter \(tuned.jitter))")
      return .gp(tuned)
    case .mlp(let mlp):
      let data = try BehaviorCloningData(
        observations: rows.observations, taskFeatures: rows.taskFeatures, actions: rows.actions)
      return try fineTuneMLP(
        mlp, on: data, tasks: Set(collected.demonstrations.map(\.task)), taskRows: taskRows(collected),
        steps: try params.finetune.steps(forDemonstrations: collected.demonstrations.count), params: params, priorHash: priorHash, environment: environment, seed: seed, progress: progress)
    }
  }

  /// The training rows of each demonstrated task, ascending by task (rows in `TrainingRows` order).
  static func taskRowGroups(_ set: DemonstrationSet) -> [[Int]] { taskRows(set).map(\.rows) }

  /// Each demonstrated task with its training rows, ascending by task (rows in `TrainingRows` order).
  static func taskRows(_ set: DemonstrationSet) -> [(task: Int, rows: [Int])] {
    var groups: [Int: [Int]] = [:]
    var row = 0
    for demo in set.demonstrations {
      groups[demo.task, default: []] += Array(row..<(row + demo.stepCount))
      row += demo.stepCount
    }
    return groups.sorted { $0.key < $1.key }.map { (task: $0.key, rows: $0.value) }
  }

  private static func fineTuneMLP(
    _ prior: MLPPolicy<Float>, on data: BehaviorCloningData<Float>, tasks: Set<Int>, taskRows: [(task: Int, rows: [Int])],
    steps: Int, params: FinetuneParams, priorHash: String, environment: any TaskEnvironment, seed: Seed, progress: StageProgress
  ) throws -> PolicyCheckpoint {
    let settings = params.finetune
    let stream = seed.derived("finetune/round-\(params.round)/policy")
    let network = BehaviorCloningSettings(batchSize: settings.batchSize, learningRate: settings.learningRate)
    switch settings.mitigation {
    case .isolation, .disabled:
      var trainer = try BehaviorCloningTrainer(
        initial: prior, data: data, settings: network, seed: stream,
        rowGroups: settings.balance == .tasks ? taskRows.map(\.rows) : nil)
      try train(steps, progress: progress) { steps in
        try trainer.train(steps: steps)
        return trainer.losses.last
      }
      guard settings.mitigation == .isolation else { return .mlp(trainer.policy) }
      let withData = featureMatrix(tasks.sorted(), environment: environment)
      return .isolation(IsolatedMLPPolicy(prior: prior, fineTuned: trainer.policy, tasksWithData: withData))
    case .taskIsolation:
      return .taskIsolation(
        try fineTunePerTask(prior, on: data, taskRows: taskRows, steps: steps, settings: network, stream: stream,
                            progress: progress))
    case .adaptivePrior:
      var data = data
      if settings.priorRehearsal > 0 {
        let untouched = (0..<environment.taskCount).filter { !tasks.contains($0) }
        let rehearsal = try rehearsalData(
          prior, tasks: untouched, rollouts: settings.priorRehearsal, environment: environment,
          seed: seed.derived("finetune/round-\(params.round)/rehearsal"))
        progress.log("prior rehearsal: \(rehearsal.count) steps of π₀ on the \(untouched.count) tasks without data")
        data = try data.appending(rehearsal)
      }
      let adaptive = AdaptivePriorSettings(
        network: network, alphaLearningRate: settings.alphaLearningRate,
        alphaRegularization: settings.alphaPenalty)
      var trainer = try AdaptivePriorTrainer(
        initial: AdaptivePriorPolicy(prior: prior, priorContentHash: priorHash), data: data,
        allTaskFeatures: featureMatrix(Array(0..<environment.taskCount), environment: environment),
        settings: adaptive, seed: stream)
      try train(steps, progress: progress) { steps in
        try trainer.train(steps: steps)
        return trainer.losses.last
      }
      return .adaptivePrior(trainer.policy)
    }
  }

  /// `task_isolation`: one copy of π₀ per demonstrated task c, trained for `steps` steps on c's rows alone with
  /// batches from `stream.derived("task-c")` (`TaskIsolatedMLPPolicy.taskSeed`), ascending by c; one training
  /// per demonstrated task, so the time grows with their number.
  private static func fineTunePerTask(
    _ prior: MLPPolicy<Float>, on data: BehaviorCloningData<Float>, taskRows: [(task: Int, rows: [Int])],
    steps: Int, settings: BehaviorCloningSettings, stream: Seed, progress: StageProgress
  ) throws -> TaskIsolatedMLPPolicy<Float> {
    let tasks = try taskRows.map { entry in
      TaskDemonstrations(task: entry.task, data: try data.selectingRows(entry.rows))
    }
    progress.log("task isolation: one network per demonstrated task, tasks \(tasks.map(\.task))")
    return try TaskIsolatedMLPPolicy.fineTuning(
      prior, tasks: tasks, steps: steps, settings: settings, seed: stream, chunk: progressInterval
    ) { task, done, loss in
      progress.update(
        "task \(task) step", step: done, of: steps, detail: "loss \(loss.map { String(format: "%.4f", $0) } ?? "–")")
    }
  }

  /// Runs `step(n)` (which returns its last loss) in chunks of `progressInterval` until `total` steps,
  /// logging the loss after each chunk.
  private static func train(_ total: Int, progress: StageProgress, _ step: (Int) throws -> Double?) throws {
    var done = 0
    while done < total {
      let chunk = min(progressInterval, total - done)
      let last = try step(chunk)
      done += chunk
      let loss = last.map { String(format: "%.4f", $0) } ?? "–"
      progress.update("step", step: done, of: total, detail: "loss \(loss)")
    }
  }

  /// π₀'s own behaviour on `tasks` as training rows (`finetune.prior_rehearsal`, a project option): `rollouts`
  /// mean-action episodes of π₀ per task, start states from `seed.derived("rehearsal/task-c/episode-i")`, each
  /// step labelled with an action sampled from π₀ there (`seed.derived("labels")`), so behaviour cloning on
  /// them fits π₀'s mean and σ. It distils π₀ into the fine-tuned network where no data constrains it
  /// (generative replay, as in "Learning without Forgetting"); it never reads the pre-training data.
  ///
  /// Shapes: → `(tasks.count · rollouts · H)` rows.
  static func rehearsalData(
    _ prior: MLPPolicy<Float>, tasks: [Int], rollouts: Int, environment: any TaskEnvironment, seed: Seed
  ) throws -> BehaviorCloningData<Float> {
    var controller = PolicyController(policy: prior, environment: environment)
    let requests = Rollout.requests(seed: seed, tasks: tasks, episodesPerTask: rollouts, stream: "rehearsal")
    let episodes = try environment.rollOut(controller: &controller, requests: requests)
    if let failure = controller.failure { throw failure }
    let (d, k) = (environment.observationDimension, environment.taskFeatureDimension)
    var observations: [Float] = []
    var features: [Float] = []
    for episode in episodes {
      observations += episode.observations.map { Float($0) }
      let row = environment.taskFeatures(of: episode.task).map { Float($0) }
      for _ in 0..<episode.stepCount { features += row }
    }
    let count = observations.count / d
    let states = try Matrix(rows: count, columns: d, values: observations)  // (n × d)
    let taskFeatures = try Matrix(rows: count, columns: k, values: features)  // (n × k)
    let (mean, logStd, _) = try prior.evaluate(observations: states, taskFeatures: taskFeatures)
    var generator = seed.derived("labels").generator()
    var actions = mean  // (n × A)
    for index in actions.storage.indices {
      actions.storage[index] += Float(Foundation.exp(Double(logStd.storage[index])) * generator.normal())
    }
    return try BehaviorCloningData(observations: states, taskFeatures: taskFeatures, actions: actions)
  }

  /// f(c) of `tasks` as float32 rows. Shapes: `(tasks.count × k)`.
  static func featureMatrix(_ tasks: [Int], environment: any TaskEnvironment) -> Matrix<Float> {
    let k = environment.taskFeatureDimension
    var matrix = Matrix<Float>(rows: tasks.count, columns: k)  // (tasks × k)
    for (row, task) in tasks.enumerated() {
      for (j, value) in environment.taskFeatures(of: task).enumerated() { matrix.storage[row * k + j] = Float(value) }
    }
    return matrix
  }
}

extension BehaviorCloningData where Scalar == Float {
  /// These rows followed by `other`'s. Shapes: `(n × ·)` and `(m × ·)` → `((n + m) × ·)`.
  func appending(_ other: BehaviorCloningData) throws -> BehaviorCloningData {
    func stacked(_ a: Matrix<Float>, _ b: Matrix<Float>) throws -> Matrix<Float> {
      try Matrix(rows: a.rows + b.rows, columns: a.columns, values: a.storage + b.storage)
    }
    return try BehaviorCloningData(
      observations: try stacked(observations, other.observations),
      taskFeatures: try stacked(taskFeatures, other.taskFeatures), actions: try stacked(actions, other.actions))
  }
}
