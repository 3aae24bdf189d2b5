import Foundation

/// One articulated appliance of `Kitchen`: a handle that moves along a line or an arc as its
/// articulation value θ ∈ [0, 1] goes from closed (0) to open (1).
public struct KitchenAppliance: Hashable, Sendable {
  /// The path the handle follows.
  public enum Path: Hashable, Sendable {
    /// A segment from `start` (θ = 0) to `end` (θ = 1).
    case line(startX: Double, startY: Double, endX: Double, endY: Double)
    /// An arc of `radius` about the hinge at `center`, from `startAngle` (θ = 0) through `sweep`
    /// radians (positive: counter-clockwise).
    case arc(centerX: Double, centerY: Double, radius: Double, startAngle: Double, sweep: Double)
  }

  /// The appliance's name, as in FrankaKitchen.
  public let name: String
  /// Its articulation path.
  public let path: Path

  /// Creates an appliance.
  public init(name: String, path: Path) {
    self.name = name
    self.path = path
  }

  /// The handle position at articulation `value`.
  public func handle(at value: Double) -> (x: Double, y: Double) {
    switch path {
    case .line(let x0, let y0, let x1, let y1):
      return (x0 + value * (x1 - x0), y0 + value * (y1 - y0))
    case .arc(let cx, let cy, let radius, let start, let sweep):
      let angle = start + value * sweep
      return (cx + radius * cos(angle), cy + radius * sin(angle))
    }
  }

  /// The path length L (distance the handle travels from 0 to 1).
  public var length: Double {
    switch path {
    case .line(let x0, let y0, let x1, let y1): Geometry.norm(x1 - x0, y1 - y0)
    case .arc(_, _, let radius, _, let sweep): radius * abs(sweep)
    }
  }

  /// The articulation value whose handle is closest to (x, y), in [0, 1]: where a grasped handle goes.
  ///
  /// For an arc, the angle of (x, y) about the hinge relative to the start, wrapped to (−π, π], in
  /// the direction of the sweep.
  public func projection(x: Double, y: Double) -> Double {
    let value: Double
    switch path {
    case .line(let x0, let y0, let x1, let y1):
      let (dx, dy) = (x1 - x0, y1 - y0)
      value = ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)
    case .arc(let cx, let cy, _, let start, let sweep):
      let relative = Geometry.wrapAngle(atan2(y - cy, x - cx) - start)
      value = (sweep < 0 ? -relative : relative) / abs(sweep)
    }
    return min(max(value, 0), 1)
  }
}
