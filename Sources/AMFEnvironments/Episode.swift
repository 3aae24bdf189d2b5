/// The states `s_0 … s_T` of one episode, row by row: what a success test reads.
///
/// Shapes: `states` is `((stepCount + 1) × stateDimension)`, row t is s_t (the state after t steps).
public struct StateTrajectory: Sendable {
  /// The states, row-major.
  public let states: [Double]
  /// Length of a state row.
  public let stateDimension: Int

  /// Wraps `states` (`(T + 1) × stateDimension`, row-major).
  public init(states: [Double], stateDimension: Int) {
    precondition(
      stateDimension > 0 && !states.isEmpty && states.count % stateDimension == 0,
      "\(states.count) values are not whole rows of \(stateDimension)")
    self.states = states
    self.stateDimension = stateDimension
  }

  /// Wraps one array per state.
  public init(rows: [[Double]]) {
    self.init(states: rows.flatMap { $0 }, stateDimension: rows.first?.count ?? 0)
  }

  /// T: the number of steps taken (one less than the number of states).
  public var stepCount: Int { states.count / stateDimension - 1 }

  /// Component `component` of s_`step`.
  public subscript(step: Int, component: Int) -> Double {
    states[step * stateDimension + component]
  }

  /// s_`step` as an array.
  public func state(at step: Int) -> [Double] {
    Array(states[(step * stateDimension)..<((step + 1) * stateDimension)])
  }
}

/// One rolled-out episode of a task: what a demonstration or an evaluation records.
///
/// Shapes (T = `stepCount`): `states ((T+1) × stateDimension)`, `observations (T × observationDimension)`
/// (the observation at which each action was chosen), `finalObservation (observationDimension)`,
/// `actions (T × actionDimension)` (executed actions where the environment records those),
/// `rewards (T)`, `dones (T)` (true at the last step only: episodes end at the horizon).
public struct Episode: Equatable, Sendable {
  /// The task c.
  public var task: Int
  /// s_0 … s_T, row-major.
  public var states: [Double]
  /// o_0 … o_{T−1}, row-major.
  public var observations: [Double]
  /// o_T.
  public var finalObservation: [Double]
  /// a_0 … a_{T−1}, row-major.
  public var actions: [Double]
  /// r_0 … r_{T−1}; r_t is computed on s_{t+1}.
  public var rewards: [Double]
  /// Episode-end flags per step.
  public var dones: [Bool]
  /// The environment's success test on `states`.
  public var isSuccess: Bool
  /// Length of a state row.
  public var stateDimension: Int
  /// Length of an observation row.
  public var observationDimension: Int
  /// Length of an action row.
  public var actionDimension: Int

  /// T.
  public var stepCount: Int { rewards.count }

  /// Σ_t r_t.
  public var totalReward: Double { rewards.reduce(0, +) }

  /// The states as a `StateTrajectory`.
  public var trajectory: StateTrajectory { StateTrajectory(states: states, stateDimension: stateDimension) }
}

extension TaskEnvironment {
  /// The `position(of:)` of every state of `episode`: its path in the plane. Shapes: T + 1 points.
  public func path(of episode: Episode) -> [(x: Double, y: Double)] {
    episode.states.withUnsafeBufferPointer { buffer in
      (0...episode.stepCount).map { step in
        position(of: UnsafeBufferPointer(rebasing: buffer[(step * stateDimension)..<((step + 1) * stateDimension)]))
      }
    }
  }
}
