import AMFCore
import Foundation

/// A planar two-link arm whose fingertip must reach one of 12 targets on a ring (AMF.md §3).
///
/// * State: joint angles q ∈ R² and velocities q̇ ∈ R² (q is not wrapped). Observation (8):
///   `(cos q₁, cos q₂, sin q₁, sin q₂, q̇₁, q̇₂, x, y)` with the fingertip
///   `(x, y) = (l₁ cos q₁ + l₂ cos(q₁+q₂), l₁ sin q₁ + l₂ sin(q₁+q₂))`, `l₁ = l₂ = 0.5`.
/// * Action: joint accelerations, executed as `clip(a)` to [−1, 1]²; demonstrations record the
///   commanded (noisy, unclipped) action.
/// * Dynamics: `q̇ ← 0.95 q̇ + 0.1 clip(a)`, `q ← q + 0.1 q̇`; start `q ~ N(0, 0.05² I)`, `q̇ = 0`; H = 60.
/// * Tasks: targets on the ring of radius r = 0.7 at `θ_k = δ − 165° + 30° k`, k = 0 … 11, with
///   `δ = atan2(l₂ sin q₂*, l₁ + l₂ cos q₂*) ≈ 45.57°`; `f(c)` = the target (x, y).
/// * Expert: elbow-down inverse kinematics `q₂* = acos((r² − l₁² − l₂²) / (2 l₁ l₂)) ≈ 91.15°`,
///   `q₁* = θ_k − δ = −165° + 30° k` (symmetric about the start), then PD on the wrapped error:
///   `a = clip(2 wrap(q* − q) − 1.5 q̇) + N(0, 0.05² I)`.
/// * Reward: `−‖fingertip_{t+1} − target‖`. Success: the fingertip is within 0.05 of the target after
///   each of the last five steps (states s_{H−4} … s_H, i.e. after steps H−5 … H−1).
///
/// Neighbouring targets need similar joint motions, so demonstrations of one transfer partly to the next.
public struct Reacher: ControlEnvironment {
  /// The registry entry.
  public static let id = EnvironmentID.reacher

  /// Upper-arm length l₁.
  public let upperLength = 0.5
  /// Forearm length l₂.
  public let lowerLength = 0.5
  /// Ring radius r of the targets.
  public let targetRadius = 0.7
  /// Steps per episode.
  public let horizon = 60
  /// Velocity decay per step.
  public let velocityDecay = 0.95
  /// Step length (applies to the acceleration and the position update).
  public let timeStep = 0.1
  /// Std of each initial joint angle.
  public let initialAngleStd = 0.05
  /// Expert proportional gain.
  public let proportionalGain = 2.0
  /// Expert derivative gain.
  public let derivativeGain = 1.5
  /// Success distance.
  public let successRadius = 0.05
  /// The number of final states that must all be within `successRadius`.
  public let successWindow = 5
  /// Expert noise std per task.
  public let expertNoiseStd: [Double]
  /// Joint targets (q₁*, q₂*) per task, row-major. Shapes: (12 × 2).
  public let jointTargets: [Double]
  /// Fingertip targets per task, row-major. Shapes: (12 × 2).
  public let targets: [Double]

  /// The default expert noise std.
  public static let defaultExpertNoiseStd = 0.05
  /// The number of targets.
  public static let targetCount = 12

  /// Builds the environment; takes `expert_noise` only.
  public init(_ configuration: EnvironmentConfiguration) throws {
    try configuration.rejectGoals(Self.id)
    expertNoiseStd = try configuration.expertNoiseStd(
      taskCount: Self.targetCount, defaultStd: Self.defaultExpertNoiseStd)
    var joints: [Double] = []
    var points: [Double] = []
    let (l1, l2, r) = (upperLength, lowerLength, targetRadius)
    let elbow = acos((r * r - l1 * l1 - l2 * l2) / (2 * l1 * l2))  // q₂*
    let offset = atan2(l2 * sin(elbow), l1 + l2 * cos(elbow))  // δ
    for k in 0..<Self.targetCount {
      let angle = offset + Geometry.radians(-165 + 30 * Double(k))
      points += [r * cos(angle), r * sin(angle)]
      joints += [angle - offset, elbow]
    }
    jointTargets = joints
    targets = points
  }

  public var taskCount: Int { Self.targetCount }
  public static func taskCount(goals _: Int?) -> Int { targetCount }
  /// `[cos q (2), sin q (2), q̇ (2), fingertip (2), target (2)]`: cos/sin mean 0, scale 1/√2 (unit circle); q̇
  /// mean 0, scale 1 (the expert's joint speeds stay within about ±1); fingertip and target mean 0, scale 0.7/√2
  /// (a point on the ring of radius 0.7).
  public static var inputStandardization: InputStandardization {
    let (circle, ring) = (InputStandardization.circle, 0.7 * InputStandardization.circle)
    return InputStandardization(
      mean: Array(repeating: 0, count: 10), scale: [circle, circle, circle, circle, 1, 1, ring, ring, ring, ring])
  }
  public var stateDimension: Int { 4 }
  public var observationDimension: Int { 8 }
  public var actionDimension: Int { 2 }
  public var taskFeatureDimension: Int { 2 }
  public var recordsExecutedAction: Bool { false }
  public var distractorExpertNoiseStd: Double? { 0.5 }

  /// The fingertip position for joint angles (q₁, q₂).
  public func fingertip(_ q1: Double, _ q2: Double) -> (x: Double, y: Double) {
    (upperLength * cos(q1) + lowerLength * cos(q1 + q2), upperLength * sin(q1) + lowerLength * sin(q1 + q2))
  }

  /// Elbow-down inverse kinematics: joint angles whose fingertip is at (x, y), q₁ ∈ (−π, π], q₂ ∈ [0, π].
  ///
  /// Edge cases: a point out of reach is clamped to the boundary of the workspace.
  public func inverseKinematics(x: Double, y: Double) -> (q1: Double, q2: Double) {
    let radiusSquared = x * x + y * y
    let cosine = (radiusSquared - upperLength * upperLength - lowerLength * lowerLength)
      / (2 * upperLength * lowerLength)
    let q2 = acos(min(max(cosine, -1), 1))
    let q1 = atan2(y, x) - atan2(lowerLength * sin(q2), upperLength + lowerLength * cos(q2))
    return (Geometry.wrapAngle(q1), q2)
  }

  public func taskFeatures(of task: Int) -> [Double] { [targets[2 * task], targets[2 * task + 1]] }

  public func initialState(
    task: Int, into state: UnsafeMutableBufferPointer<Double>, using rng: inout some RandomNumberGenerator
  ) {
    state[0] = initialAngleStd * rng.normal()
    state[1] = initialAngleStd * rng.normal()
    state[2] = 0
    state[3] = 0
  }

  public func observe(_ state: UnsafeBufferPointer<Double>, into observation: UnsafeMutableBufferPointer<Double>) {
    let tip = fingertip(state[0], state[1])
    observation[0] = cos(state[0])
    observation[1] = cos(state[1])
    observation[2] = sin(state[0])
    observation[3] = sin(state[1])
    observation[4] = state[2]
    observation[5] = state[3]
    observation[6] = tip.x
    observation[7] = tip.y
  }

  public func clipAction(_ action: UnsafeMutableBufferPointer<Double>) {
    action[0] = Geometry.clamp(action[0], limit: 1)
    action[1] = Geometry.clamp(action[1], limit: 1)
  }

  public func step(_ state: UnsafeMutableBufferPointer<Double>, action: UnsafeBufferPointer<Double>, task: Int)
    -> Double
  {
    state[2] = velocityDecay * state[2] + timeStep * Geometry.clamp(action[0], limit: 1)
    state[3] = velocityDecay * state[3] + timeStep * Geometry.clamp(action[1], limit: 1)
    state[0] += timeStep * state[2]
    state[1] += timeStep * state[3]
    return -distanceToTarget(state[0], state[1], task: task)
  }

  public func expertAction(
    _ state: UnsafeBufferPointer<Double>, task: Int, into action: UnsafeMutableBufferPointer<Double>
  ) {
    for joint in 0..<2 {
      let error = Geometry.wrapAngle(jointTargets[2 * task + joint] - state[joint])
      action[joint] = Geometry.clamp(proportionalGain * error - derivativeGain * state[2 + joint], limit: 1)
    }
  }

  public func position(of state: UnsafeBufferPointer<Double>) -> (x: Double, y: Double) {
    fingertip(state[0], state[1])
  }

  public func isSuccess(_ trajectory: StateTrajectory, task: Int) -> Bool {
    let last = trajectory.stepCount
    guard last >= successWindow else { return false }
    return ((last - successWindow + 1)...last).allSatisfy { t in
      distanceToTarget(trajectory[t, 0], trajectory[t, 1], task: task) <= successRadius
    }
  }

  private func distanceToTarget(_ q1: Double, _ q2: Double, task: Int) -> Double {
    let tip = fingertip(q1, q2)
    return Geometry.norm(tip.x - targets[2 * task], tip.y - targets[2 * task + 1])
  }
}
