import AMFCore
import AMFEnvironments
import Foundation
import Testing

@testable import AMFReport

/// The environment pictures of docs/environments: regenerated here byte for byte from the committed
/// seed (2025), 50 success episodes and 1 drawn episode per task (`amf-bench render-environments`).
@Suite struct EnvironmentPictureTests {
  static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/environments")

  @Test(arguments: ["integrator2d", "reacher", "kitchen"])
  func committedPicturesAreReproduced(name: String) throws {
    let id = try #require(EnvironmentID.inProcess.first { $0.rawValue == name })
    let environment = try id.make()
    let rates = try EnvironmentPicture.expertSuccess(of: environment, seed: Seed(2025), episodesPerTask: 50)
    let svg = try EnvironmentPicture.ofExpert(in: environment, seed: Seed(2025), drawn: 1, rates: rates).svg()
    let committed = try String(contentsOf: Self.docs.appendingPathComponent("\(name).svg"), encoding: .utf8)
    #expect(svg == committed)
  }

  @Test func successRatesArePerTaskFractions() throws {
    let environment = try EnvironmentID.integrator2d.make()
    let rates = try EnvironmentPicture.expertSuccess(of: environment, seed: Seed(3), episodesPerTask: 4)
    #expect(rates.count == environment.taskCount)
    #expect(rates.allSatisfy { [0, 0.25, 0.5, 0.75, 1].contains($0) })
  }

  @Test func aPictureDrawsEveryPathGoalAndLegendEntry() throws {
    let environment = try EnvironmentID.integrator2d.make()
    let picture = try EnvironmentPicture.ofExpert(in: environment, seed: Seed(1), drawn: 1, rates: [0.5] + Array(repeating: 1, count: 11))
    let svg = picture.svg()
    #expect(svg.contains(">integrator2d: 12 tasks, H = \(environment.horizon), expert success: min over tasks 50%</text>"))
    // One path per drawn episode; per goal a success circle and a ring, per path a start and an end dot;
    // three legend circles (goal ring, start, end).
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 12)
    #expect(svg.components(separatedBy: "<circle").count - 1 == 12 * 2 + 12 * 2 + 3)
    #expect(picture.color(0) == "hsl(0, 75%, 42%)" && picture.color(6) == "hsl(180, 75%, 42%)")
    #expect(svg.contains(">goal of task k (label k)</text>") && svg.contains(">success radius</text>"))
  }

  @Test func reacherShowsItsTargetRingAndArm() throws {
    let environment = try EnvironmentID.reacher.make()
    let svg = try EnvironmentPicture.ofExpert(in: environment, seed: Seed(1), drawn: 1, rates: Array(repeating: 1, count: 12))
      .svg()
    #expect(svg.contains(">target ring r = 0.7</text>") && svg.contains(">arm at q = 0 (start)</text>"))
    #expect(!svg.contains(">success radius</text>"))
    // The ring, the arm and one path per task.
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2 + 12)
    #expect(svg.contains("min over tasks 100%"))
  }

  @Test func kitchenShowsAppliancesHandlesAndHinges() throws {
    let environment = try EnvironmentID.kitchen.make()
    let svg = try EnvironmentPicture.ofExpert(in: environment, seed: Seed(1), drawn: 1, rates: [1, 1, 1, 1, 0.8]).svg()
    #expect(svg.contains(">kitchen: 5 tasks, H = \(environment.horizon), expert success: min over tasks 80%</text>"))
    for label in ["handle, closed (θ = 0)", "handle, open (θ = 1)", "articulation path", "hinge of an arc"] {
      #expect(svg.contains(">\(label)</text>"), "\(label)")
    }
    // One closed-handle square per appliance (the legend's square is a plain rect without stroke-width).
    #expect(svg.components(separatedBy: "stroke=\"black\" stroke-width=\"0.8\"/>").count - 1 == 5)
    #expect(!svg.contains(">goal of task k (label k)</text>"))
  }
}
