import AMFCore
import AMFNumerics

/// One demonstrated task's training rows for `task_isolation`: its index in the environment and its rows.
public struct TaskDemonstrations<Scalar: MLPScalar>: Equatable, Sendable {
  /// The task's index c in the environment (it names the seed of its network).
  public var task: Int
  /// Every collected step of task c; every row's f(c) is the same.
  public var data: BehaviorCloningData<Scalar>

  /// Pairs a task index with its rows.
  public init(task: Int, data: BehaviorCloningData<Scalar>) {
    self.task = task
    self.data = data
  }
}

extension TaskIsolatedMLPPolicy {
  /// The seed of task c's network: `seed.derived("task-c")`, with `seed` the fine-tuning stream of the round
  /// (the finetune stage passes `seed.derived("finetune/round-r/policy")`), so task c's network depends on
  /// the run seed, the round and c only, never on which other tasks have data.
  public static func taskSeed(_ seed: Seed, task: Int) -> Seed { seed.derived("task-\(task)") }

  /// Fine-tunes one copy of π₀ per demonstrated task on that task's rows alone, each for `steps` steps with
  /// `settings` and batches from `taskSeed(seed, task: c)` (AMF.md §5's restart from π₀, per task).
  ///
  /// Networks are ordered by ascending task index; `progress(task, stepsDone)` is called after every
  /// `chunk` steps of a task's training with that task's last loss.
  /// Edge cases: a task listed twice, two tasks with one f(c), or a task whose rows disagree on f(c) throw
  /// `PolicyError.invalidParameter`; a task without rows throws `emptyTrainingData`; a non-finite loss throws
  /// `PolicyError.diverged`.
  public static func fineTuning(
    _ prior: MLPPolicy<Scalar>, tasks: [TaskDemonstrations<Scalar>], steps: Int,
    settings: BehaviorCloningSettings = BehaviorCloningSettings(), seed: Seed, chunk: Int = 1000,
    progress: (_ task: Int, _ stepsDone: Int, _ loss: Double?) -> Void = { _, _, _ in }
  ) throws(PolicyError) -> TaskIsolatedMLPPolicy {
    let ordered = tasks.sorted { $0.task < $1.task }
    let features = try distinctFeatures(ordered, k: prior.architecture.taskFeatureDimension)
    var networks: [MLPPolicy<Scalar>] = []
    for entry in ordered {
      var trainer = try BehaviorCloningTrainer(
        initial: prior, data: entry.data, settings: settings, seed: taskSeed(seed, task: entry.task))
      var done = 0
      while done < steps {
        let size = min(max(1, chunk), steps - done)
        try trainer.train(steps: size)
        done += size
        progress(entry.task, done, trainer.losses.last)
      }
      networks.append(trainer.policy)
    }
    return TaskIsolatedMLPPolicy(prior: prior, fineTuned: networks, tasksWithData: features)
  }

  /// f(c) of each task (ordered as given), after checking the tasks are distinct and each task's rows agree.
  /// Shapes: → `(tasks.count × k)`.
  private static func distinctFeatures(_ tasks: [TaskDemonstrations<Scalar>], k: Int) throws(PolicyError)
    -> Matrix<Scalar>
  {
    var rows: [[Scalar]] = []
    for (index, entry) in tasks.enumerated() {
      guard entry.data.count > 0 else { throw PolicyError.emptyTrainingData }
      guard entry.data.taskFeatures.columns == k else {
        throw PolicyError.shapeMismatch(
          what: "task features of task \(entry.task)", expected: "\(entry.data.count)×\(k)",
          found: entry.data.taskFeatures.shape.description)
      }
      let features = entry.data.taskFeatures.row(0)
      guard (0..<entry.data.count).allSatisfy({ entry.data.taskFeatures.row($0) == features }) else {
        throw PolicyError.invalidParameter(
          name: "task_demonstrations", reason: "the rows of task \(entry.task) do not share one f(c)")
      }
      guard index == 0 || tasks[index - 1].task != entry.task, !rows.contains(features) else {
        throw PolicyError.invalidParameter(
          name: "task_demonstrations",
          reason: "task \(entry.task) is listed twice or shares its f(c) with another task; give each task once")
      }
      rows.append(features)
    }
    var matrix = Matrix<Scalar>(rows: rows.count, columns: k)  // (m × k)
    for (row, features) in rows.enumerated() {
      for j in 0..<k { matrix.storage[row * k + j] = features[j] }
    }
    return matrix
  }
}

extension BehaviorCloningData {
  /// Rows `indices` of these data, in that order. Shapes: `(n × ·)` → `(indices.count × ·)`.
  ///
  /// Edge cases: an index outside 0..<count throws `PolicyError.invalidParameter`.
  public func selectingRows(_ indices: [Int]) throws(PolicyError) -> BehaviorCloningData {
    guard indices.allSatisfy({ (0..<count).contains($0) }) else {
      throw PolicyError.invalidParameter(name: "rows", reason: "every index must be a row of the \(count) rows")
    }
    return try BehaviorCloningData(
      observations: observations.gatheringRows(indices), taskFeatures: taskFeatures.gatheringRows(indices),
      actions: actions.gatheringRows(indices))
  }
}
