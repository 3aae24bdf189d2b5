import AMFCore
import AMFEnvironments
import Foundation

/// The picture of one environment: tasks, appliance paths or goals, and expert paths coloured by task.
public struct EnvironmentPicture {
  /// The environment drawn.
  public let environment: any TaskEnvironment
  /// The expert episodes drawn, each as a path coloured by its task.
  public let episodes: [Episode]
  /// The expert's success rate per task (the title gives the minimum).
  public let rates: [Double]

  /// A picture of `episodes` in `environment`; `rates` are the expert's success per task.
  public init(environment: any TaskEnvironment, episodes: [Episode], rates: [Double]) {
    (self.environment, self.episodes, self.rates) = (environment, episodes, rates)
  }

  /// The expert's success rate per task over `episodesPerTask` episodes of every task, episode i of task c
  /// from `seed.derived("rollout/task-c/episode-i")` (`Rollout.requests`; the validity test's streams).
  ///
  /// Shapes: result (|C|).
  public static func expertSuccess(of environment: any TaskEnvironment, seed: Seed, episodesPerTask: Int) throws
    -> [Double]
  {
    let tasks = Array(0..<environment.taskCount)
    let measured = try environment.expertEpisodes(
      requests: Rollout.requests(seed: seed, tasks: tasks, episodesPerTask: episodesPerTask))
    return tasks.map { task in
      Double(measured.filter { $0.task == task && $0.isSuccess }.count) / Double(episodesPerTask)
    }
  }

  /// The picture of `drawn` expert episodes per task from `seed` (the first episodes of `expertSuccess`'s
  /// streams), titled with `rates`.
  public static func ofExpert(in environment: any TaskEnvironment, seed: Seed, drawn: Int, rates: [Double]) throws
    -> EnvironmentPicture
  {
    let shown = try environment.expertEpisodes(
      requests: Rollout.requests(seed: seed, tasks: Array(0..<environment.taskCount), episodesPerTask: drawn))
    return EnvironmentPicture(environment: environment, episodes: shown, rates: rates)
  }

  /// The colour of task `task`: hues spread evenly over the tasks.
  public func color(_ task: Int) -> String {
    let hue = Double(task) * 360 / Double(max(environment.taskCount, 1))
    return String(format: "hsl(%.0f, 75%%, 42%%)", hue)
  }

  /// The picture as an SVG map (`SVGPlot(mapTitle:…)`).
  public func svg() -> String {
    let paths = episodes.map { environment.path(of: $0) }
    let goals = environment.taskFeatureDimension == 2
      ? (0..<environment.taskCount).map { environment.taskFeatures(of: $0) }.map { (x: $0[0], y: $0[1]) } : []
    var points = paths.flatMap { $0 } + goals + [(x: 0, y: 0)]
    if let reacher = environment as? Reacher { points.append((reacher.upperLength + reacher.lowerLength, 0)) }
    if let kitchen = environment as? Kitchen {
      points += kitchen.appliances.flatMap { appliance in
        stride(from: 0.0, through: 1, by: 0.1).map { appliance.handle(at: $0) }
      }
    }
    let pad = 0.25
    func range(_ values: [Double]) -> ClosedRange<Double> {
      (((values.min() ?? -1) - pad) * 2).rounded(.down) / 2...(((values.max() ?? 1) + pad) * 2).rounded(.up) / 2
    }
    let title = "\(type(of: environment).id.rawValue): \(environment.taskCount) tasks, H = \(environment.horizon), "
      + String(format: "expert success: min over tasks %.0f%%", 100 * (rates.min() ?? 0))
    var plot = SVGPlot(mapTitle: title, xRange: range(points.map(\.x)), yRange: range(points.map(\.y)))
    drawTasks(&plot, goals: goals)
    for (episode, path) in zip(episodes, paths) {
      plot.polyline(path, color: color(episode.task), width: 1.6, opacity: 0.85)
      plot.circle(x: path[0].x, y: path[0].y, radius: 2.5, fill: "black")
      plot.circle(x: path[path.count - 1].x, y: path[path.count - 1].y, radius: 3, fill: color(episode.task),
                  stroke: "black")
    }
    plot.legendEntry(.line, color: "hsl(0, 75%, 42%)", label: "expert path (colour = task)")
    plot.legendEntry(.dot, color: "black", label: "start")
    plot.legendEntry(.dot, color: "hsl(0, 75%, 42%)", label: "end of the path")
    return plot.mapDocument()
  }

  private func drawTasks(_ plot: inout SVGPlot, goals: [(x: Double, y: Double)]) {
    if let kitchen = environment as? Kitchen {
      drawKitchen(&plot, kitchen)
      return
    }
    if let reacher = environment as? Reacher {
      let ring = stride(from: 0.0, through: 2 * .pi + 0.01, by: 0.05).map {
        (x: reacher.targetRadius * cos($0), y: reacher.targetRadius * sin($0))
      }
      plot.polyline(ring, color: "#888", width: 1, dash: "4 3")
      plot.polyline([(0, 0), (reacher.upperLength, 0), (reacher.upperLength + reacher.lowerLength, 0)],
                    color: "#444", width: 5, opacity: 0.35)
      plot.legendEntry(.dashed, color: "#888", label: "target ring r = 0.7")
      plot.legendEntry(.line, color: "#bbb", label: "arm at q = 0 (start)")
    } else {
      plot.legendEntry(.dashed, color: "#888", label: "success radius")
    }
    for (task, goal) in goals.enumerated() {
      let radius = (environment as? Reacher)?.successRadius ?? (environment as? Integrator2D)?.successRadius ?? 0.05
      plot.circle(x: goal.x, y: goal.y, radius: radius, fill: "none", stroke: "#888", dataRadius: true, dash: "3 2")
      plot.circle(x: goal.x, y: goal.y, radius: 5, fill: "white", stroke: color(task))
      // Labels go outside the circle of goals, or inside the ring where the reacher's paths run outside.
      let norm = max((goal.x * goal.x + goal.y * goal.y).squareRoot(), 1e-9)
      let factor = environment is Reacher ? 1 - 0.13 / norm : 1 + 0.17 / norm
      plot.label("\(task)", x: goal.x * factor, y: goal.y * factor, color: color(task))
    }
    plot.legendEntry(.ring, color: "black", label: "goal of task k (label k)")
  }

  private func drawKitchen(_ plot: inout SVGPlot, _ kitchen: Kitchen) {
    for (task, appliance) in kitchen.appliances.enumerated() {
      let path = stride(from: 0.0, through: 1.0001, by: 0.02).map { appliance.handle(at: $0) }
      plot.polyline(path, color: color(task), width: 7, opacity: 0.3)
      if case .arc(let cx, let cy, _, _, _) = appliance.path {
        plot.polyline([appliance.handle(at: 0), (cx, cy)], color: "#999", width: 1, dash: "2 2")
        plot.circle(x: cx, y: cy, radius: 2.5, fill: "#999")
      }
      let start = appliance.handle(at: 0)
      plot.square(x: start.x, y: start.y, size: 9, fill: color(task))
      let end = appliance.handle(at: 1)
      plot.circle(x: end.x, y: end.y, radius: 5, fill: "white", stroke: color(task))
      // Hand-placed label offsets (dx, dy, anchor) that keep the five labels clear of paths and of each other.
      let placements: [(Double, Double, String)] = [
        (0, 0.08, "middle"), (-0.07, -0.04, "end"), (0, 0.42, "middle"), (0.15, 0.09, "middle"), (0.05, 0.08, "middle"),
      ]
      let (dx, dy, anchor) = task < placements.count ? placements[task] : (0, 0.08, "middle")
      plot.label("\(task) \(appliance.name)", x: start.x + dx, y: start.y + dy, anchor: anchor, color: color(task))
    }
    plot.legendEntry(.square, color: "#ccc", label: "handle, closed (θ = 0)")
    plot.legendEntry(.ring, color: "black", label: "handle, open (θ = 1)")
    plot.legendEntry(.line, color: "#ddd", label: "articulation path")
    plot.legendEntry(.dashed, color: "#999", label: "hinge of an arc")
  }
}
