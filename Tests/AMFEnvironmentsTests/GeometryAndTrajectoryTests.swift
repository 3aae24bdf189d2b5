import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// The planar helpers, state trajectories, episodes' totals and paths, and batches stepped by hand.
@Suite struct GeometryAndTrajectoryTests {
  /// wrap(x) ∈ (−π, π]: 3π/2 → −π/2, −3π/2 → π/2, −π → π, 2π + 0.1 → 0.1, 7π → π.
  @Test func wrapAngleLandsInHalfOpenInterval() {
    #expect(abs(Geometry.wrapAngle(1.5 * .pi) - -0.5 * .pi) < 1e-15)
    #expect(abs(Geometry.wrapAngle(-1.5 * .pi) - 0.5 * .pi) < 1e-15)
    #expect(Geometry.wrapAngle(.pi) == .pi && Geometry.wrapAngle(-.pi) == .pi)
    #expect(abs(Geometry.wrapAngle(2 * .pi + 0.1) - 0.1) < 1e-15)
    #expect(abs(Geometry.wrapAngle(7 * .pi) - .pi) < 1e-14)
    #expect(Geometry.wrapAngle(0.5) == 0.5)
  }

  /// (0.3, 0.4) has norm 0.5: scale 0.2/0.5 = 0.4; a vector already on the circle keeps scale 1 even when its
  /// computed norm is an ulp too long, so clipping twice equals clipping once.
  @Test func normClipIsIdempotent() {
    #expect(Geometry.normClipScale(0.3, 0.4, limit: 0.2) == 0.4)
    #expect(Geometry.normClipScale(0.1, 0.1, limit: 0.2) == 1)
    for angle in stride(from: 0.0, to: 6.3, by: 0.37) {
      let (x, y) = (3 * cos(angle), 3 * sin(angle))
      let scale = Geometry.normClipScale(x, y, limit: 0.2)
      #expect(Geometry.normClipScale(scale * x, scale * y, limit: 0.2) == 1)
    }
    #expect(Geometry.clamp(-3, limit: 1) == -1 && Geometry.clamp(0.25, limit: 1) == 0.25)
    #expect(Geometry.norm(3, 4) == 5 && Geometry.radians(180) == .pi)
  }

  @Test func trajectoryRowsAndSubscripts() {
    let trajectory = StateTrajectory(rows: [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    #expect(trajectory.stepCount == 2 && trajectory.stateDimension == 3)
    #expect(trajectory[1, 2] == 5 && trajectory.state(at: 2) == [6, 7, 8])
    #expect(StateTrajectory(states: [1, 2], stateDimension: 2).stepCount == 0)
  }

  /// The return is Σ rewards; the path is `position(of:)` per state: the fingertip for reacher,
  /// (l₁cos q₁ + l₂cos(q₁ + q₂), …) = (1, 0) at q = 0 and (0, 1) at q = (π/2, 0).
  @Test func episodeTotalsAndPaths() throws {
    let reacher = try Reacher(EnvironmentConfiguration())
    let episode = Episode(
      task: 0, states: [0, 0, 0, 0, .pi / 2, 0, 0, 0], observations: [], finalObservation: [], actions: [0, 0],
      rewards: [-0.25], dones: [true], isSuccess: false, stateDimension: 4, observationDimension: 8, actionDimension: 2)
    #expect(episode.stepCount == 1 && episode.totalReward == -0.25)
    let path = reacher.path(of: episode)
    #expect(path.count == 2 && path[0] == (1, 0))
    #expect(abs(path[1].x) < 1e-15 && abs(path[1].y - 1) < 1e-15)
  }

  /// A batch built from explicit states steps each row as the row functions do, and its noise-free expert
  /// actions are the rows' expert actions.
  @Test func batchFromStatesMatchesRowFunctions() throws {
    let environment = try Integrator2D(EnvironmentConfiguration())
    let states = [0.0, 0, 0.5, 0.5, -0.2, 0.9]
    var batch = EnvironmentBatch(environment: environment, tasks: [0, 3, 6], states: states)
    var actions = [Double](repeating: 0, count: 6)
    batch.expertActions(into: &actions)
    for episode in 0..<3 {
      let row = Array(states[(2 * episode)..<(2 * episode + 2)])
      #expect(actions[(2 * episode)..<(2 * episode + 2)].elementsEqual(expertAction(environment, row, task: [0, 3, 6][episode])))
    }
    var rewards = [0.0, 0, 0]
    var commanded = [0.5, 0, 0.05, 0.05, 0, -1]
    batch.step(actions: &commanded, rewards: &rewards)
    #expect(close(commanded, [0.2, 0, 0.05, 0.05, 0, -0.2]))  // executed (clipped) actions replace the commanded
    #expect(close(batch.states, [0.2, 0, 0.55, 0.55, -0.2, 0.7]))
    #expect(abs(rewards[0] - -0.8) < 1e-15 && batch.episodeCount == 3)
    var observations = [Double](repeating: .nan, count: 6)
    batch.observe(into: &observations)
    #expect(observations == batch.states)
  }

  /// A controller sees every step once, with the tasks of the batch, and its actions are executed.
  @Test func controllerSeesEveryStep() throws {
    let environment = try Integrator2D(EnvironmentConfiguration())
    final class Log: @unchecked Sendable { var steps: [Int] = []; var tasks: [[Int]] = [] }
    let log = Log()
    var controller = ClosureController { input, actions in
      log.steps.append(input.step)
      log.tasks.append(input.tasks)
      for episode in 0..<input.episodeCount { actions[2 * episode] = 0.1 }
    }
    let requests = Rollout.requests(seed: Seed(1), tasks: [2, 5], episodesPerTask: 1)
    let episodes = environment.rollOut(controller: &controller, requests: requests, horizon: 3)
    #expect(log.steps == [0, 1, 2] && log.tasks == [[2, 5], [2, 5], [2, 5]])
    for episode in episodes {
      #expect(abs(episode.states[6] - (episode.states[0] + 0.3)) < 1e-15 && episode.states[7] == episode.states[1])
      #expect(episode.dones == [false, false, true] && episode.actions == [0.1, 0, 0.1, 0, 0.1, 0])
    }
  }
}
