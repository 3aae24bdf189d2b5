import AMFCore

/// One episode to roll out: its task and the seed of its random streams.
///
/// The start state is drawn from `seed.derived("initial-state")` and the controller's noise from
/// `seed.derived("control")`, so two controllers given the same request start from the same state
/// (common random numbers, AMF.md §6).
public struct EpisodeRequest: Hashable, Sendable {
  /// The task c.
  public var task: Int
  /// The episode's seed.
  public var seed: Seed

  /// Creates a request.
  public init(task: Int, seed: Seed) {
    self.task = task
    self.seed = seed
  }
}

/// Rolling out a controller for a batch of episodes.
public enum Rollout {
  /// `episodesPerTask` requests per task, task-major, episode i of task c seeded by
  /// `seed.derived("\(stream)/task-\(c)/episode-\(i)")`.
  public static func requests(seed: Seed, tasks: [Int], episodesPerTask: Int, stream: String = "rollout")
    -> [EpisodeRequest]
  {
    tasks.flatMap { task in
      (0..<episodesPerTask).map { episode in
        EpisodeRequest(task: task, seed: seed.derived("\(stream)/task-\(task)/episode-\(episode)"))
      }
    }
  }

  /// Rolls `controller` out in `environment` for every request, all episodes stepped together, for
  /// `horizon` steps (default: the environment's H).
  ///
  /// Each episode's outcome depends only on its request, never on the others in the batch.
  /// Complexity: O(requests · H) environment steps; the buffers are allocated once.
  public static func run<Environment: ControlEnvironment, C: Controller>(
    _ environment: Environment, controller: inout C, requests: [EpisodeRequest], horizon: Int? = nil
  ) -> [Episode] {
    let steps = horizon ?? environment.horizon
    let count = requests.count
    let tasks = requests.map(\.task)
    let (stateWidth, observationWidth, actionWidth) =
      (environment.stateDimension, environment.observationDimension, environment.actionDimension)
    var initialGenerators = requests.map { $0.seed.derived("initial-state").generator() }
    var controlGenerators = requests.map { $0.seed.derived("control").generator() }
    var batch = EnvironmentBatch(environment: environment, tasks: tasks, generators: &initialGenerators)
    var observations = [Double](repeating: 0, count: count * observationWidth)
    var actions = [Double](repeating: 0, count: count * actionWidth)
    var rewards = [Double](repeating: 0, count: count)
    var record = Recording(steps: steps, count: count, widths: (stateWidth, observationWidth, actionWidth))
    record.states.replaceSubrange(0..<(count * stateWidth), with: batch.states)
    for step in 0..<steps {
      batch.observe(into: &observations)
      record.store(observations, into: \.observations, step: step, width: observationWidth)
      do {  // the input must be gone before the batch steps, or its states would be copied
        let input = ControlInput(
          observations: observations, states: batch.states, tasks: tasks, step: step,
          observationDimension: observationWidth, stateDimension: stateWidth, actionDimension: actionWidth)
        controller.act(input, actions: &actions, generators: &controlGenerators)
      }
      batch.step(actions: &actions, rewards: &rewards)
      record.store(actions, into: \.actions, step: step, width: actionWidth)
      record.store(rewards, into: \.rewards, step: step, width: 1)
      record.store(batch.states, into: \.states, step: step + 1, width: stateWidth)
    }
    batch.observe(into: &observations)
    return (0..<count).map { episode in
      record.episode(episode, task: tasks[episode], finalObservation: observations, environment: environment)
    }
  }
}

/// The step-major history of a batch rollout: `states ((H+1) × count × stateWidth)`,
/// `observations (H × count × observationWidth)`, `actions (H × count × actionWidth)`, `rewards (H × count)`.
private struct Recording {
  var states: [Double]
  var observations: [Double]
  var actions: [Double]
  var rewards: [Double]
  let steps: Int
  let count: Int
  let widths: (state: Int, observation: Int, action: Int)

  init(steps: Int, count: Int, widths: (Int, Int, Int)) {
    self.steps = steps
    self.count = count
    self.widths = widths
    states = [Double](repeating: 0, count: (steps + 1) * count * widths.0)
    observations = [Double](repeating: 0, count: steps * count * widths.1)
    actions = [Double](repeating: 0, count: steps * count * widths.2)
    rewards = [Double](repeating: 0, count: steps * count)
  }

  mutating func store(_ rows: [Double], into field: WritableKeyPath<Recording, [Double]>, step: Int, width: Int) {
    let (start, length) = (step * count * width, count * width)
    self[keyPath: field].withUnsafeMutableBufferPointer { target in
      rows.withUnsafeBufferPointer { source in
        for index in 0..<length { target[start + index] = source[index] }
      }
    }
  }

  /// Episode `episode`'s rows gathered from every step.
  func gather(_ values: [Double], rows: Int, episode: Int, width: Int) -> [Double] {
    var result: [Double] = []
    result.reserveCapacity(rows * width)
    for step in 0..<rows {
      let start = (step * count + episode) * width
      result.append(contentsOf: values[start..<(start + width)])
    }
    return result
  }

  func episode<Environment: ControlEnvironment>(
    _ episode: Int, task: Int, finalObservation: [Double], environment: Environment
  ) -> Episode {
    let episodeStates = gather(states, rows: steps + 1, episode: episode, width: widths.state)
    let trajectory = StateTrajectory(states: episodeStates, stateDimension: widths.state)
    return Episode(
      task: task, states: episodeStates,
      observations: gather(observations, rows: steps, episode: episode, width: widths.observation),
      finalObservation: Array(
        finalObservation[(episode * widths.observation)..<((episode + 1) * widths.observation)]),
      actions: gather(actions, rows: steps, episode: episode, width: widths.action),
      rewards: gather(rewards, rows: steps, episode: episode, width: 1),
      dones: (0..<steps).map { $0 == steps - 1 },
      isSuccess: environment.isSuccess(trajectory, task: task), stateDimension: widths.state,
      observationDimension: widths.observation, actionDimension: widths.action)
  }
}

extension ControlEnvironment {
  /// Rolls `controller` out for every request in this process (`Rollout.run`); never throws.
  public func rollOut(controller: inout some Controller, requests: [EpisodeRequest], horizon: Int? = nil)
    -> [Episode]
  {
    Rollout.run(self, controller: &controller, requests: requests, horizon: horizon)
  }

  /// Rolls the scripted expert (with its per-task noise) out for every request; never throws.
  public func expertEpisodes(requests: [EpisodeRequest], horizon: Int? = nil) -> [Episode] {
    var expert = ScriptedExpert(self)
    return Rollout.run(self, controller: &expert, requests: requests, horizon: horizon)
  }
}

extension TaskEnvironment {
  /// `rollOut(controller:requests:horizon:)` for the full horizon.
  public func rollOut(controller: inout some Controller, requests: [EpisodeRequest]) throws -> [Episode] {
    try rollOut(controller: &controller, requests: requests, horizon: nil)
  }

  /// `expertEpisodes(requests:horizon:)` for the full horizon.
  public func expertEpisodes(requests: [EpisodeRequest]) throws -> [Episode] {
    try expertEpisodes(requests: requests, horizon: nil)
  }
}
