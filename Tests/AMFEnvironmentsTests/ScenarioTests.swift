import AMFCore
import Testing

@testable import AMFEnvironments

/// Scenario plans (AMF.md §4): allocation, candidates, targets and expert noise.
@Suite struct ScenarioTests {
  @Test func mismatchCoversAContiguousHalf() throws {
    let plan = try TaskScenario.mismatch.plan(environment: .integrator2d, demosPerTask: 10)
    #expect(plan.pretrainDemos == [10, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0, 0])
    #expect(plan.targets == Array(0..<12))
    #expect(plan.candidates == Array(0..<12))
    #expect(plan.expertNoiseStd == [Double](repeating: 0.02, count: 12))
    let kitchen = try TaskScenario.mismatch.plan(environment: .kitchen, demosPerTask: 3)
    #expect(kitchen.pretrainDemos == [3, 3, 0, 0, 0])
    let fine = try TaskScenario.mismatch.plan(
      environment: .integrator2d, configuration: EnvironmentConfiguration(goals: 24), demosPerTask: 1)
    #expect(fine.coveredTasks == Array(0..<12))
  }

  @Test func balancedCoversEverything() throws {
    let plan = try TaskScenario.balanced.plan(environment: .reacher, demosPerTask: 10)
    #expect(plan.pretrainDemos == [Int](repeating: 10, count: 12))
    #expect(plan.targets == Array(0..<12))
  }

  @Test func allocationCoversTheFirstK() throws {
    let plan = try TaskScenario.allocation(coveredCount: 3).plan(environment: .integrator2d, demosPerTask: 1)
    #expect(plan.coveredTasks == [0, 1, 2])
    #expect(plan.targets == Array(0..<12))
    #expect(throws: EnvironmentError.self) {
      try TaskScenario.allocation(coveredCount: 13).plan(environment: .integrator2d, demosPerTask: 1)
    }
    #expect(throws: EnvironmentError.self) {
      try TaskScenario.allocation(coveredCount: 0).plan(environment: .reacher, demosPerTask: 1)
    }
  }

  /// On reacher (issue #21's sweep) allocation k covers the first k tasks with the pre-training demonstrations,
  /// and k = 6 gives exactly the plan of `mismatch` (the same demonstrations, candidates, targets and noise).
  @Test func allocationOnReacherCoversTheFirstKAndSixIsMismatch() throws {
    let two = try TaskScenario.allocation(coveredCount: 2).plan(environment: .reacher, demosPerTask: 10)
    #expect(two.pretrainDemos == [10, 10] + [Int](repeating: 0, count: 10))
    #expect(two.coveredTasks == [0, 1] && two.targets == Array(0..<12) && two.candidates == Array(0..<12))
    let six = try TaskScenario.allocation(coveredCount: 6).plan(environment: .reacher, demosPerTask: 10)
    #expect(six == (try TaskScenario.mismatch.plan(environment: .reacher, demosPerTask: 10)))
    #expect(throws: EnvironmentError.self) {
      try TaskScenario.allocation(coveredCount: 13).plan(environment: .reacher, demosPerTask: 1)
    }
  }

  @Test func targetedHasNoisyDistractors() throws {
    let plan = try TaskScenario.targeted.plan(environment: .integrator2d, demosPerTask: 1)
    #expect(plan.coveredTasks == [0, 1, 2, 3, 4, 5])
    #expect(plan.targets == [4, 5, 6, 7])
    #expect(plan.candidates == Array(0..<12))
    #expect(plan.expertNoiseStd == [0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.2, 0.2, 0.02])
    let reacher = try TaskScenario.targeted.plan(
      environment: .reacher, configuration: EnvironmentConfiguration(expertNoise: [10: 0.3, 0: 0.1]), demosPerTask: 10)
    #expect(reacher.expertNoiseStd[9] == 0.5)
    #expect(reacher.expertNoiseStd[10] == 0.3, "the manifest's expert_noise wins over the scenario's")
    #expect(reacher.expertNoiseStd[0] == 0.1)
    #expect(reacher.configuration.expertNoise == [0: 0.1, 9: 0.5, 10: 0.3])
    #expect(throws: EnvironmentError.self) { try TaskScenario.targeted.plan(environment: .kitchen, demosPerTask: 1) }
  }

  /// The noisy distractor tasks of `targeted` still roll out (their expert is worse, not broken).
  @Test(arguments: [EnvironmentID.integrator2d, .reacher])
  func targetedNoisyTasksStillRun(id: EnvironmentID) throws {
    let plan = try TaskScenario.targeted.plan(environment: id, demosPerTask: 1)
    let environment = try id.make(plan.configuration)
    let episodes = try environment.expertEpisodes(
      requests: Rollout.requests(seed: Seed(8), tasks: TaskScenario.targetedDistractors, episodesPerTask: 10))
    #expect(episodes.count == 20)
    #expect(episodes.allSatisfy { $0.rewards.allSatisfy(\.isFinite) && $0.stepCount == environment.horizon })
    let quiet = try id.make().expertEpisodes(
      requests: Rollout.requests(seed: Seed(8), tasks: TaskScenario.targetedDistractors, episodesPerTask: 10))
    let spread = zip(episodes, quiet).map { noisy, clean in
      zip(noisy.actions, clean.actions).map { abs($0 - $1) }.max() ?? 0
    }
    #expect(spread.allSatisfy { $0 > 0.1 }, "noisy expert actions differ visibly from the default expert's")
  }

  @Test func rejectsZeroDemos() {
    #expect(throws: EnvironmentError.self) { try TaskScenario.balanced.plan(environment: .reacher, demosPerTask: 0) }
  }
}
