import AMFCore
import AMFNumerics

/// The parameters of an MLP Gaussian policy network and its batched forward and backward passes.
///
/// Shapes: input `(batch × inputDimension)` → output `(batch × 2A)`, μ then raw log σ (see
/// `MLPArchitecture`). Passes run on a preallocated `MLPWorkspace` and allocate nothing.
public struct MLPNetwork<Scalar: MLPScalar>: Equatable, Sendable {
  /// The shape of the network.
  public let architecture: MLPArchitecture
  /// Hidden layers, then the fused output layer.
  public var layers: [DenseLayer<Scalar>]

  /// Output-layer weights are Glorot-uniform times this gain, so that the initial μ ≈ 0 and log σ ≈ 0.
  public static var outputGain: Double { 0.1 }

  /// A freshly initialized network: Glorot-uniform weights (gain 1 hidden, `outputGain` output), zero biases.
  ///
  /// Layer k draws from `seed.derived("layer-\(k)")`, so changing one width leaves the other layers'
  /// streams unchanged.
  public init(architecture: MLPArchitecture, seed: Seed) {
    self.architecture = architecture
    let shapes = architecture.layerShapes
    layers = shapes.indices.map { k in
      var rng = seed.generator("layer-\(k)")
      let gain = k == shapes.count - 1 ? Self.outputGain : 1
      return DenseLayer(glorotFanIn: shapes[k].rows, fanOut: shapes[k].columns, gain: gain, using: &rng)
    }
  }

  /// A network from given layers, whose shapes must match `architecture`.
  public init(architecture: MLPArchitecture, layers: [DenseLayer<Scalar>]) {
    precondition(layers.map(\.weight.shape) == architecture.layerShapes,
                 "layers \(layers.map(\.weight.shape)) do not fit \(architecture.layerShapes)")
    self.architecture = architecture
    self.layers = layers
  }

  /// The same network in another scalar type.
  public func converted<Other: MLPScalar>(to _: Other.Type = Other.self) -> MLPNetwork<Other> {
    MLPNetwork<Other>(architecture: architecture, layers: layers.map { $0.converted(to: Other.self) })
  }

  /// Whether every parameter is finite.
  public var isFinite: Bool { layers.allSatisfy(\.isFinite) }

  /// Runs the network on `workspace.activations[0]`, filling every activation and the raw output.
  ///
  /// Shapes: `workspace` built for this architecture; its input row count is the batch.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func forward(in workspace: MLPWorkspace<Scalar>) {
    for k in layers.indices {
      Self.fillRows(of: &workspace.activations[k + 1], with: layers[k].bias)
      Self.product(workspace.activations[k], layers[k].weight, into: &workspace.activations[k + 1], beta: 1)
      if k < layers.count - 1 { Self.activate(&workspace.activations[k + 1], architecture.activation) }
    }
  }

  /// Backpropagates `workspace.deltas.last` (∂loss/∂raw output) into `workspace.gradients`.
  ///
  /// Shapes: as `forward`; needs the activations of the forward pass on the same batch.
  /// Edge cases: the input gradient is not computed (nothing upstream needs it).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func backward(in workspace: MLPWorkspace<Scalar>) {
    for k in layers.indices.reversed() {
      Self.product(workspace.activations[k], transposed: true, workspace.deltas[k + 1],
                   into: &workspace.gradients[k].weight)
      Self.sumRows(of: workspace.deltas[k + 1], into: &workspace.gradients[k].bias)
      guard k > 0 else { continue }
      Self.product(workspace.deltas[k + 1], transposed: false, layers[k].weight, transposed: true,
                   into: &workspace.deltas[k])
      Self.multiplyByDerivative(&workspace.deltas[k], output: workspace.activations[k], architecture.activation)
    }
  }

  /// The raw outputs for a batch of network inputs (allocates a workspace; for acting, not training).
  ///
  /// Shapes: `input: (batch × inputDimension)` → `(batch × 2A)`; a 0-row batch gives 0 rows.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public func output(for input: Matrix<Scalar>) -> (output: Matrix<Scalar>, features: Matrix<Scalar>) {
    precondition(input.columns == architecture.inputDimension,
                 "network input \(input.shape), expected N×\(architecture.inputDimension)")
    guard input.rows > 0 else {
      return (Matrix(rows: 0, columns: 2 * architecture.actionDimension),
              Matrix(rows: 0, columns: architecture.featureDimension))
    }
    let workspace = MLPWorkspace<Scalar>(architecture: architecture, batchSize: input.rows)
    workspace.activations[0] = input
    forward(in: workspace)
    return (workspace.output, workspace.features)
  }

  // MARK: Kernels

  /// `c ← op(a)·op(b) + β·c`; the shapes are ours, so a mismatch is a bug (precondition).
  ///
  /// Calls `Scalar.gemm` directly rather than `Matrix.multiply`: that one is generic in another module
  /// and runs unspecialized from here, which cost about a microsecond per call in the training loop.
  @inline(__always)
  static func product(
    _ a: Matrix<Scalar>, transposed transposeA: Bool = false, _ b: Matrix<Scalar>,
    transposed transposeB: Bool = false, into c: inout Matrix<Scalar>, beta: Scalar = 0
  ) {
    let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
    let (kB, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
    precondition(k == kB && c.rows == m && c.columns == n,
                 "MLP product: op(a) \(m)×\(k), op(b) \(kB)×\(n), c \(c.shape)")
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      for index in c.storage.indices { c.storage[index] *= beta }
      return
    }
    a.storage.withUnsafeBufferPointer { aPointer in
      b.storage.withUnsafeBufferPointer { bPointer in
        c.storage.withUnsafeMutableBufferPointer { cPointer in
          guard let aBase = aPointer.baseAddress, let bBase = bPointer.baseAddress,
            let cBase = cPointer.baseAddress
          else { return }
          Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: aBase,
                      lda: a.columns, b: bBase, ldb: b.columns, beta: beta, c: cBase, ldc: n)
        }
      }
    }
  }

  /// Sets every row of `matrix` to `row`. Shapes: `row: (1 × columns)`.
  static func fillRows(of matrix: inout Matrix<Scalar>, with row: Matrix<Scalar>) {
    let width = matrix.columns
    precondition(row.shape == Shape(1, width), "bias \(row.shape) for \(matrix.shape)")
    row.storage.withUnsafeBufferPointer { source in
      matrix.storage.withUnsafeMutableBufferPointer { target in
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        for r in 0..<matrix.rows { (to + r * width).update(from: from, count: width) }
      }
    }
  }

  /// `sums ← 1ᵀ·matrix`, the column sums: bias gradients. Shapes: `(n × c)` → `(1 × c)`.
  ///
  /// A row loop the compiler vectorizes; OpenBLAS 0.3.21 runs a 1-row product through full GEMM packing.
  static func sumRows(of matrix: Matrix<Scalar>, into sums: inout Matrix<Scalar>) {
    let width = matrix.columns
    precondition(sums.shape == Shape(1, width), "column sums \(sums.shape) of \(matrix.shape)")
    matrix.storage.withUnsafeBufferPointer { source in
      sums.storage.withUnsafeMutableBufferPointer { target in
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        to.update(repeating: 0, count: width)
        // Pointer arithmetic without overflow checks: a checked `row * width + j` kept LLVM from
        // vectorizing this loop (it was 10% of a workload-A step).
        for row in 0..<matrix.rows {
          let line = from + row &* width
          for j in 0..<width { to[j] += line[j] }
        }
      }
    }
  }

  /// Applies the nonlinearity in place.
  static func activate(_ matrix: inout Matrix<Scalar>, _ activation: MLPActivation) {
    matrix.storage.withUnsafeMutableBufferPointer { values in
      switch activation {
      case .tanh: Scalar.tanhInPlace(values)
      case .relu:
        // `x > 0 ? x : 0` keeps NaN (a comparison with NaN is false … so NaN would become 0): test NaN first.
        for i in values.indices where !(values[i] > 0) && !values[i].isNaN { values[i] = 0 }
      }
    }
  }

  /// `delta ← delta ⊙ act′`, with act′ computed from the layer output y.
  static func multiplyByDerivative(
    _ delta: inout Matrix<Scalar>, output: Matrix<Scalar>, _ activation: MLPActivation
  ) {
    precondition(delta.shape == output.shape, "delta \(delta.shape) vs output \(output.shape)")
    output.storage.withUnsafeBufferPointer { y in
      delta.storage.withUnsafeMutableBufferPointer { d in
        switch activation {
        case .tanh: for i in d.indices { d[i] *= 1 - y[i] * y[i] }
        case .relu: for i in d.indices where !(y[i] > 0) { d[i] = 0 }
        }
      }
    }
  }
}
