import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// The Meta-World side that runs without Python: dimensions, features, and the start vectors drawn here.
@Suite struct MetaWorldStartTests {
  @Test func dimensionsAndFeatures() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    #expect(environment.taskCount == 4 && environment.horizon == 150)
    #expect(environment.observationDimension == 39 && environment.stateDimension == 40 && environment.actionDimension == 4)
    #expect(environment.taskFeatures(of: 2) == [0, 0, 1, 0] && environment.expertNoiseStd == [0.1, 0.1, 0.1, 0.1])
    #expect(environment.distractorExpertNoiseStd == nil)
    #expect(throws: EnvironmentError.invalidOption("goals", reason: "only integrator2d has goals, not metaworld")) {
      try MetaWorld(EnvironmentConfiguration(goals: 3))
    }
    let state: [Double] = [0.25, -0.5] + [Double](repeating: 0, count: 38)
    let position = state.withUnsafeBufferPointer { environment.position(of: $0) }
    #expect(position == (0.25, -0.5))
  }

  /// Faucets: `low + (high − low)·u` per coordinate from the stream, then three zeros.
  @Test func faucetStartIsUniformInItsBox() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    var rng = Seed(3).generator("start")
    let start = environment.startVector(task: 1, using: &rng)
    var replay = Seed(3).generator("start")
    let expected = [-0.1 + 0.2 * replay.uniform01(), 0.8 + 0.05 * replay.uniform01(), 0 + 0 * replay.uniform01()]
    #expect(start.count == 6 && Array(start.suffix(3)) == [0, 0, 0])
    #expect(zip(start.prefix(3), expected).allSatisfy { abs($0 - $1) < 1e-15 })
  }

  /// Cups: starts within 0.15 of the goal are redrawn; the accepted start is the first draw of the stream that
  /// is far enough, and the goal is appended.
  @Test func cupStartsAreRedrawnUntilFarFromTheGoal() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    for task in [2, 3] {
      let goal = MetaWorld.tasks[task].goal ?? []
      for seed in 0..<20 as Range<UInt64> {
        var rng = Seed(seed).generator("cup")
        let start = environment.startVector(task: task, using: &rng)
        #expect(Array(start.suffix(3)) == goal)
        #expect(((start[0] - goal[0]) * (start[0] - goal[0]) + (start[1] - goal[1]) * (start[1] - goal[1])).squareRoot()
          >= MetaWorld.minimumCupTravel)
        var replay = Seed(seed).generator("cup")
        var accepted: [Double] = []
        while accepted.isEmpty {
          let draw = [-0.1 + 0.2 * replay.uniform01(), 0.55 + 0.1 * replay.uniform01(), -0.001 + 0.002 * replay.uniform01()]
          if ((draw[0] - goal[0]) * (draw[0] - goal[0]) + (draw[1] - goal[1]) * (draw[1] - goal[1])).squareRoot() >= 0.15 {
            accepted = draw
          }
        }
        #expect(zip(start.prefix(3), accepted).allSatisfy { abs($0 - $1) < 1e-15 })
      }
    }
  }
}
