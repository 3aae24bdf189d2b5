import AMFNumerics

/// Per-dimension standardization `(s − mean) / std` of observations, fitted once on the pre-training
/// data and frozen afterwards (AMF.md §5).
public struct ObservationNormalizer<Scalar: MLPScalar>: Equatable, Sendable {
  /// The floor applied to every std unless the caller gives another (project definition).
  ///
  /// A dimension that is constant in the pre-training data (kitchen: the articulations of appliances no
  /// pre-training task touches) would otherwise be divided by ~0 and explode once fine-tuning data
  /// moves it; 0.1 keeps such a dimension within a few units while barely changing dimensions whose
  /// spread is order one.
  public static var defaultStdFloor: Double { 0.1 }

  /// Per-dimension means.
  public var mean: [Scalar]
  /// Per-dimension standard deviations, already floored (all positive).
  public var std: [Scalar]

  /// A normalizer from stored values; `std` must be positive.
  public init(mean: [Scalar], std: [Scalar]) {
    precondition(mean.count == std.count, "normalizer mean \(mean.count) and std \(std.count) differ")
    precondition(std.allSatisfy { $0 > 0 }, "normalizer std must be positive")
    self.mean = mean
    self.std = std
  }

  /// The identity normalizer (mean 0, std 1) of dimension `dimension`.
  public static func identity(dimension: Int) -> ObservationNormalizer {
    ObservationNormalizer(mean: Array(repeating: 0, count: dimension), std: Array(repeating: 1, count: dimension))
  }

  /// Fits the mean and the population std (divisor n) of `observations`, std floored at `stdFloor`.
  ///
  /// Shapes: `observations: (n × d)` → `d` means and stds. Sums run in float64.
  /// Edge cases: n = 0 gives mean 0 and std `stdFloor`; non-finite data give non-finite means, which
  /// training then reports as divergence at step 0.
  public init(fitting observations: Matrix<Scalar>, stdFloor: Double = defaultStdFloor) {
    precondition(stdFloor > 0, "std floor must be positive")
    let (n, d) = (observations.rows, observations.columns)
    var sums = [Double](repeating: 0, count: d)
    var squares = [Double](repeating: 0, count: d)
    for row in 0..<n {
      for column in 0..<d { sums[column] += Double(observations[row, column]) }
    }
    let means = sums.map { n > 0 ? $0 / Double(n) : 0 }
    for row in 0..<n {
      for column in 0..<d {
        let centred = Double(observations[row, column]) - means[column]
        squares[column] += centred * centred
      }
    }
    let stds = squares.map { n > 0 ? max(($0 / Double(n)).squareRoot(), stdFloor) : stdFloor }
    self.init(mean: means.map { Scalar($0) }, std: stds.map { Scalar($0) })
  }

  /// The dimension d.
  public var dimension: Int { mean.count }

  /// The network input `[ (s − mean)/std , f(c) ]` for a batch.
  ///
  /// Shapes: `observations: (n × d)`, `taskFeatures: (n × k)` → `(n × (d + k))`.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func networkInput(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>) throws(ShapeError)
    -> Matrix<Scalar>
  {
    guard observations.columns == dimension else {
      throw ShapeError.mismatch(operation: "observations", expected: Shape(observations.rows, dimension),
                                found: observations.shape)
    }
    guard taskFeatures.rows == observations.rows else {
      throw ShapeError.mismatch(operation: "task features", expected: Shape(observations.rows, taskFeatures.columns),
                                found: taskFeatures.shape)
    }
    let (n, d, k) = (observations.rows, dimension, taskFeatures.columns)
    var input = Matrix<Scalar>(rows: n, columns: d + k)  // (n × (d + k))
    for row in 0..<n {
      for column in 0..<d {
        input.storage[row * (d + k) + column] = (observations[row, column] - mean[column]) / std[column]
      }
      for column in 0..<k { input.storage[row * (d + k) + d + column] = taskFeatures[row, column] }
    }
    return input
  }
}
