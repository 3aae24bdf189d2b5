import AMFCore
import Testing

@testable import AMFEnvironments

/// The contract every registered environment keeps (HOUSE-STYLE §3.4), and the validity condition of
/// AMF.md §3: the expert solves every task.
@Suite struct EnvironmentContractTests {
  @Test(arguments: EnvironmentID.allCases)
  func registryIsConsistent(id: EnvironmentID) throws {
    #expect(id.environmentType.id == id)
    #expect(EnvironmentID(rawValue: id.rawValue) == id)
    let environment = try id.make()
    #expect(type(of: environment).id == id)
  }

  @Test(arguments: EnvironmentID.inProcess)
  func dimensionsAgree(id: EnvironmentID) throws {
    let environment = try inProcess(id)
    #expect(environment.expertNoiseStd.count == environment.taskCount)
    for task in 0..<environment.taskCount {
      #expect(environment.taskFeatures(of: task).count == environment.taskFeatureDimension)
    }
    let features = (0..<environment.taskCount).map { environment.taskFeatures(of: $0) }
    #expect(Set(features).count == environment.taskCount, "task features must tell the tasks apart")
    let episodes = expertEpisodes(environment, seed: Seed(1), episodesPerTask: 1)
    for episode in episodes {
      #expect(episode.states.count == (environment.horizon + 1) * environment.stateDimension)
      #expect(episode.observations.count == environment.horizon * environment.observationDimension)
      #expect(episode.finalObservation.count == environment.observationDimension)
      #expect(episode.actions.count == environment.horizon * environment.actionDimension)
      #expect(episode.rewards.count == environment.horizon)
      #expect(episode.dones == (0..<environment.horizon).map { $0 == environment.horizon - 1 })
      #expect(episode.rewards.allSatisfy { $0 <= 0 && $0.isFinite })
    }
  }

  /// AMF.md §3: "the expert succeeds in at least 95% of episodes on every task" (50 episodes per task).
  @Test(arguments: EnvironmentID.inProcess)
  func expertSolvesEveryTask(id: EnvironmentID) throws {
    let environment = try inProcess(id)
    let rates = successRates(expertEpisodes(environment, seed: Seed(2025), episodesPerTask: 50),
                             taskCount: environment.taskCount)
    #expect(rates.allSatisfy { $0 >= 0.95 }, "\(id.rawValue) expert success per task: \(rates)")
  }

  @Test func expertSolvesEveryGoalOf24() throws {
    let environment = try Integrator2D(EnvironmentConfiguration(goals: 24))
    let rates = successRates(expertEpisodes(environment, seed: Seed(2025), episodesPerTask: 50), taskCount: 24)
    #expect(rates.allSatisfy { $0 >= 0.95 }, "integrator2d (24 goals) expert success per task: \(rates)")
  }

  @Test(arguments: EnvironmentID.inProcess)
  func sameSeedSameEpisodesBitForBit(id: EnvironmentID) throws {
    let environment = try inProcess(id)
    let first = expertEpisodes(environment, seed: Seed(9), episodesPerTask: 2)
    let second = expertEpisodes(environment, seed: Seed(9), episodesPerTask: 2)
    #expect(first.map { bits($0) } == second.map { bits($0) })
    let other = expertEpisodes(environment, seed: Seed(9), episodesPerTask: 2, stream: "evaluate")
    #expect(zip(first, other).allSatisfy { bits($0) != bits($1) })
  }

  /// An episode's outcome is the same alone, in a batch, and in another position of the batch.
  @Test(arguments: EnvironmentID.inProcess)
  func batchedEqualsOneAtATime(id: EnvironmentID) throws {
    try checkBatchedEqualsOneAtATime(inProcess(id))
  }

  private func checkBatchedEqualsOneAtATime<E: ControlEnvironment>(_ environment: E) {
    let requests = Rollout.requests(
      seed: Seed(4), tasks: Array(0..<environment.taskCount), episodesPerTask: 2)
    var expert = ScriptedExpert(environment)
    let batched = Rollout.run(environment, controller: &expert, requests: requests)
    let single = requests.map { request in Rollout.run(environment, controller: &expert, requests: [request])[0] }
    let reversed = Rollout.run(environment, controller: &expert, requests: requests.reversed()).reversed()
    #expect(batched.map { bits($0) } == single.map { bits($0) })
    #expect(batched.map { bits($0) } == reversed.map { bits($0) })
  }

  /// `EnvironmentBatch.step` on many rows equals `step` on each row alone, bit for bit.
  @Test(arguments: EnvironmentID.inProcess)
  func batchStepEqualsRowStep(id: EnvironmentID) throws {
    try checkBatchStepEqualsRowStep(inProcess(id))
  }

  private func checkBatchStepEqualsRowStep<E: ControlEnvironment>(_ environment: E) {
    let tasks = (0..<7).map { $0 % environment.taskCount }
    var generators = tasks.indices.map { Seed(11).generator("row-\($0)") }
    var batch = EnvironmentBatch(environment: environment, tasks: tasks, generators: &generators)
    let width = environment.stateDimension
    var rows = tasks.indices.map { Array(batch.states[($0 * width)..<(($0 + 1) * width)]) }
    var noise = Seed(12).generator()
    for _ in 0..<10 {
      var actions = (0..<(tasks.count * environment.actionDimension)).map { _ in 1.5 * noise.normal() }
      let commanded = actions
      var rewards = [Double](repeating: 0, count: tasks.count)
      batch.step(actions: &actions, rewards: &rewards)
      for (episode, task) in tasks.enumerated() {
        let width = environment.actionDimension
        var action = Array(commanded[(episode * width)..<((episode + 1) * width)])
        let reward = rows[episode].withUnsafeMutableBufferPointer { state in
          action.withUnsafeBufferPointer { environment.step(state, action: $0, task: task) }
        }
        #expect(reward.bitPattern == rewards[episode].bitPattern)
        if environment.recordsExecutedAction { action.withUnsafeMutableBufferPointer { environment.clipAction($0) } }
        #expect(action == Array(actions[(episode * width)..<((episode + 1) * width)]))
      }
      #expect(rows.flatMap { $0 } == batch.states)
    }
  }

  @Test(arguments: EnvironmentID.inProcess)
  func expertNoiseOverrideApplies(id: EnvironmentID) throws {
    let environment = try inProcess(id, EnvironmentConfiguration(expertNoise: [1: 0.3]))
    #expect(environment.expertNoiseStd[1] == 0.3)
    #expect(environment.expertNoiseStd[0] == (try inProcess(id)).expertNoiseStd[0])
    #expect(throws: EnvironmentError.self) { try inProcess(id, EnvironmentConfiguration(expertNoise: [99: 0.1])) }
    #expect(throws: EnvironmentError.self) { try inProcess(id, EnvironmentConfiguration(expertNoise: [0: -1])) }
    let zeroNoise = try inProcess(id, EnvironmentConfiguration(expertNoise: [0: 0]))
    let quiet = expertEpisodes(zeroNoise, seed: Seed(3), episodesPerTask: 1)
    #expect(quiet[0].isSuccess)
  }
}

/// Expert episodes of every task, task-major.
func expertEpisodes(
  _ environment: any ControlEnvironment, seed: Seed, episodesPerTask: Int, stream: String = "rollout"
) -> [Episode] {
  environment.expertEpisodes(
    requests: Rollout.requests(
      seed: seed, tasks: Array(0..<environment.taskCount), episodesPerTask: episodesPerTask, stream: stream))
}

/// Success rate per task.
func successRates(_ episodes: [Episode], taskCount: Int) -> [Double] {
  (0..<taskCount).map { task in
    let own = episodes.filter { $0.task == task }
    return Double(own.filter(\.isSuccess).count) / Double(own.count)
  }
}

/// Every number of an episode as bits, for bit-for-bit comparisons.
func bits(_ episode: Episode) -> [UInt64] {
  (episode.states + episode.observations + episode.actions + episode.rewards + episode.finalObservation)
    .map(\.bitPattern) + [episode.isSuccess ? 1 : 0, UInt64(episode.task)]
}
