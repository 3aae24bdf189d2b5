import AMFCore
import AMFNumerics

/// One affine layer `y = x·W + b`: the parameters of a hidden layer or of the fused output layer.
///
/// Shapes: `weight: (fanIn × fanOut)`, `bias: (1 × fanOut)`. The same type holds gradients and Adam
/// moments, which have the parameters' shapes.
public struct DenseLayer<Scalar: MLPScalar>: Equatable, Sendable {
  /// Weights. Shapes: (fanIn × fanOut).
  public var weight: Matrix<Scalar>
  /// Biases. Shapes: (1 × fanOut).
  public var bias: Matrix<Scalar>

  /// A layer of zeros.
  public init(fanIn: Int, fanOut: Int) {
    weight = Matrix(rows: fanIn, columns: fanOut)  // (fanIn × fanOut)
    bias = Matrix(rows: 1, columns: fanOut)  // (1 × fanOut)
  }

  /// A layer from its parameters; the bias must be `1 × weight.columns`.
  public init(weight: Matrix<Scalar>, bias: Matrix<Scalar>) {
    precondition(bias.shape == Shape(1, weight.columns), "bias \(bias.shape) for weight \(weight.shape)")
    self.weight = weight
    self.bias = bias
  }

  /// Glorot-uniform weights scaled by `gain`, zero biases.
  ///
  /// `W_ij ~ gain · U(−√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut)))`, drawn row by row from `rng`.
  /// Reference: Glorot and Bengio (2010), the usual initialization for tanh networks.
  public init(glorotFanIn fanIn: Int, fanOut: Int, gain: Double, using rng: inout some RandomNumberGenerator) {
    self.init(fanIn: fanIn, fanOut: fanOut)
    let limit = gain * (6.0 / Double(fanIn + fanOut)).squareRoot()
    for index in weight.storage.indices {
      weight.storage[index] = Scalar(limit * (2 * rng.uniform01() - 1))
    }
  }

  /// The same layer in another scalar type (each element converted by rounding).
  public func converted<Other: MLPScalar>(to _: Other.Type = Other.self) -> DenseLayer<Other> {
    DenseLayer<Other>(
      weight: Matrix<Other>(rows: weight.rows, columns: weight.columns, converting: weight.storage),
      bias: Matrix<Other>(rows: 1, columns: bias.columns, converting: bias.storage))
  }

  /// Whether every parameter is finite.
  public var isFinite: Bool {
    weight.storage.allSatisfy(\.isFinite) && bias.storage.allSatisfy(\.isFinite)
  }
}

extension Matrix {
  /// A matrix whose elements are `values` converted to `Scalar`; the count must fill the shape.
  init<Source: BinaryFloatingPoint>(rows: Int, columns: Int, converting values: [Source]) {
    precondition(values.count == rows * columns, "\(values.count) values for \(rows)×\(columns)")
    self.init(rows: rows, columns: columns)
    for index in values.indices { storage[index] = Scalar(values[index]) }
  }
}
