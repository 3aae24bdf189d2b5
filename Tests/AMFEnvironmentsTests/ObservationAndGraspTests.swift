import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// Observations at generic states, the kitchen's damped effector over several steps, and a grasp by hand.
@Suite struct ObservationAndGraspTests {
  /// Reacher at q = (0.3, −1.1), q̇ = (0.2, −0.4): (cos q₁, cos q₂, sin q₁, sin q₂, q̇₁, q̇₂, x, y) with
  /// x = 0.5 cos 0.3 + 0.5 cos(−0.8), y = 0.5 sin 0.3 + 0.5 sin(−0.8).
  @Test func reacherObservationAtAGenericState() throws {
    let environment = try Reacher(EnvironmentConfiguration())
    let expected = [cos(0.3), cos(-1.1), sin(0.3), sin(-1.1), 0.2, -0.4,
                    0.5 * cos(0.3) + 0.5 * cos(-0.8), 0.5 * sin(0.3) + 0.5 * sin(-0.8)]
    #expect(close(observation(environment, [0.3, -1.1, 0.2, -0.4]), expected, 1e-15))
    let kitchen = try Kitchen(EnvironmentConfiguration())
    let state = [0.1, -0.2, 0.3, -0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    #expect(observation(kitchen, state) == state)
  }

  /// From rest the action (3, −5) is clipped to (1, −1): v = 0.1, 0.19, 0.271 and p = 0.01, 0.029, 0.0561
  /// (v ← 0.9v + 0.1a, p ← p + 0.1v), far from every handle so no articulation moves.
  @Test func kitchenEffectorOverThreeSteps() throws {
    let environment = try Kitchen(EnvironmentConfiguration())
    var state = [0.0, 0, 0, 0, 0, 0, 0, 0, 0]
    let velocities = [0.1, 0.19, 0.271]
    let positions = [0.01, 0.029, 0.0561]
    for t in 0..<3 {
      state = stepped(environment, state, [3, -5], task: 0).state
      #expect(close(state, [positions[t], -positions[t], velocities[t], -velocities[t], 0, 0, 0, 0, 0], 1e-15))
    }
  }

  /// The effector on the closed microwave door's handle (−0.5, 0.5) moving down at 1: after the step it is at
  /// (−0.5, 0.41), 0.09 below the hinge's level at 0.3 across, so the door (sweep −90°) opens to
  /// atan2(0.09, 0.3)/(π/2); the reward counts the path left, L(1 − θ) = 0.15π(1 − θ).
  @Test func microwaveDoorGraspByHand() throws {
    let environment = try Kitchen(EnvironmentConfiguration())
    let (next, reward) = stepped(environment, [-0.5, 0.5, 0, -1, 0, 0, 0, 0, 0], [0, 0], task: 0)
    let theta = atan2(0.09, 0.3) / (Double.pi / 2)
    #expect(close(next, [-0.5, 0.41, 0, -0.9, theta, 0, 0, 0, 0], 1e-12))
    let handle = environment.appliances[0].handle(at: theta)
    #expect(abs(handle.x - (-0.8 + 0.3 * cos(-theta * .pi / 2))) < 1e-15)
    let distance = ((next[0] - handle.x) * (next[0] - handle.x) + (next[1] - handle.y) * (next[1] - handle.y)).squareRoot()
    #expect(abs(reward - -(distance + 0.15 * .pi * (1 - theta))) < 1e-12)
    #expect(distance < 0.02)  // the handle follows the effector (the radius differs by 0.0132)
  }

  /// With 24 goals neighbours are 15° apart on the unit circle (chord 2 sin 7.5°), f(c) is the goal, and the
  /// path of an integrator2d episode is its positions themselves.
  @Test func twentyFourGoalsAndThePathOfAnEpisode() throws {
    let environment = try Integrator2D(EnvironmentConfiguration(goals: 24))
    for task in 0..<24 {
      let (a, b) = (environment.goal(of: task), environment.goal(of: (task + 1) % 24))
      let chord = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
      #expect(abs(chord - 2 * sin(7.5 * Double.pi / 180)) < 1e-12)
      #expect(environment.taskFeatures(of: task) == [a.x, a.y])
    }
    let episode = environment.expertEpisodes(requests: Rollout.requests(seed: Seed(4), tasks: [9], episodesPerTask: 1))[0]
    let path = environment.path(of: episode)
    #expect(path.count == 21)
    #expect(path.enumerated().allSatisfy { $1.x == episode.states[2 * $0] && $1.y == episode.states[2 * $0 + 1] })
    #expect(environment.expertNoiseStd.count == 24 && environment.taskCount == 24)
  }
}
