import AMFCore

/// The paper's Meta-World task set (AMF.md §3; docs/environments/metaworld.md), simulated by Meta-World 3.1.1
/// and MuJoCo 3.3.0 in a Python child (`MetaWorldBridge`).
///
/// * Tasks: 0 `faucet-open-v3`, 1 `faucet-close-v3`, 2 `coffee-push-v3` to the goal (−0.05, 0.70),
///   3 `coffee-push-v3` to (0.05, 0.75); `f(c)` = one-hot. Under `mismatch` the faucet tasks are covered.
/// * Observation (39): Meta-World's goal-visible observation (gripper, gripper opening, objects, the
///   previous frame's copy, goal). State (40): the observation and the step's `success` flag (0/1).
///   Action (4): Δ gripper position and grip effort, executed as `clip(a)` to [−1, 1]⁴ (recorded so).
/// * Start: the object position (and for the cup its goal) is Meta-World's `rand_vec`, drawn here
///   uniformly from the task's reset box with the episode's generator; cup starts closer than
///   `minimumCupTravel` to the goal are redrawn (Meta-World's own reset would loop forever on them).
/// * Expert: Meta-World's scripted policy for the task plus `N(0, ρ² I)` noise (ρ = 0.1 by default), drawn
///   here and sent with the request so that a demonstration is one call.
/// * Episodes end at the first step whose `success` flag is 1, or after H = 150 steps; reward is
///   Meta-World's (0…10, v2 reward functions). Success: the last step's flag.
public struct MetaWorld: TaskEnvironment {
  /// The registry entry.
  public static let id = EnvironmentID.metaworld

  /// One task: a Meta-World environment and, for the cup, a fixed goal.
  public struct Task: Hashable, Sendable {
    /// Meta-World's name of the environment.
    public var environment: String
    /// The lower corner of the start box (Meta-World's `_random_reset_space` without the goal).
    public var startLow: [Double]
    /// The upper corner of the start box.
    public var startHigh: [Double]
    /// The fixed goal (x, y, z) appended to the start in `rand_vec`, for the cup tasks.
    public var goal: [Double]?
  }

  /// The four tasks, in task order.
  public static let tasks = [
    Task(environment: "faucet-open-v3", startLow: [-0.05, 0.8, 0], startHigh: [0.05, 0.85, 0], goal: nil),
    Task(environment: "faucet-close-v3", startLow: [-0.1, 0.8, 0], startHigh: [0.1, 0.85, 0], goal: nil),
    Task(
      environment: "coffee-push-v3", startLow: [-0.1, 0.55, -0.001], startHigh: [0.1, 0.65, 0.001],
      goal: [-0.05, 0.70, 0]),
    Task(
      environment: "coffee-push-v3", startLow: [-0.1, 0.55, -0.001], startHigh: [0.1, 0.65, 0.001],
      goal: [0.05, 0.75, 0]),
  ]
  /// The shortest planar distance from a cup's start to its goal that a start may have.
  public static let minimumCupTravel = 0.15
  /// The default expert noise std.
  public static let defaultExpertNoiseStd = 0.1
  /// Steps per episode at most.
  public let horizon = 150
  /// Expert noise std per task.
  public let expertNoiseStd: [Double]

  /// Builds the environment; takes `expert_noise` only. The child starts at the first rollout.
  public init(_ configuration: EnvironmentConfiguration) throws {
    try configuration.rejectGoals(Self.id)
    expertNoiseStd = try configuration.expertNoiseStd(taskCount: Self.tasks.count, defaultStd: Self.defaultExpertNoiseStd)
  }

  public var taskCount: Int { Self.tasks.count }
  public static func taskCount(goals _: Int?) -> Int { tasks.count }
  /// Positions lie within about ±0.5 of (0, 0.6, 0.15): scale 0.5 on the 39 observations, 1/√2 on the
  /// one-hot task features; no study runs a GP here (43 inputs).
  public static let inputStandardization = InputStandardization(
    mean: Array(repeating: 0, count: 43),
    scale: Array(repeating: 0.5, count: 39) + Array(repeating: InputStandardization.circle, count: 4))
  /// 256 × 256, as kitchen.
  public static let defaultHiddenWidths = [256, 256]
  public var observationDimension: Int { 39 }
  public var stateDimension: Int { observationDimension + 1 }
  public var actionDimension: Int { 4 }
  public var taskFeatureDimension: Int { Self.tasks.count }
  public var distractorExpertNoiseStd: Double? { nil }

  public func taskFeatures(of task: Int) -> [Double] {
    (0..<taskCount).map { $0 == task ? 1 : 0 }
  }

  /// The gripper's (x, y).
  public func position(of state: UnsafeBufferPointer<Double>) -> (x: Double, y: Double) { (state[0], state[1]) }

  /// Meta-World's `rand_vec` for an episode of `task` (6 values; faucets use the first 3).
  ///
  /// Edge cases: cup starts within `minimumCupTravel` of the goal are redrawn, so the loop ends with
  /// probability 1 (about half of the start box qualifies for either goal).
  public func startVector(task: Int, using rng: inout some RandomNumberGenerator) -> [Double] {
    let spec = Self.tasks[task]
    while true {
      let start = zip(spec.startLow, spec.startHigh).map { low, high in low + (high - low) * rng.uniform01() }
      guard let goal = spec.goal else { return start + [0, 0, 0] }
      if Geometry.norm(start[0] - goal[0], start[1] - goal[1]) >= Self.minimumCupTravel { return start + goal }
    }
  }

  public func rollOut(controller: inout some Controller, requests: [EpisodeRequest], horizon: Int?) throws
    -> [Episode]
  {
    try MetaWorldBridge.shared.rollOut(self, controller: &controller, requests: requests, horizon: horizon ?? self.horizon)
  }

  public func expertEpisodes(requests: [EpisodeRequest], horizon: Int?) throws -> [Episode] {
    try MetaWorldBridge.shared.expertEpisodes(self, requests: requests, horizon: horizon ?? self.horizon)
  }
}
