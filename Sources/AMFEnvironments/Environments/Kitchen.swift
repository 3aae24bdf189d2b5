import AMFCore
import Foundation

/// A planar analogue of FrankaKitchen's multi-task scene: a damped point effector opens one of five
/// appliances (AMF.md §3; geometry in docs/environments/kitchen.md).
///
/// * State and observation (9): effector position p, velocity v, articulations θ ∈ [0, 1]⁵ (0 = closed).
///   Action: effector acceleration, executed as `clip(a)` to [−1, 1]²; demonstrations record the
///   executed action.
/// * Dynamics: `v ← 0.9 v + 0.1 clip(a)`, `p' = p + 0.1 v`. An appliance j whose handle `h_j(θ_j)` is
///   within 0.05 of p (before the step) is grasped: `θ_j ← proj_j(p')`, the articulation whose handle is
///   closest to p' (the handle follows the effector along its line or arc). Start `p ~ N(0, 0.05² I)`,
///   v = 0, θ = 0; H = 80.
/// * Tasks: 0 microwave door (arc), 1 knob (small arc), 2 light switch (line), 3 slide cabinet (line),
///   4 hinge cabinet (arc, the microwave door mirrored); `f(c)` = one-hot.
/// * Expert: PD `a = clip(10 (x* − p) − 4 v) + N(0, 0.05² I)` towards the handle while farther than 0.03
///   from it (the approach point is the handle itself), then towards the point 0.1 further along the path,
///   `x* = h_c(min(1, θ_c + 0.1 / L_c))`.
/// * Reward: `−(‖p' − h_c(θ_c')‖ + L_c (1 − θ_c'))`, the distance left to go: to the handle, then along
///   the path. Success: `θ_c(H) ≥ 0.9` and `|θ_j(H) − θ_j(0)| ≤ 0.1` for every other j.
///
/// Tasks share the reach-grasp-pull structure and two pairs share path shapes (mirrored doors; two
/// lines), but one-hot features give no similarity a policy could exploit without data.
public struct Kitchen: ControlEnvironment {
  /// The registry entry.
  public static let id = EnvironmentID.kitchen

  /// The appliances, in task order.
  public let appliances: [KitchenAppliance] = [
    KitchenAppliance(
      name: "microwave door", path: .arc(centerX: -0.8, centerY: 0.5, radius: 0.3, startAngle: 0, sweep: -.pi / 2)),
    KitchenAppliance(
      name: "knob", path: .arc(centerX: -0.3, centerY: 0.8, radius: 0.1, startAngle: -.pi / 2, sweep: 2 * .pi / 3)),
    KitchenAppliance(name: "light switch", path: .line(startX: 0, startY: 0.6, endX: 0, endY: 0.8)),
    KitchenAppliance(name: "slide cabinet", path: .line(startX: 0.25, startY: 0.8, endX: 0.55, endY: 0.8)),
    KitchenAppliance(
      name: "hinge cabinet", path: .arc(centerX: 0.8, centerY: 0.5, radius: 0.3, startAngle: .pi, sweep: .pi / 2)),
  ]
  /// Steps per episode.
  public let horizon = 80
  /// Velocity decay per step.
  public let velocityDecay = 0.9
  /// Step length.
  public let timeStep = 0.1
  /// Std of each start coordinate of the effector.
  public let initialPositionStd = 0.05
  /// Distance from a handle within which the effector grasps it.
  public let graspRadius = 0.05
  /// Distance from the handle under which the expert starts following the path.
  public let expertFollowRadius = 0.03
  /// How far ahead along the path the expert aims while following.
  public let expertLookahead = 0.1
  /// Expert proportional gain.
  public let proportionalGain = 10.0
  /// Expert derivative gain.
  public let derivativeGain = 4.0
  /// Articulation the task needs at the end.
  public let successArticulation = 0.9
  /// Largest allowed motion of another appliance.
  public let otherArticulationTolerance = 0.1
  /// Expert noise std per task.
  public let expertNoiseStd: [Double]

  /// The default expert noise std.
  public static let defaultExpertNoiseStd = 0.05

  /// Builds the environment; takes `expert_noise` only.
  public init(_ configuration: EnvironmentConfiguration) throws {
    try configuration.rejectGoals(Self.id)
    expertNoiseStd = try configuration.expertNoiseStd(taskCount: Self.taskCount(goals: nil), defaultStd: Self.defaultExpertNoiseStd)
  }

  public var taskCount: Int { appliances.count }
  /// Five appliances (`appliances`).
  public static func taskCount(goals _: Int?) -> Int { 5 }
  /// `[p (2), v (2), θ (5), one-hot (5)]`: p mean (0, 0.4), scale 0.5 (the handles span x ∈ [−0.8, 0.8],
  /// y ∈ [0.2, 0.8]); v mean 0, scale 0.5; θ mean 0, scale 0.5; one-hot mean 0, scale 1/√2 (two tasks'
  /// features 2 apart, as two integrator2d goals 180° apart).
  public static let inputStandardization = InputStandardization(
    mean: [0, 0.4] + Array(repeating: 0, count: 12),
    scale: Array(repeating: 0.5, count: 9) + Array(repeating: InputStandardization.circle, count: 5))
  /// 256 × 256: five appliances with different mechanics need the wider network (AMF.md §5).
  public static let defaultHiddenWidths = [256, 256]
  public var stateDimension: Int { 4 + appliances.count }
  public var observationDimension: Int { stateDimension }
  public var actionDimension: Int { 2 }
  public var taskFeatureDimension: Int { appliances.count }
  public var recordsExecutedAction: Bool { true }
  public var distractorExpertNoiseStd: Double? { nil }

  public func taskFeatures(of task: Int) -> [Double] {
    (0..<appliances.count).map { $0 == task ? 1 : 0 }
  }

  public func initialState(
    task: Int, into state: UnsafeMutableBufferPointer<Double>, using rng: inout some RandomNumberGenerator
  ) {
    state[0] = initialPositionStd * rng.normal()
    state[1] = initialPositionStd * rng.normal()
    for index in 2..<stateDimension { state[index] = 0 }
  }

  public func observe(_ state: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>) {
    for index in 0..<stateDimension { observation[index] = state[index] }
  }

  public func clipAction(_ action: UnsafeMutableBufferPointer<Double>) {
    action[0] = Geometry.clamp(action[0], limit: 1)
    action[1] = Geometry.clamp(action[1], limit: 1)
  }

  public func step(_ state: UnsafeMutableBufferPointer<Double>, action: UnsafeBufferPointer<Double>, task: Int)
    -> Double
  {
    let (x, y) = (state[0], state[1])
    state[2] = velocityDecay * state[2] + timeStep * Geometry.clamp(action[0], limit: 1)
    state[3] = velocityDecay * state[3] + timeStep * Geometry.clamp(action[1], limit: 1)
    state[0] += timeStep * state[2]
    state[1] += timeStep * state[3]
    for (index, appliance) in appliances.enumerated() {
      let handle = appliance.handle(at: state[4 + index])
      if Geometry.norm(x - handle.x, y - handle.y) <= graspRadius {
        state[4 + index] = appliance.projection(x: state[0], y: state[1])
      }
    }
    let appliance = appliances[task]
    let value = state[4 + task]
    let handle = appliance.handle(at: value)
    return -(Geometry.norm(state[0] - handle.x, state[1] - handle.y) + appliance.length * (1 - value))
  }

  public func expertAction(
    _ state: UnsafeBufferPointer<Double>, task: Int, into action: UnsafeMutableBufferPointer<Double>
  ) {
    let appliance = appliances[task]
    let value = state[4 + task]
    var aim = appliance.handle(at: value)
    if Geometry.norm(state[0] - aim.x, state[1] - aim.y) <= expertFollowRadius {
      aim = appliance.handle(at: min(1, value + expertLookahead / appliance.length))
    }
    action[0] = Geometry.clamp(proportionalGain * (aim.x - state[0]) - derivativeGain * state[2], limit: 1)
    action[1] = Geometry.clamp(proportionalGain * (aim.y - state[1]) - derivativeGain * state[3], limit: 1)
  }

  public func position(of state: UnsafeBufferPointer<Double>) -> (x: Double, y: Double) { (state[0], state[1]) }

  public func isSuccess(_ trajectory: StateTrajectory, task: Int) -> Bool {
    let last = trajectory.stepCount
    guard trajectory[last, 4 + task] >= successArticulation else { return false }
    return (0..<appliances.count).allSatisfy { index in
      index == task || abs(trajectory[last, 4 + index] - trajectory[0, 4 + index]) <= otherArticulationTolerance
    }
  }
}
