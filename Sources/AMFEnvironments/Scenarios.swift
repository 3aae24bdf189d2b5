import AMFCore

/// A pre-training allocation and target set (AMF.md §4), as a manifest's `scenario:` names it and as params
/// encode it: a plain name (`targeted`), or `{name: allocation, k: 3}`.
public enum TaskScenario: Hashable, Sendable {
  /// The first ⌊|C|/2⌋ tasks are covered (a contiguous arc on the circle and the ring); targets: all.
  case mismatch
  /// Every task is covered; targets: all.
  case balanced
  /// Covered {0…5}, targets {4, 5, 6, 7}, candidates all, noisy experts on the distractors {9, 10}.
  case targeted
  /// The first `coveredCount` tasks are covered; targets: all (the paper's sweep: integrator2d's 12 goals in
  /// AMF.md §4; issue #21 runs it on reacher too, where k = 6 covers the tasks `mismatch` covers).
  case allocation(coveredCount: Int)

  /// The scenario names as written in manifests (`scenario:` or `scenario.name`).
  public enum Name: String, ManifestChoice {
    case mismatch, balanced, targeted, allocation
  }

  /// The covered tasks of `targeted`.
  public static let targetedCovered = Array(0...5)
  /// The target tasks of `targeted`: two covered, two uncovered, across the coverage boundary.
  public static let targetedTargets = [4, 5, 6, 7]
  /// The uncovered non-targets whose expert is noisy under `targeted`.
  public static let targetedDistractors = [9, 10]
  /// The fewest tasks `targeted` is defined for: its targets and distractors must exist.
  public static let targetedMinimumTaskCount = 11

  /// The scenario's name as written in manifests.
  public var name: Name {
    switch self {
    case .mismatch: .mismatch
    case .balanced: .balanced
    case .targeted: .targeted
    case .allocation: .allocation
    }
  }

  /// The name with k, for messages: `allocation k=3`.
  public var description: String {
    if case .allocation(let k) = self { return "allocation k=\(k)" }
    return name.rawValue
  }

  /// The target tasks (μ uniform over them) among `taskCount` tasks: `targetedTargets` for `targeted`, all
  /// tasks otherwise.
  ///
  /// Edge cases: throws `scenarioNotApplicable` for `targeted` with fewer than `targetedMinimumTaskCount` tasks.
  public func targets(taskCount: Int) throws -> [Int] {
    guard self == .targeted else { return Array(0..<taskCount) }
    guard taskCount >= Self.targetedMinimumTaskCount else {
      throw EnvironmentError.scenarioNotApplicable(
        scenario: description, reason: "needs at least \(Self.targetedMinimumTaskCount) tasks, found \(taskCount)")
    }
    return Self.targetedTargets
  }

  /// μ: uniform over `targets(taskCount:)`, 0 elsewhere. Shapes: `taskCount`.
  public func targetWeights(taskCount: Int) throws -> [Double] {
    ScenarioPlan.uniform(on: try targets(taskCount: taskCount), taskCount: taskCount)
  }

  /// The plan of this scenario in `environment` with `demosPerTask` pre-training demonstrations per
  /// covered task.
  ///
  /// The expert noise is the environment's default, then the scenario's distractor noise, then the
  /// manifest's `expert_noise` overrides in `configuration` (which win).
  /// Edge cases: throws `scenarioNotApplicable` for `allocation` with k outside 1…|C|, and for `targeted` in an environment with fewer than 11 tasks or no distractor noise.
  public func plan(
    environment id: EnvironmentID, configuration: EnvironmentConfiguration = EnvironmentConfiguration(),
    demosPerTask: Int
  ) throws -> ScenarioPlan {
    guard demosPerTask >= 1 else {
      throw EnvironmentError.invalidOption("pretrain.demos_per_task", reason: "must be ≥ 1, found \(demosPerTask)")
    }
    let base = try id.make(configuration)
    let taskCount = base.taskCount
    let allTasks = Array(0..<taskCount)
    var covered = allTasks
    var targets = allTasks
    var scenarioNoise: [Int: Double] = [:]
    switch self {
    case .balanced: break
    case .mismatch: covered = Array(0..<(taskCount / 2))
    case .allocation(let k):
      guard (1...taskCount).contains(k) else {
        throw EnvironmentError.scenarioNotApplicable(
          scenario: description, reason: "needs 1 ≤ k ≤ \(taskCount), the task count of \(id.rawValue)")
      }
      covered = Array(0..<k)
    case .targeted:
      guard taskCount >= Self.targetedMinimumTaskCount, let std = base.distractorExpertNoiseStd else {
        throw EnvironmentError.scenarioNotApplicable(
          scenario: description, reason: "needs ≥ 11 tasks and distractor noise; \(id.rawValue) has \(taskCount) tasks")
      }
      covered = Self.targetedCovered
      targets = try self.targets(taskCount: taskCount)
      for task in Self.targetedDistractors { scenarioNoise[task] = std }
    }
    var merged = configuration
    merged.expertNoise = scenarioNoise.merging(configuration.expertNoise) { _, manifest in manifest }
    let environment = try id.make(merged)
    let coveredSet = Set(covered)
    return ScenarioPlan(
      pretrainDemos: allTasks.map { coveredSet.contains($0) ? demosPerTask : 0 }, candidates: allTasks,
      targets: targets, expertNoiseStd: environment.expertNoiseStd, configuration: merged)
  }
}

/// What a scenario fixes for one environment: pre-training counts, candidates, targets and expert noise.
public struct ScenarioPlan: Hashable, Sendable {
  /// Pre-training demonstrations per task. Shapes: `taskCount`.
  public var pretrainDemos: [Int]
  /// Tasks the selection may ask the expert for, ascending.
  public var candidates: [Int]
  /// Tasks of the target distribution μ (uniform over them), ascending.
  public var targets: [Int]
  /// The expert's noise std per task, every override applied. Shapes: `taskCount`.
  public var expertNoiseStd: [Double]
  /// The environment options to build the environment with (the scenario's noise merged in).
  public var configuration: EnvironmentConfiguration

  /// μ: uniform over `targets`, 0 elsewhere. Shapes: `taskCount`.
  public var targetWeights: [Double] { Self.uniform(on: targets, taskCount: pretrainDemos.count) }

  /// `1 / |targets|` on `targets`, 0 elsewhere. Shapes: `taskCount`.
  static func uniform(on targets: [Int], taskCount: Int) -> [Double] {
    var weights = [Double](repeating: 0, count: taskCount)
    for c in targets { weights[c] = 1 / Double(targets.count) }
    return weights
  }

  /// The covered tasks (those with pre-training demonstrations), ascending.
  public var coveredTasks: [Int] { pretrainDemos.indices.filter { pretrainDemos[$0] > 0 } }
}
