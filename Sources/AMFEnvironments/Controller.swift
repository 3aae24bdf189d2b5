import AMFCore

/// What a controller sees at one step of a batch of episodes.
///
/// Shapes: `observations (episodeCount × observationDimension)`, `states (episodeCount × stateDimension)`
/// (privileged: only scripted experts read them), `tasks (episodeCount)`.
public struct ControlInput: Sendable {
  /// The current observations, row-major.
  public var observations: [Double]
  /// The current states, row-major.
  public var states: [Double]
  /// The task of each episode.
  public var tasks: [Int]
  /// The step t (0 … H−1).
  public var step: Int
  /// Length of an observation row.
  public var observationDimension: Int
  /// Length of a state row.
  public var stateDimension: Int
  /// Length of an action row.
  public var actionDimension: Int

  /// Creates an input.
  public init(
    observations: [Double], states: [Double], tasks: [Int], step: Int, observationDimension: Int,
    stateDimension: Int, actionDimension: Int
  ) {
    self.observations = observations
    self.states = states
    self.tasks = tasks
    self.step = step
    self.observationDimension = observationDimension
    self.stateDimension = stateDimension
    self.actionDimension = actionDimension
  }

  /// The number of episodes.
  public var episodeCount: Int { tasks.count }
}

/// Anything that acts in a batch of episodes: a policy, or a scripted expert.
///
/// `generators[i]` is episode i's own stream for action noise, so an episode's actions do not depend on
/// which other episodes share the batch. A controller that acts with its mean ignores them.
public protocol Controller {
  /// Writes one action row per episode. Shapes: `actions (episodeCount × actionDimension)`.
  mutating func act(_ input: ControlInput, actions: inout [Double], generators: inout [SplitMix64])
}

/// A controller given by a closure (noise-free): `body(input, &actions)`.
public struct ClosureController: Controller {
  /// The action rule.
  public let body: (ControlInput, inout [Double]) -> Void

  /// Wraps `body`.
  public init(_ body: @escaping (ControlInput, inout [Double]) -> Void) { self.body = body }

  public mutating func act(_ input: ControlInput, actions: inout [Double], generators: inout [SplitMix64]) {
    body(input, &actions)
  }
}

/// An environment's scripted expert: `a = π*(s, c) + N(0, ρ*_c² I)` with the per-task std
/// `environment.expertNoiseStd[c]` (AMF.md §1, §3).
///
/// The noise of episode i is drawn from `generators[i]`, one normal per action dimension and step.
public struct ScriptedExpert<Environment: ControlEnvironment>: Controller {
  /// The environment whose expert this is.
  public let environment: Environment

  /// The expert of `environment`.
  public init(_ environment: Environment) { self.environment = environment }

  public mutating func act(_ input: ControlInput, actions: inout [Double], generators: inout [SplitMix64]) {
    let (stateWidth, actionWidth) = (input.stateDimension, input.actionDimension)
    let environment = environment
    input.states.withUnsafeBufferPointer { stateBuffer in
      actions.withUnsafeMutableBufferPointer { actionBuffer in
        for episode in 0..<input.episodeCount {
          let task = input.tasks[episode]
          let action = UnsafeMutableBufferPointer(
            rebasing: actionBuffer[(episode * actionWidth)..<((episode + 1) * actionWidth)])
          environment.expertAction(
            UnsafeBufferPointer(rebasing: stateBuffer[(episode * stateWidth)..<((episode + 1) * stateWidth)]),
            task: task, into: action)
          let std = environment.expertNoiseStd[task]
          for index in 0..<actionWidth { action[index] += std * generators[episode].normal() }
        }
      }
    }
  }
}
