import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// integrator2d over whole episodes: the expert's distance to the goal in closed form, and the streams
/// that start states and expert noise come from.
@Suite struct Integrator2DDynamicsTests {
  /// From the origin towards g (‖g‖ = 1) the noise-free expert moves 0.2 while 0.3·d > 0.2, then 0.3·d:
  /// d = 1 → 0.8 → 0.6 → 0.42 → … with d_t = 0.6·0.7^{t−2} for t ≥ 2, along the ray to the goal.
  @Test func noiseFreeExpertDistanceHasAClosedForm() throws {
    let environment = try Integrator2D(EnvironmentConfiguration())
    for task in [0, 5, 10] {
      var batch = EnvironmentBatch(environment: environment, tasks: [task], states: [0, 0])
      var actions = [0.0, 0]
      var rewards = [0.0]
      let goal = environment.goal(of: task)
      for t in 1...20 {
        batch.expertActions(into: &actions)
        batch.step(actions: &actions, rewards: &rewards)
        let expected = t == 1 ? 0.8 : 0.6 * pow(0.7, Double(t - 2))
        #expect(abs(-rewards[0] - expected) < 1e-12, "task \(task), step \(t)")
        #expect(abs(batch.states[0] - (1 - expected) * goal.x) < 1e-12)
        #expect(abs(batch.states[1] - (1 - expected) * goal.y) < 1e-12)
      }
    }
  }

  /// The start state is 0.02·N(0, 1) per coordinate from the request's "initial-state" stream; the expert's
  /// noise is 0.5·N(0, 1) per dimension from its "control" stream, added before the clip, and the clipped
  /// action is recorded.
  @Test func startStateAndNoiseComeFromTheRequestStreams() throws {
    let environment = try Integrator2D(EnvironmentConfiguration(expertNoise: [7: 0.5]))
    let request = Rollout.requests(seed: Seed(12), tasks: [7], episodesPerTask: 1)[0]
    let episode = environment.expertEpisodes(requests: [request])[0]
    var start = request.seed.derived("initial-state").generator()
    let p0 = [0.02 * start.normal(), 0.02 * start.normal()]
    #expect(Array(episode.states[0..<2]) == p0)
    var control = request.seed.derived("control").generator()
    var action = expertAction(environment, p0, task: 7)
    action[0] += 0.5 * control.normal()
    action[1] += 0.5 * control.normal()
    action.withUnsafeMutableBufferPointer { environment.clipAction($0) }
    #expect(Array(episode.actions[0..<2]) == action)
    #expect(Array(episode.states[2..<4]) == [p0[0] + action[0], p0[1] + action[1]])
  }

  /// Success is ‖p_H − g‖ ≤ 0.1, the boundary included; goals sit at angles 2πk/12.
  @Test func successBoundaryAndGoals() throws {
    let environment = try Integrator2D(EnvironmentConfiguration())
    #expect(environment.isSuccess(StateTrajectory(rows: [[0, 0], [0.9, 0]]), task: 0))
    #expect(!environment.isSuccess(StateTrajectory(rows: [[0, 0], [0.89, 0]]), task: 0))
    let goal = environment.goal(of: 2)
    #expect(abs(goal.x - 0.5) < 1e-15 && abs(goal.y - 3.0.squareRoot() / 2) < 1e-15)
    #expect(environment.taskCount == 12 && environment.horizon == 20 && environment.distractorExpertNoiseStd == 0.2)
    #expect(environment.expertNoiseStd == [Double](repeating: 0.02, count: 12))
    #expect(environment.observationDimension == 2 && environment.recordsExecutedAction)
  }

  /// Options are checked and named: `env.expert_noise` task and std, `env.goals` elsewhere.
  @Test func optionErrorsNameTheField() throws {
    let configuration = EnvironmentConfiguration(expertNoise: [12: 0.1])
    #expect(throws: EnvironmentError.invalidOption("expert_noise", reason: "task 12 does not exist; tasks are 0…11")) {
      try Integrator2D(configuration)
    }
    #expect(throws: EnvironmentError.invalidOption("expert_noise", reason: "std of task 0 must be ≥ 0, found -1.0")) {
      try Integrator2D(EnvironmentConfiguration(expertNoise: [0: -1]))
    }
    #expect(throws: EnvironmentError.invalidOption("expert_noise", reason: "std of task 1 must be ≥ 0, found inf")) {
      try Integrator2D(EnvironmentConfiguration(expertNoise: [1: .infinity]))
    }
    #expect(throws: EnvironmentError.invalidOption("goals", reason: "only integrator2d has goals, not reacher")) {
      try Reacher(EnvironmentConfiguration(goals: 12))
    }
    #expect(throws: EnvironmentError.invalidOption("goals", reason: "only integrator2d has goals, not kitchen")) {
      try Kitchen(EnvironmentConfiguration(goals: 12))
    }
    #expect(EnvironmentError.invalidOption("goals", reason: "r").description == "env.goals: r")
    #expect(EnvironmentError.scenarioNotApplicable(scenario: "targeted", reason: "r").description == "scenario targeted: r")
    let stds = try EnvironmentConfiguration(expertNoise: [2: 0.3, 0: 0]).expertNoiseStd(taskCount: 3, defaultStd: 0.1)
    #expect(stds == [0, 0.1, 0.3])
  }
}
