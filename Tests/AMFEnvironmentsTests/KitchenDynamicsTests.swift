import AMFCore
import Foundation
import Testing

@testable import AMFEnvironments

/// kitchen: the knob's arc and the lines by hand, lookahead at the end of a path, start states, and the
/// success test's tolerance.
@Suite struct KitchenDynamicsTests {
  let environment: Kitchen

  init() throws { environment = try Kitchen(EnvironmentConfiguration()) }

  /// Knob: centre (−0.3, 0.8), radius 0.1, from −90° through +120°. θ = 0 → (−0.3, 0.7); θ = 1 → angle 30°:
  /// (−0.3 + 0.1 cos 30°, 0.8 + 0.1 sin 30°); L = 0.1·2π/3. A point at −90° + 60° projects to ½; beyond the end
  /// clamps to 1, before the start to 0.
  @Test func knobArcByHand() {
    let knob = environment.appliances[1]
    let closed = knob.handle(at: 0)
    #expect(abs(closed.x - -0.3) < 1e-15 && abs(closed.y - 0.7) < 1e-15)
    let open = knob.handle(at: 1)
    #expect(abs(open.x - (-0.3 + 0.1 * cos(Double.pi / 6))) < 1e-15 && abs(open.y - 0.85) < 1e-15)
    #expect(abs(knob.length - 0.1 * 2 * Double.pi / 3) < 1e-15)
    func point(degrees: Double, radius: Double = 0.05) -> (Double, Double) {
      (-0.3 + radius * cos(degrees * .pi / 180), 0.8 + radius * sin(degrees * .pi / 180))
    }
    let half = point(degrees: -30)
    #expect(abs(knob.projection(x: half.0, y: half.1) - 0.5) < 1e-12)
    let beyond = point(degrees: 60)
    #expect(knob.projection(x: beyond.0, y: beyond.1) == 1)
    let before = point(degrees: -100)
    #expect(knob.projection(x: before.0, y: before.1) == 0)
  }

  /// Slide cabinet: a segment from (0.25, 0.8) to (0.55, 0.8), L = 0.3; projection is clamped to [0, 1].
  @Test func slideCabinetLineByHand() {
    let slide = environment.appliances[3]
    #expect(abs(slide.length - 0.3) < 1e-15)
    #expect(slide.projection(x: 0.9, y: 0) == 1 && slide.projection(x: 0, y: 5) == 0)
    let quarter = slide.handle(at: 0.25)
    #expect(abs(quarter.x - 0.325) < 1e-15 && quarter.y == 0.8)
    #expect(environment.appliances.map(\.name)
      == ["microwave door", "knob", "light switch", "slide cabinet", "hinge cabinet"])
  }

  /// Following near the end of the light switch (θ = 0.95), the lookahead min(1, θ + 0.1/0.2) aims at the end
  /// (0, 0.8): a = clip(10·(0, 0.8 − 0.79) − 4·(0, 0.05)) = (0, −0.1).
  @Test func lookaheadStopsAtTheEndOfThePath() {
    let state = [0, 0.79, 0, 0.05, 0, 0, 0.95, 0, 0]
    #expect(close(expertAction(environment, state, task: 2), [0, 10 * 0.01 - 4 * 0.05], 1e-12))
    // Fully open with the effector on the handle: nothing left to go, reward 0.
    let (_, reward) = stepped(environment, [0, 0.8, 0, 0, 0, 0, 1, 0, 0], [0, 0], task: 2)
    #expect(abs(reward) < 1e-15)
  }

  /// The effector starts at 0.05·N(0, 1) per coordinate from "initial-state", at rest, everything closed.
  @Test func startStateFollowsTheStream() {
    let request = Rollout.requests(seed: Seed(31), tasks: [4], episodesPerTask: 1)[0]
    let episode = environment.expertEpisodes(requests: [request], horizon: 1)[0]
    var start = request.seed.derived("initial-state").generator()
    let expected = [0.05 * start.normal(), 0.05 * start.normal(), 0, 0, 0, 0, 0, 0, 0]
    #expect(Array(episode.states[0..<9]) == expected)
    #expect(environment.taskFeatures(of: 4) == [0, 0, 0, 0, 1] && environment.distractorExpertNoiseStd == nil)
  }

  /// Another appliance moved by exactly 0.1 is tolerated (≤); the task's articulation must reach 0.9.
  @Test func toleranceOnOtherAppliancesIsInclusive() {
    let start = [0.0, 0, 0, 0, 0.2, 0, 0, 0, 0]
    let end = [0.0, 0, 0, 0, 0.3, 0, 0, 0.9, 0]
    #expect(environment.isSuccess(StateTrajectory(rows: [start, end]), task: 3))
    let moved = [0.0, 0, 0, 0, 0.31, 0, 0, 0.9, 0]
    #expect(!environment.isSuccess(StateTrajectory(rows: [start, moved]), task: 3))
  }
}
