import AMFCore
import AMFEnvironments
import AMFNumerics
import AMFPolicy

/// A policy acting with its mean action in an environment: the adapter between `GaussianPolicy` and
/// `Rollout.run` (AMF.md §5: evaluation acts with the mean).
///
/// The policy sees `[observation, f(c)]` of each episode's task; the noise generators are not used. A
/// policy error (which only a policy that does not fit the environment can raise) is kept in `failure`
/// and the actions of that step are 0: check `failure` after the rollout.
public struct PolicyController: Controller {
  /// The acting policy.
  public let policy: any GaussianPolicy
  /// f(c) of every task in float32. Shapes: `taskCount × taskFeatureDimension`.
  public let taskFeatures: [[Float]]
  /// The first error the policy threw, if any.
  public private(set) var failure: (any Error)?

  /// An adapter for `policy` acting in `environment`.
  public init(policy: any GaussianPolicy, environment: any TaskEnvironment) {
    self.policy = policy
    taskFeatures = (0..<environment.taskCount).map { task in environment.taskFeatures(of: task).map { Float($0) } }
  }

  public mutating func act(_ input: ControlInput, actions: inout [Double], generators: inout [SplitMix64]) {
    let count = input.episodeCount
    let width = policy.taskFeatureDimension
    do {
      let observations = try Matrix<Float>(
        rows: count, columns: input.observationDimension, values: input.observations.map { Float($0) })
      let features = try Matrix<Float>(
        rows: count, columns: width, values: input.tasks.flatMap { taskFeatures[$0] })
      let mean = try policy.distribution(observations: observations, taskFeatures: features).mean
      guard mean.storage.count == actions.count else {
        throw StageError.computationFailed(
          reason: "the policy gives \(mean.columns) action dimensions, the environment takes \(input.actionDimension)")
      }
      for index in actions.indices { actions[index] = Double(mean.storage[index]) }
    } catch {
      if failure == nil { failure = error }
      for index in actions.indices { actions[index] = 0 }
    }
  }
}

/// Success of a policy's mean action per task, on start states drawn from labelled streams.
public enum PolicyEvaluation {
  /// The success rate per task of `tasks`, `episodesPerTask` episodes each; episode i of task c starts
  /// from `seed.derived("\(stream)/task-c/episode-i")` (`Rollout.requests`).
  ///
  /// Edge cases: rethrows the policy's first error (`PolicyController.failure`).
  public static func successRates(
    of policy: any GaussianPolicy, in environment: any TaskEnvironment, tasks: [Int], episodesPerTask: Int,
    seed: Seed, stream: String = "evaluate"
  ) throws -> [Int: Double] {
    var controller = PolicyController(policy: policy, environment: environment)
    let requests = Rollout.requests(seed: seed, tasks: tasks, episodesPerTask: episodesPerTask, stream: stream)
    let episodes = try environment.rollOut(controller: &controller, requests: requests)
    if let failure = controller.failure { throw failure }
    var successes: [Int: Int] = [:]
    for episode in episodes where episode.isSuccess { successes[episode.task, default: 0] += 1 }
    return Dictionary(
      uniqueKeysWithValues: tasks.map { ($0, Double(successes[$0] ?? 0) / Double(max(episodesPerTask, 1))) })
  }
}
