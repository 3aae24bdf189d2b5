import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// reacher: inverse kinematics, hand-computed steps, the wrapped PD expert, the success window (AMF.md §3).
@Suite struct ReacherTests {
  let environment: Reacher

  init() throws { environment = try Reacher(EnvironmentConfiguration()) }

  @Test func inverseKinematicsHitsEveryTarget() {
    for task in 0..<12 {
      let (q1, q2) = (environment.jointTargets[2 * task], environment.jointTargets[2 * task + 1])
      let tip = environment.fingertip(q1, q2)
      #expect(close([tip.x, tip.y], environment.taskFeatures(of: task), 1e-9))
      #expect(abs(q1 * 180 / .pi - (-165 + 30 * Double(task))) < 1e-9, "q₁* of task \(task)")
      let solved = environment.inverseKinematics(x: tip.x, y: tip.y)
      #expect(close([solved.q1, solved.q2], [q1, q2], 1e-9))
    }
    let elbowDegrees = environment.jointTargets[1] * 180 / .pi
    #expect(abs(elbowDegrees - 91.146) < 0.001)  // acos(−0.02)
    let delta = atan2(0.5 * sin(environment.jointTargets[1]), 0.5 + 0.5 * cos(environment.jointTargets[1]))
    #expect(abs(delta * 180 / .pi - 45.573) < 0.001)
    let target0 = environment.taskFeatures(of: 0)
    #expect(abs(atan2(target0[1], target0[0]) * 180 / .pi - (45.573 - 165)) < 0.001)
    #expect(abs((target0[0] * target0[0] + target0[1] * target0[1]).squareRoot() - 0.7) < 1e-12)
  }

  @Test func stepIntegratesClippedAcceleration() {
    let (next, _) = stepped(environment, [0.1, -0.2, 0.5, -1.0], [2.0, -0.5], task: 0)
    #expect(close(next, [0.1575, -0.3, 0.575, -1.0]))
  }

  @Test func observationIsCosSinVelocityFingertip() {
    let obs = observation(environment, [0, .pi / 2, 0.3, -0.4])
    #expect(close(obs, [1, 0, 0, 1, 0.3, -0.4, 0.5, 0.5], 1e-15))
  }

  @Test func expertWrapsTheJointError() {
    let q2 = environment.jointTargets[1]
    // Task 0: q₁* = −165°. From q₁ = 3.0 the short way is forward across π: wrap(−2.8798 − 3.0) = +0.4034.
    let action = expertAction(environment, [3.0, q2, 0, 0], task: 0)
    let wrapped = -165 * Double.pi / 180 - 3.0 + 2 * .pi
    #expect(close(action, [2 * wrapped, 0]))
    let fifteenDegrees = 15 * Double.pi / 180
    let expected: [Double] = [2 * fifteenDegrees - 1.5 * 0.4, 0]
    #expect(close(expertAction(environment, [0, q2, 0.4, 0], task: 6), expected))
    #expect(expertAction(environment, [0, 0, 0, 0], task: 11) == [1, 1])  // saturates
  }

  @Test func successNeedsTheLastFiveStates() {
    let at = [environment.jointTargets[6], environment.jointTargets[7], 0, 0]
    let off = [0.0, 0.0, 0, 0]
    #expect(environment.isSuccess(StateTrajectory(rows: [off, off, off, off, off, at, at, at, at, at]), task: 3))
    #expect(!environment.isSuccess(StateTrajectory(rows: [off, at, at, at, at, off, at, at, at, at]), task: 3))
    #expect(!environment.isSuccess(StateTrajectory(rows: [at, at, at, at, at, at, at, at, at, off]), task: 3))
    #expect(!environment.isSuccess(StateTrajectory(rows: [at, at, at]), task: 3))
  }

  @Test func demonstrationsRecordTheCommandedAction() throws {
    let noisy = try Reacher(EnvironmentConfiguration(expertNoise: [2: 2.0]))
    let episode = noisy.expertEpisodes(requests: Rollout.requests(seed: Seed(5), tasks: [2], episodesPerTask: 1))[0]
    #expect(episode.actions.contains { abs($0) > 1 })
  }
}
