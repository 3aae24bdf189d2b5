import AMFCore
import Foundation

/// A point on the plane that must reach one of `goalCount` goals on the unit circle (AMF.md §3, the
/// paper's GP setting).
///
/// * State and observation: the position p ∈ R². Action: a velocity, executed as
///   `clip(a) = a · min(1, 0.2 / ‖a‖)`; demonstrations record the executed action.
/// * Tasks: goal `g_k = (cos θ_k, sin θ_k)`, `θ_k = 2πk / goalCount` (12 or 24); `f(c) = g_c`.
/// * Dynamics: `p ← p + clip(a)`; start `p₀ ~ N(0, 0.02² I)`; H = 20.
/// * Expert: `a = clip(0.3 (g − p)) + N(0, 0.02² I)`.
/// * Reward: `−‖p_{t+1} − g‖`. Success: `‖p_H − g‖ ≤ 0.1`.
///
/// Goals 30° apart share a straight-line structure but, with a GP policy, do not transfer (AMF.md §4).
public struct Integrator2D: ControlEnvironment {
  /// The registry entry.
  public static let id = EnvironmentID.integrator2d

  /// Number of goals (tasks).
  public let goalCount: Int
  /// Steps per episode.
  public let horizon = 20
  /// Largest action norm.
  public let actionLimit = 0.2
  /// Expert gain on `g − p`.
  public let expertGain = 0.3
  /// Std of each start coordinate.
  public let initialPositionStd = 0.02
  /// Success radius around the goal.
  public let successRadius = 0.1
  /// Expert noise std per task.
  public let expertNoiseStd: [Double]

  /// The default expert noise std.
  public static let defaultExpertNoiseStd = 0.02
  /// The default number of goals.
  public static let defaultGoalCount = 12

  /// Builds the environment; `goals` (≥ 2) sets the goal count.
  public init(_ configuration: EnvironmentConfiguration) throws {
    let goals = configuration.goals ?? Self.defaultGoalCount
    guard goals >= 2 else {
      throw EnvironmentError.invalidOption("goals", reason: "must be at least 2, found \(goals)")
    }
    goalCount = goals
    expertNoiseStd = try configuration.expertNoiseStd(taskCount: goals, defaultStd: Self.defaultExpertNoiseStd)
  }

  public var taskCount: Int { goalCount }
  public static func taskCount(goals: Int?) -> Int { goals ?? defaultGoalCount }
  /// `[p (2), f(c) (2)]`: mean 0, scale 1/√2 (a point on the unit circle; AMF.md §2.1).
  public static let inputStandardization = InputStandardization(
    mean: [0, 0, 0, 0], scale: Array(repeating: InputStandardization.circle, count: 4))
  public var stateDimension: Int { 2 }
  public var observationDimension: Int { 2 }
  public var actionDimension: Int { 2 }
  public var taskFeatureDimension: Int { 2 }
  public var recordsExecutedAction: Bool { true }
  public var distractorExpertNoiseStd: Double? { 0.2 }

  /// The goal g_c on the unit circle.
  public func goal(of task: Int) -> (x: Double, y: Double) {
    let angle = 2 * Double.pi * Double(task) / Double(goalCount)
    return (cos(angle), sin(angle))
  }

  public func taskFeatures(of task: Int) -> [Double] {
    let g = goal(of: task)
    return [g.x, g.y]
  }

  public func initialState(
    task: Int, into state: UnsafeMutableBufferPointer<Double>, using rng: inout some RandomNumberGenerator
  ) {
    state[0] = initialPositionStd * rng.normal()
    state[1] = initialPositionStd * rng.normal()
  }

  public func observe(_ state: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>) {
    observation[0] = state[0]
    observation[1] = state[1]
  }

  public func clipAction(_ action: UnsafeMutableBufferPointer<Double>) {
    let scale = Geometry.normClipScale(action[0], action[1], limit: actionLimit)
    action[0] *= scale
    action[1] *= scale
  }

  public func step(_ state: UnsafeMutableBufferPointer<Double>, action: UnsafeBufferPointer<Double>, task: Int)
    -> Double
  {
    let scale = Geometry.normClipScale(action[0], action[1], limit: actionLimit)
    state[0] += scale * action[0]
    state[1] += scale * action[1]
    let g = goal(of: task)
    return -Geometry.norm(state[0] - g.x, state[1] - g.y)
  }

  public func expertAction(
    _ state: UnsafeBufferPointer<Double>, task: Int, into action: UnsafeMutableBufferPointer<Double>
  ) {
    let g = goal(of: task)
    let x = expertGain * (g.x - state[0])
    let y = expertGain * (g.y - state[1])
    let scale = Geometry.normClipScale(x, y, limit: actionLimit)
    action[0] = scale * x
    action[1] = scale * y
  }

  public func position(of state: UnsafeBufferPointer<Double>) -> (x: Double, y: Double) { (state[0], state[1]) }

  public func isSuccess(_ trajectory: StateTrajectory, task: Int) -> Bool {
    let g = goal(of: task)
    let last = trajectory.stepCount
    return Geometry.norm(trajectory[last, 0] - g.x, trajectory[last, 1] - g.y) <= successRadius
  }
}
