import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// The environment-layer IDs as manifests and params write them: `EnvironmentID` (`env.name`) and
/// `TaskScenario` (`scenario`).
@Suite struct EnvironmentIDTests {
  /// The task count a manifest sizes selection by comes from the environment and matches a built one.
  @Test(arguments: EnvironmentID.allCases)
  func taskCountComesFromTheEnvironment(id: EnvironmentID) throws {
    #expect(id.taskCount() == (try id.make()).taskCount)
    #expect(try CanonicalJSON.decode([EnvironmentID].self, from: CanonicalJSON.string([id])) == [id])
    #expect(try CanonicalJSON.string([id]) == "[\"\(id.rawValue)\"]")
  }

  @Test func goalsSetTheIntegratorTaskCount() throws {
    #expect(EnvironmentID.integrator2d.taskCount(goals: 24) == 24)
    #expect(EnvironmentID.integrator2d.taskCount() == 12)
    #expect(try EnvironmentID.integrator2d.make(EnvironmentConfiguration(goals: 7)).taskCount == 7)
  }

  @Test func unknownEnvironmentSaysDidYouMean() {
    #expect(EnvironmentID.unknownValueReason("reachr")
      == "'reachr' is not one of integrator2d, reacher, kitchen, metaworld; did you mean 'reacher'?")
    #expect(throws: DecodingError.self) { try CanonicalJSON.decode([EnvironmentID].self, from: "[\"kitchenn\"]") }
  }

  /// Every scenario encodes as params do (a plain name, or `{"k":3,"name":"allocation"}`) and decodes back.
  @Test(arguments: [
    (TaskScenario.mismatch, "\"mismatch\""), (.balanced, "\"balanced\""), (.targeted, "\"targeted\""),
    (.allocation(coveredCount: 3), "{\"k\":3,\"name\":\"allocation\"}"),
  ])
  func scenarioRoundTrips(scenario: TaskScenario, json: String) throws {
    #expect(try CanonicalJSON.string([scenario]) == "[\(json)]")
    #expect(try CanonicalJSON.decode([TaskScenario].self, from: "[\(json)]") == [scenario])
    #expect(try TaskScenario(scenario.name, coveredCount: scenario == .allocation(coveredCount: 3) ? 3 : nil) == scenario)
  }

  @Test func everyScenarioNameIsCovered() throws {
    let names = [TaskScenario.mismatch, .balanced, .targeted, .allocation(coveredCount: 1)].map(\.name)
    #expect(names == TaskScenario.Name.allCases)
  }

  @Test func badScenariosAreRejectedWithTheirFix() throws {
    #expect(throws: InvalidParameter(reason: "allocation needs k, e.g. {name: allocation, k: 3}")) {
      try TaskScenario(.allocation)
    }
    #expect(throws: InvalidParameter("k", reason: "only the allocation scenario takes k")) {
      try TaskScenario(.targeted, coveredCount: 2)
    }
    #expect(throws: DecodingError.self) { try CanonicalJSON.decode([TaskScenario].self, from: "[\"targetted\"]") }
    #expect(throws: DecodingError.self) {
      try CanonicalJSON.decode([TaskScenario].self, from: "[{\"name\":\"allocation\",\"k\":2,\"q\":1}]")
    }
    #expect(TaskScenario.Name.unknownValueReason("targetted").hasSuffix("did you mean 'targeted'?"))
  }

  /// Targets are owned by the scenario: all tasks, or {4…7} for targeted (which needs 11 tasks).
  @Test func targetsAndWeights() throws {
    #expect(try TaskScenario.mismatch.targets(taskCount: 5) == [0, 1, 2, 3, 4])
    #expect(try TaskScenario.targeted.targets(taskCount: 12) == [4, 5, 6, 7])
    #expect(throws: EnvironmentError.self) { try TaskScenario.targeted.targets(taskCount: 5) }
    let weights = try TaskScenario.targeted.targetWeights(taskCount: 12)
    #expect(weights == [0, 0, 0, 0, 0.25, 0.25, 0.25, 0.25, 0, 0, 0, 0])
    let plan = try TaskScenario.targeted.plan(environment: .reacher, demosPerTask: 1)
    #expect(plan.targetWeights == weights)
  }
}
