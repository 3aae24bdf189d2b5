import AMFEnvironments

/// One `step` of `environment` from `state` with `action`: (next state, reward).
func stepped<E: ControlEnvironment>(_ environment: E, _ state: [Double], _ action: [Double], task: Int)
  -> (state: [Double], reward: Double)
{
  var next = state
  let reward = next.withUnsafeMutableBufferPointer { row in
    action.withUnsafeBufferPointer { environment.step(row, action: $0, task: task) }
  }
  return (next, reward)
}

/// The expert's noise-free action at `state`.
func expertAction<E: ControlEnvironment>(_ environment: E, _ state: [Double], task: Int) -> [Double] {
  var action = [Double](repeating: .nan, count: environment.actionDimension)
  state.withUnsafeBufferPointer { row in
    action.withUnsafeMutableBufferPointer { environment.expertAction(row, task: task, into: $0) }
  }
  return action
}

/// The observation of `state`.
func observation<E: ControlEnvironment>(_ environment: E, _ state: [Double]) -> [Double] {
  var result = [Double](repeating: .nan, count: environment.observationDimension)
  state.withUnsafeBufferPointer { row in
    result.withUnsafeMutableBufferPointer { environment.observe(row, into: $0) }
  }
  return result
}

/// Whether every pair differs by at most `tolerance`.
func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}

/// The in-process environment `id` (every entry of `EnvironmentID.inProcess` is one).
func inProcess(_ id: EnvironmentID, _ configuration: EnvironmentConfiguration = EnvironmentConfiguration()) throws
  -> any ControlEnvironment
{
  guard let environment = try id.make(configuration) as? any ControlEnvironment else {
    throw EnvironmentError.invalidOption("name", reason: "\(id.rawValue) does not run in this process")
  }
  return environment
}
