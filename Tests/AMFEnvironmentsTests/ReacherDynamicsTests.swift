import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// reacher over several steps: integration by hand, forward and inverse kinematics at special angles, the
/// streams of start states and noise, and the success window's edges.
@Suite struct ReacherDynamicsTests {
  let environment: Reacher

  init() throws { environment = try Reacher(EnvironmentConfiguration()) }

  /// From rest with the constant action (1, −1): q̇ = 0.1, 0.195, 0.28525 and q = 0.01, 0.0295, 0.058025
  /// (q̇ ← 0.95q̇ + 0.1a, q ← q + 0.1q̇), joint 2 mirrored; the reward is −‖fingertip − target‖ each step.
  @Test func threeStepsFromRestByHand() {
    var state = [0.0, 0, 0, 0]
    let velocities = [0.1, 0.195, 0.28525]
    let angles = [0.01, 0.0295, 0.058025]
    for t in 0..<3 {
      let (next, reward) = stepped(environment, state, [1, -1], task: 4)
      #expect(close(next, [angles[t], -angles[t], velocities[t], -velocities[t]], 1e-15))
      let tip = (0.5 * cos(angles[t]) + 0.5, 0.5 * sin(angles[t]))  // q₁ + q₂ = 0
      let target = environment.taskFeatures(of: 4)
      let distance = ((tip.0 - target[0]) * (tip.0 - target[0]) + (tip.1 - target[1]) * (tip.1 - target[1])).squareRoot()
      #expect(abs(reward + distance) < 1e-14)
      state = next
    }
  }

  /// Fingertips at special angles, and inverse kinematics of points out of reach: (2, 0) is clamped to the
  /// stretched arm (q₂ = 0), the origin to the folded one (q₂ = π), whose fingertip is the origin.
  @Test func kinematicsAtTheWorkspaceBoundary() {
    #expect(environment.fingertip(0, 0) == (1, 0))
    let folded = environment.fingertip(0, .pi)
    #expect(abs(folded.x) < 1e-15 && abs(folded.y) < 1e-15)
    let far = environment.inverseKinematics(x: 2, y: 0)
    #expect(far.q1 == 0 && far.q2 == 0)
    let origin = environment.inverseKinematics(x: 0, y: 0)
    #expect(origin.q2 == .pi)
    let tip = environment.fingertip(origin.q1, origin.q2)
    #expect(abs(tip.x) < 1e-15 && abs(tip.y) < 1e-15)
    let up = environment.inverseKinematics(x: 0, y: 1)
    #expect(abs(up.q1 - .pi / 2) < 1e-7 && abs(up.q2) < 1e-7)
  }

  /// Start q = 0.05·N(0, 1) per joint from "initial-state", q̇ = 0; a demonstration records the expert's
  /// commanded action expert(s) + 0.7·N(0, 1) from "control", unclipped.
  @Test func startStateAndCommandedNoiseFollowTheStreams() throws {
    let noisy = try Reacher(EnvironmentConfiguration(expertNoise: [3: 0.7]))
    let request = Rollout.requests(seed: Seed(21), tasks: [3], episodesPerTask: 1)[0]
    let episode = noisy.expertEpisodes(requests: [request], horizon: 2)[0]
    var start = request.seed.derived("initial-state").generator()
    let s0 = [0.05 * start.normal(), 0.05 * start.normal(), 0, 0]
    #expect(Array(episode.states[0..<4]) == s0)
    var control = request.seed.derived("control").generator()
    var action = expertAction(noisy, s0, task: 3)
    action[0] += 0.7 * control.normal()
    action[1] += 0.7 * control.normal()
    #expect(Array(episode.actions[0..<2]) == action)
    #expect(Array(episode.observations[0..<8]) == observation(noisy, s0))
    #expect(episode.stepCount == 2 && episode.dones == [false, true])
  }

  /// Exactly five states after the start, all at the target, succeed; four do not (the window needs H ≥ 5);
  /// a fingertip 0.049 away succeeds and 0.051 away does not.
  @Test func successWindowEdges() {
    let at = [environment.jointTargets[0], environment.jointTargets[1], 0, 0]
    #expect(environment.isSuccess(StateTrajectory(rows: [[0, 0, 0, 0], at, at, at, at, at]), task: 0))
    #expect(!environment.isSuccess(StateTrajectory(rows: [[0, 0, 0, 0], at, at, at, at]), task: 0))
    // Rotating the whole arm by δ moves the fingertip along the ring of radius 0.7 by a chord 2·0.7·sin(δ/2).
    func rotated(_ chord: Double) -> [Double] {
      let delta = 2 * asin(chord / 1.4)
      return [at[0] + delta, at[1], 0, 0]
    }
    #expect(environment.isSuccess(StateTrajectory(rows: Array(repeating: rotated(0.049), count: 6)), task: 0))
    #expect(!environment.isSuccess(StateTrajectory(rows: Array(repeating: rotated(0.051), count: 6)), task: 0))
    #expect(environment.horizon == 60 && environment.distractorExpertNoiseStd == 0.5 && !environment.recordsExecutedAction)
  }

  /// Targets are 30° apart on the ring: neighbouring targets are a chord 2·0.7·sin 15° apart.
  @Test func targetsAreEvenlySpacedOnTheRing() {
    for task in 0..<12 {
      let (a, b) = (environment.taskFeatures(of: task), environment.taskFeatures(of: (task + 1) % 12))
      let chord = ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])).squareRoot()
      #expect(abs(chord - 1.4 * sin(15 * Double.pi / 180)) < 1e-12)
    }
  }
}
