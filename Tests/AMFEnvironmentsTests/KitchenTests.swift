import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// kitchen: appliance geometry, damped effector steps, grasping, success (AMF.md §3, docs/environments/kitchen.md).
@Suite struct KitchenTests {
  let environment: Kitchen

  init() throws { environment = try Kitchen(EnvironmentConfiguration()) }

  func state(x: Double, y: Double, vx: Double = 0, vy: Double = 0, articulations: [Double] = [0, 0, 0, 0, 0])
    -> [Double]
  {
    [x, y, vx, vy] + articulations
  }

  @Test func freeStepIsDampedAndClipped() {
    let (next, reward) = stepped(environment, state(x: 0, y: 0, vx: 0.1, vy: -0.2), [2, 0.5], task: 2)
    #expect(close(next, state(x: 0.019, y: -0.013, vx: 0.19, vy: -0.13)))
    // Light switch: handle (0, 0.6) at θ = 0, path length 0.2.
    #expect(abs(reward - -((0.019 * 0.019 + 0.613 * 0.613).squareRoot() + 0.2)) < 1e-12)
  }

  @Test func graspedHandleFollowsTheEffector() {
    let (next, reward) = stepped(environment, state(x: 0, y: 0.6, vy: 0.5), [0, 0], task: 2)
    #expect(close(next, state(x: 0, y: 0.645, vy: 0.45, articulations: [0, 0, 0.225, 0, 0])))
    #expect(abs(reward - -(0.2 * 0.775)) < 1e-12)
    let (away, _) = stepped(environment, state(x: 0, y: 0.54, vy: 0.5), [0, 0], task: 2)
    #expect(away[6] == 0, "0.06 from the handle: not grasped")
  }

  @Test func pathsProjectAndMirror() throws {
    let door = environment.appliances[0]
    let angle = -Double.pi / 8
    #expect(abs(door.projection(x: -0.8 + 0.2 * cos(angle), y: 0.5 + 0.2 * sin(angle)) - 0.25) < 1e-12)
    let half = door.handle(at: 0.5)
    #expect(close([half.x, half.y], [-0.8 + 0.3 * cos(-Double.pi / 4), 0.5 + 0.3 * sin(-Double.pi / 4)]))
    #expect(door.projection(x: -0.5, y: 0.9) == 0)  // behind the closed door: clamped
    #expect(abs(door.length - 0.3 * Double.pi / 2) < 1e-12)
    let hinge = environment.appliances[4]
    for value in [0.0, 0.3, 1.0] {
      let (a, b) = (door.handle(at: value), hinge.handle(at: value))
      #expect(close([a.x, a.y], [-b.x, b.y], 1e-12), "the hinge cabinet mirrors the microwave door")
    }
    let slide = environment.appliances[3]
    #expect(abs(slide.projection(x: 0.4, y: 0.7) - 0.5) < 1e-12)
    #expect(environment.taskFeatures(of: 3) == [0, 0, 0, 1, 0])
  }

  @Test func expertApproachesThenFollowsThePath() {
    let toHandle = expertAction(environment, state(x: 0, y: 0.5), task: 2)
    #expect(close(toHandle, [0, 1]))  // 10 · (0, 0.1) = (0, 1)
    let follow = expertAction(environment, state(x: 0, y: 0.61, vy: 0.1, articulations: [0, 0, 0.05, 0, 0]), task: 2)
    // Aim 0.1 beyond θ = 0.05 along the switch: (0, 0.71); 10 · 0.1 − 4 · 0.1 = 0.6.
    #expect(close(follow, [0, 0.6]))
  }

  @Test func successNeedsTheTaskOpenAndTheOthersUntouched() {
    let start = state(x: 0, y: 0)
    func end(_ articulations: [Double]) -> StateTrajectory {
      StateTrajectory(rows: [start, state(x: 0, y: 0.8, articulations: articulations)])
    }
    #expect(environment.isSuccess(end([0.05, 0, 0.95, 0, 0.1]), task: 2))
    #expect(!environment.isSuccess(end([0.15, 0, 0.95, 0, 0]), task: 2))
    #expect(!environment.isSuccess(end([0, 0, 0.85, 0, 0]), task: 2))
    #expect(environment.isSuccess(end([0, 0, 0.9, 0, 0]), task: 2))
  }
}
