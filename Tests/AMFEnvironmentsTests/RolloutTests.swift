import AMFCore
import Testing

@testable import AMFEnvironments

/// Rollouts: labelled streams, controllers, horizons and recorded rewards.
@Suite struct RolloutTests {
  @Test func requestsAreLabelledByTaskAndEpisode() {
    let requests = Rollout.requests(seed: Seed(3), tasks: [2, 5], episodesPerTask: 2)
    #expect(requests.map(\.task) == [2, 2, 5, 5])
    #expect(requests[1].seed == Seed(3).derived("rollout/task-2/episode-1"))
    #expect(Rollout.requests(seed: Seed(3), tasks: [5], episodesPerTask: 1, stream: "evaluate")[0].seed
      == Seed(3).derived("evaluate/task-5/episode-0"))
  }

  @Test func startStatesDoNotDependOnTheController() throws {
    let environment = try Reacher(EnvironmentConfiguration())
    let requests = Rollout.requests(seed: Seed(1), tasks: [0, 7], episodesPerTask: 3)
    var still = ClosureController { input, actions in
      for index in actions.indices { actions[index] = 0 }
    }
    let idle = environment.rollOut(controller: &still, requests: requests, horizon: 4)
    let expert = environment.expertEpisodes(requests: requests)
    for (a, b) in zip(idle, expert) {
      #expect(a.trajectory.state(at: 0) == b.trajectory.state(at: 0))
      #expect(a.stepCount == 4)
      #expect(a.trajectory.state(at: 4) == a.trajectory.state(at: 0), "zero acceleration from rest stays put")
    }
  }

  @Test func rewardsAreMinusDistanceToTheGoal() throws {
    let environment = try Integrator2D(EnvironmentConfiguration())
    let requests = Rollout.requests(seed: Seed(2), tasks: [4], episodesPerTask: 1)
    let episode = environment.expertEpisodes(requests: requests)[0]
    let goal = environment.taskFeatures(of: 4)
    for t in 0..<episode.stepCount {
      let next = episode.trajectory.state(at: t + 1)
      let (dx, dy) = (next[0] - goal[0], next[1] - goal[1])
      let distance = (dx * dx + dy * dy).squareRoot()
      #expect(abs(episode.rewards[t] + distance) < 1e-12)
    }
    #expect(episode.observations[0..<2] == episode.states[0..<2])
    #expect(episode.finalObservation == episode.trajectory.state(at: 20))
  }
}
