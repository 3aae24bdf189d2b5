/// An environment's fixed standardization of the policy inputs `[s, f(c)]` (AMF.md §2.1): never statistics
/// of the data, so a GP policy's kernel means the same thing in every round.
///
/// Principle (integrator2d's constants, given by AMF.md): mean 0 and, as scale, the per-coordinate spread of
/// the quantity over the region the tasks live in, so that distances in standardized units are comparable
/// across inputs. Each environment states its constants in its own file (`TaskEnvironment.inputStandardization`).
public struct InputStandardization: Hashable, Sendable {
  /// Subtracted from each input `[s, f(c)]`. Shapes: `observationDimension + taskFeatureDimension`.
  public var mean: [Double]
  /// Divided by after centring (all > 0). Shapes: as `mean`.
  public var scale: [Double]

  /// Creates constants.
  public init(mean: [Double], scale: [Double]) {
    self.mean = mean
    self.scale = scale
  }

  /// 1/√2: the per-coordinate spread of a point on the unit circle (or of a one-hot feature).
  public static let circle = 1 / 2.0.squareRoot()
}
