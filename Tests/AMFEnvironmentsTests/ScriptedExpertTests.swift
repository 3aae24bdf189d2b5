import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// The scripted expert as a controller, request streams, horizons, and the rest points of each expert.
@Suite struct ScriptedExpertTests {
  /// `act` writes expert(s_i) + ρ_{c_i}·N(0, 1) per dimension, each episode drawing from its own generator, so
  /// an episode's action does not depend on its neighbours in the batch.
  @Test func expertActsPerEpisodeWithItsOwnGenerator() throws {
    let environment = try Integrator2D(EnvironmentConfiguration(expertNoise: [1: 0.3, 4: 0]))
    var expert = ScriptedExpert(environment)
    let states = [0.1, 0.2, -0.3, 0.05]
    let input = ControlInput(observations: states, states: states, tasks: [1, 4], step: 0, observationDimension: 2,
                             stateDimension: 2, actionDimension: 2)
    #expect(input.episodeCount == 2)
    var actions = [Double](repeating: 0, count: 4)
    var generators = [Seed(1).generator("a"), Seed(1).generator("b")]
    expert.act(input, actions: &actions, generators: &generators)
    var replay = Seed(1).generator("a")
    var first = expertAction(environment, [0.1, 0.2], task: 1)
    first[0] += 0.3 * replay.normal()
    first[1] += 0.3 * replay.normal()
    #expect(Array(actions[0..<2]) == first)
    #expect(Array(actions[2..<4]) == expertAction(environment, [-0.3, 0.05], task: 4))  // ρ = 0: noise-free
    var untouched = Seed(1).generator("b")
    _ = untouched.normal()
    _ = untouched.normal()
    #expect(generators[1] == untouched)  // a zero std still draws, keeping the stream position fixed
  }

  /// Requests are task-major with one labelled seed each; all distinct.
  @Test func requestsAreTaskMajorAndDistinct() {
    let requests = Rollout.requests(seed: Seed(8), tasks: [3, 1, 2], episodesPerTask: 3, stream: "pool")
    #expect(requests.map(\.task) == [3, 3, 3, 1, 1, 1, 2, 2, 2])
    #expect(Set(requests.map(\.seed)).count == 9)
    #expect(requests[4].seed == Seed(8).derived("pool/task-1/episode-1"))
    #expect(Rollout.requests(seed: Seed(8), tasks: [], episodesPerTask: 3).isEmpty)
  }

  /// A shorter horizon gives a prefix of the full episode, bit for bit: steps do not depend on H.
  @Test func shorterHorizonIsAPrefix() throws {
    let environment = try Reacher(EnvironmentConfiguration())
    let requests = Rollout.requests(seed: Seed(2), tasks: [5], episodesPerTask: 1)
    let full = environment.expertEpisodes(requests: requests)[0]
    let short = environment.expertEpisodes(requests: requests, horizon: 7)[0]
    #expect(short.stepCount == 7 && short.dones.last == true && full.dones[6] == false)
    #expect(short.states == Array(full.states.prefix(8 * 4)))
    #expect(short.actions == Array(full.actions.prefix(7 * 2)))
    #expect(short.rewards == Array(full.rewards.prefix(7)))
    #expect(short.finalObservation == Array(full.observations[(7 * 8)..<(8 * 8)]))
  }

  /// At its goal and at rest every expert commands zero action: integrator2d 0.3·0, reacher 2·wrap(0) − 1.5·0,
  /// kitchen (with the task's handle at its end, following) 10·(end − end) − 4·0.
  @Test func expertsRestAtTheirGoals() throws {
    let integrator = try Integrator2D(EnvironmentConfiguration())
    let goal = integrator.goal(of: 4)
    #expect(expertAction(integrator, [goal.x, goal.y], task: 4) == [0, 0])
    let reacher = try Reacher(EnvironmentConfiguration())
    #expect(expertAction(reacher, [reacher.jointTargets[14], reacher.jointTargets[15], 0, 0], task: 7) == [0, 0])
    let kitchen = try Kitchen(EnvironmentConfiguration())
    let end = kitchen.appliances[3].handle(at: 1)
    #expect(close(expertAction(kitchen, [end.x, end.y, 0, 0, 0, 0, 0, 1, 0], task: 3), [0, 0], 1e-12))
  }

  /// With zero expert noise two episodes of one task differ only through their start states: the same start
  /// (same request) gives the same episode, and the noise-free expert still solves every integrator2d goal.
  @Test func zeroNoiseExpertIsDeterministicGivenTheStart() throws {
    let quiet = try Integrator2D(EnvironmentConfiguration(expertNoise: Dictionary(uniqueKeysWithValues: (0..<12).map { ($0, 0.0) })))
    let requests = Rollout.requests(seed: Seed(5), tasks: Array(0..<12), episodesPerTask: 2)
    let episodes = quiet.expertEpisodes(requests: requests)
    let solved = episodes.filter { $0.isSuccess }.count
    #expect(solved == 24)
    for episode in episodes {
      var batch = EnvironmentBatch(environment: quiet, tasks: [episode.task], states: Array(episode.states[0..<2]))
      var actions = [0.0, 0]
      var rewards = [0.0]
      for t in 0..<episode.stepCount {
        batch.expertActions(into: &actions)
        batch.step(actions: &actions, rewards: &rewards)
        #expect(actions == Array(episode.actions[(2 * t)..<(2 * t + 2)]) && rewards[0] == episode.rewards[t])
      }
    }
  }
}
