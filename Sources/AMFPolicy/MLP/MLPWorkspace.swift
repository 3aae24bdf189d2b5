import AMFNumerics

/// Preallocated buffers for the forward and backward pass of one network at one batch size, so a
/// training step allocates nothing.
///
/// Not `Sendable`: one workspace belongs to one training loop.
public final class MLPWorkspace<Scalar: MLPScalar> {
  /// Rows per batch.
  public let batchSize: Int
  /// `activations[0]` is the network input `(batch × inputDimension)`; `activations[k + 1]` the output of
  /// layer k after its nonlinearity `(batch × width_k)`; the last is the raw output `(batch × 2A)`.
  public internal(set) var activations: [Matrix<Scalar>]
  /// `deltas[k + 1]` is ∂loss/∂(pre-activation of layer k) `(batch × width_k)`; `deltas[0]` is unused.
  public internal(set) var deltas: [Matrix<Scalar>]
  /// ∂loss/∂parameters of every layer, shaped like the layers.
  public internal(set) var gradients: [DenseLayer<Scalar>]

  /// Buffers for `architecture` at `batchSize` rows.
  public init(architecture: MLPArchitecture, batchSize: Int) {
    precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
    self.batchSize = batchSize
    let shapes = architecture.layerShapes
    activations = [Matrix(rows: batchSize, columns: architecture.inputDimension)]  // (batch × input)
      + shapes.map { Matrix(rows: batchSize, columns: $0.columns) }  // (batch × fanOut) per layer
    deltas = activations.map { Matrix(rows: batchSize, columns: $0.columns) }  // like activations
    gradients = shapes.map { DenseLayer(fanIn: $0.rows, fanOut: $0.columns) }
  }

  /// The raw network output of the last forward pass. Shapes: (batch × 2A).
  public var output: Matrix<Scalar> { activations[activations.count - 1] }

  /// The penultimate features z of the last forward pass. Shapes: (batch × featureDimension).
  public var features: Matrix<Scalar> { activations[activations.count - 2] }

  /// Writes the network input for rows `rowIndices` of `inputs` into `activations[0]`.
  ///
  /// Shapes: `inputs: (n × inputDimension)`, `rowIndices.count == batchSize`.
  func gatherInput(rows rowIndices: UnsafeBufferPointer<Int>, of inputs: Matrix<Scalar>) {
    Self.gather(rows: rowIndices, of: inputs, into: &activations[0])
  }

  /// Copies rows `rowIndices` of `source` into `destination`, which has one row per index.
  static func gather(rows rowIndices: UnsafeBufferPointer<Int>, of source: Matrix<Scalar>,
                     into destination: inout Matrix<Scalar>) {
    let width = source.columns
    precondition(destination.shape == Shape(rowIndices.count, width),
                 "gather into \(destination.shape) from \(rowIndices.count) rows of \(source.shape)")
    source.storage.withUnsafeBufferPointer { from in
      destination.storage.withUnsafeMutableBufferPointer { to in
        guard let fromBase = from.baseAddress, let toBase = to.baseAddress else { return }
        for (slot, row) in rowIndices.enumerated() {
          (toBase + slot * width).update(from: fromBase + row * width, count: width)
        }
      }
    }
  }
}

extension MLPWorkspace {
  /// Sets element `index` (row-major) of the network input `activations[0]`.
  public func setInput(_ value: Scalar, at index: Int) {
    activations[0].storage[index] = value
  }

  /// Replaces the network input. Shapes: `input: (batchSize × inputDimension)`.
  public func setInput(_ input: Matrix<Scalar>) {
    precondition(input.shape == activations[0].shape, "input \(input.shape) for workspace \(activations[0].shape)")
    activations[0] = input
  }
}
