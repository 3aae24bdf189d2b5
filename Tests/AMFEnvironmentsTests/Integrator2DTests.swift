import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// integrator2d: hand-computed steps, the norm clip, the expert, success (AMF.md §3).
@Suite struct Integrator2DTests {
  let environment: Integrator2D

  init() throws { environment = try Integrator2D(EnvironmentConfiguration()) }

  @Test func stepAddsTheActionAndRewardsMinusDistance() {
    let (next, reward) = stepped(environment, [0.1, -0.2], [0.05, 0.1], task: 0)
    #expect(close(next, [0.15, -0.1]))
    #expect(abs(reward - -(0.85 * 0.85 + 0.1 * 0.1).squareRoot()) < 1e-12)
  }

  @Test func actionIsClippedToNorm02() {
    let (next, _) = stepped(environment, [0, 0], [0.3, 0.4], task: 0)
    #expect(close(next, [0.12, 0.16]))
    var action = [0.3, 0.4]
    action.withUnsafeMutableBufferPointer { environment.clipAction($0) }
    #expect(close(action, [0.12, 0.16]))
    var small = [0.05, -0.1]
    small.withUnsafeMutableBufferPointer { environment.clipAction($0) }
    #expect(small == [0.05, -0.1])
  }

  @Test func expertIsClippedProportionalControl() {
    #expect(close(expertAction(environment, [0, 0], task: 3), [0, 0.2]))  // g = (0, 1): 0.3 → 0.2
    #expect(close(expertAction(environment, [0.9, 0], task: 0), [0.03, 0]))
  }

  @Test func goalsAndFeaturesAreOnTheUnitCircle() throws {
    #expect(close(environment.taskFeatures(of: 3), [0, 1]))
    #expect(close(environment.taskFeatures(of: 6), [-1, 0]))
    let fine = try Integrator2D(EnvironmentConfiguration(goals: 24))
    #expect(fine.taskCount == 24)
    #expect(close(fine.taskFeatures(of: 1), [cos(Double.pi / 12), sin(Double.pi / 12)]))
    #expect(throws: EnvironmentError.invalidOption("goals", reason: "must be at least 2, found 1")) {
      try Integrator2D(EnvironmentConfiguration(goals: 1))
    }
  }

  @Test func successLooksAtTheFinalPositionOnly() {
    let far = [5.0, 5.0]
    #expect(environment.isSuccess(StateTrajectory(rows: [far, [0.95, 0.05]]), task: 0))
    #expect(!environment.isSuccess(StateTrajectory(rows: [[1, 0], [0.85, 0]]), task: 0))
    #expect(!environment.isSuccess(StateTrajectory(rows: [[0.95, 0.05], [0, 1]]), task: 0))
  }

  @Test func demonstrationsRecordTheExecutedAction() throws {
    let noisy = try Integrator2D(EnvironmentConfiguration(expertNoise: [0: 1.0]))
    let episode = noisy.expertEpisodes(requests: Rollout.requests(seed: Seed(5), tasks: [0], episodesPerTask: 1))[0]
    for t in 0..<episode.stepCount {
      let (x, y) = (episode.actions[2 * t], episode.actions[2 * t + 1])
      #expect((x * x + y * y).squareRoot() <= 0.2 * (1 + 1e-12))
      #expect(close([episode.states[2 * t] + x, episode.states[2 * t + 1] + y],
                    [episode.states[2 * t + 2], episode.states[2 * t + 3]]))
    }
  }
}
