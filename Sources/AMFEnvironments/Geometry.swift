import Foundation

/// Small planar helpers shared by the environments.
enum Geometry {
  /// `x` limited to `[-limit, limit]`.
  @inline(__always)
  static func clamp(_ x: Double, limit: Double) -> Double { min(max(x, -limit), limit) }

  /// The angle `x` wrapped to `(-π, π]`.
  @inline(__always)
  static func wrapAngle(_ x: Double) -> Double {
    var wrapped = x.truncatingRemainder(dividingBy: 2 * Double.pi)  // (−2π, 2π)
    if wrapped > Double.pi { wrapped -= 2 * Double.pi }
    if wrapped <= -Double.pi { wrapped += 2 * Double.pi }
    return wrapped
  }

  /// The factor that scales `(x, y)` onto the disc of radius `limit` (1 inside it).
  ///
  /// Vectors up to `limit · (1 + 1e-12)` count as inside, so clipping is idempotent in floating point
  /// (a clipped vector's computed norm can exceed `limit` by an ulp): `step(clip(a)) == step(a)` bit for bit.
  @inline(__always)
  static func normClipScale(_ x: Double, _ y: Double, limit: Double) -> Double {
    let norm = (x * x + y * y).squareRoot()
    return norm > limit * (1 + 1e-12) ? limit / norm : 1
  }

  /// ‖(x, y)‖.
  @inline(__always)
  static func norm(_ x: Double, _ y: Double) -> Double { (x * x + y * y).squareRoot() }

  /// `degrees` in radians.
  static func radians(_ degrees: Double) -> Double { degrees * Double.pi / 180 }
}
