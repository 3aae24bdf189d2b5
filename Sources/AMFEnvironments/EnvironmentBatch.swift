import AMFCore

/// Many episodes of one environment stepped together: a flat state matrix updated in place.
///
/// Shapes: `states (episodeCount × stateDimension)`, row i is episode i's current state; `tasks`
/// has `episodeCount` entries. Stepping allocates nothing: rows are views into the matrix.
public struct EnvironmentBatch<Environment: ControlEnvironment>: Sendable {
  /// The environment.
  public let environment: Environment
  /// Task of each episode.
  public let tasks: [Int]
  /// Current states, row-major. Shapes: (episodeCount × stateDimension).
  public private(set) var states: [Double]

  /// A batch starting from the given states. Shapes: `states (tasks.count × stateDimension)`.
  public init(environment: Environment, tasks: [Int], states: [Double]) {
    precondition(
      states.count == tasks.count * environment.stateDimension,
      "states hold \(states.count) values, expected \(tasks.count)×\(environment.stateDimension)")
    precondition(tasks.allSatisfy { (0..<environment.taskCount).contains($0) }, "a task is out of range")
    self.environment = environment
    self.tasks = tasks
    self.states = states
  }

  /// A batch whose episode i starts from a state drawn with `generators[i]`.
  public init(environment: Environment, tasks: [Int], generators: inout [SplitMix64]) {
    precondition(generators.count == tasks.count, "one generator per episode")
    let dimension = environment.stateDimension
    var states = [Double](repeating: 0, count: tasks.count * dimension)
    states.withUnsafeMutableBufferPointer { buffer in
      for (episode, task) in tasks.enumerated() {
        let row = UnsafeMutableBufferPointer(rebasing: buffer[(episode * dimension)..<((episode + 1) * dimension)])
        environment.initialState(task: task, into: row, using: &generators[episode])
      }
    }
    self.init(environment: environment, tasks: tasks, states: states)
  }

  /// The number of episodes.
  public var episodeCount: Int { tasks.count }

  /// Writes every episode's observation. Shapes: `observations (episodeCount × observationDimension)`.
  public func observe(into observations: inout [Double]) {
    let (stateWidth, observationWidth) = (environment.stateDimension, environment.observationDimension)
    precondition(observations.count == episodeCount * observationWidth, "observations have the wrong size")
    states.withUnsafeBufferPointer { stateBuffer in
      observations.withUnsafeMutableBufferPointer { observationBuffer in
        for episode in 0..<episodeCount {
          environment.observe(
            UnsafeBufferPointer(rebasing: stateBuffer[(episode * stateWidth)..<((episode + 1) * stateWidth)]),
            into: UnsafeMutableBufferPointer(
              rebasing: observationBuffer[(episode * observationWidth)..<((episode + 1) * observationWidth)]))
        }
      }
    }
  }

  /// Steps every episode with its row of `actions` and writes the rewards.
  ///
  /// Where the environment records executed actions, `actions` is replaced by them (clipped).
  /// Shapes: `actions (episodeCount × actionDimension)`, `rewards (episodeCount)`.
  public mutating func step(actions: inout [Double], rewards: inout [Double]) {
    let (stateWidth, actionWidth) = (environment.stateDimension, environment.actionDimension)
    precondition(actions.count == episodeCount * actionWidth, "actions have the wrong size")
    precondition(rewards.count == episodeCount, "rewards have the wrong size")
    let environment = environment
    let tasks = tasks
    states.withUnsafeMutableBufferPointer { stateBuffer in
      actions.withUnsafeMutableBufferPointer { actionBuffer in
        for episode in 0..<tasks.count {
          let action = UnsafeMutableBufferPointer(
            rebasing: actionBuffer[(episode * actionWidth)..<((episode + 1) * actionWidth)])
          if environment.recordsExecutedAction { environment.clipAction(action) }
          rewards[episode] = environment.step(
            UnsafeMutableBufferPointer(rebasing: stateBuffer[(episode * stateWidth)..<((episode + 1) * stateWidth)]),
            action: UnsafeBufferPointer(action), task: tasks[episode])
        }
      }
    }
  }

  /// Writes each episode's scripted-expert action (noise-free). Shapes: `actions (episodeCount × actionDimension)`.
  public func expertActions(into actions: inout [Double]) {
    let (stateWidth, actionWidth) = (environment.stateDimension, environment.actionDimension)
    precondition(actions.count == episodeCount * actionWidth, "actions have the wrong size")
    states.withUnsafeBufferPointer { stateBuffer in
      actions.withUnsafeMutableBufferPointer { actionBuffer in
        for episode in 0..<episodeCount {
          environment.expertAction(
            UnsafeBufferPointer(rebasing: stateBuffer[(episode * stateWidth)..<((episode + 1) * stateWidth)]),
            task: tasks[episode],
            into: UnsafeMutableBufferPointer(
              rebasing: actionBuffer[(episode * actionWidth)..<((episode + 1) * actionWidth)]))
        }
      }
    }
  }
}
