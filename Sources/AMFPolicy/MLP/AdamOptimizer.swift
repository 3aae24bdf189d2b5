import AMFNumerics

/// Adam with bias correction, updating a list of `DenseLayer`s in place without allocating.
///
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `θ ← θ − lr · m̂ / (√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)`,
/// `v̂ = v/(1−β₂ᵗ)`.
/// Reference: Kingma and Ba (2015), Algorithm 1; the ε placement of PyTorch and Optax.
public struct AdamOptimizer<Scalar: MLPScalar>: Equatable, Sendable {
  /// Step size (AMF.md §5: 1e-3 for networks; 0.05 for the adaptive prior's mixing weights).
  public var learningRate: Double
  /// Decay of the first moment.
  public var beta1: Double
  /// Decay of the second moment.
  public var beta2: Double
  /// Added to √v̂.
  public var epsilon: Double
  /// Number of updates taken.
  public private(set) var stepCount = 0
  var firstMoments: [DenseLayer<Scalar>]
  var secondMoments: [DenseLayer<Scalar>]

  /// An optimizer with zero moments for parameters shaped like `layers`.
  public init(
    for layers: [DenseLayer<Scalar>], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    firstMoments = layers.map { DenseLayer(fanIn: $0.weight.rows, fanOut: $0.weight.columns) }
    secondMoments = firstMoments
  }

  /// One update of `parameters` along `gradients`.
  ///
  /// Shapes: `gradients` shaped like `parameters`, which are shaped like the layers given at init.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public mutating func update(_ parameters: inout [DenseLayer<Scalar>], gradients: [DenseLayer<Scalar>]) {
    precondition(parameters.count == firstMoments.count && gradients.count == firstMoments.count,
                 "Adam: \(parameters.count) parameter and \(gradients.count) gradient layers for \(firstMoments.count)")
    stepCount += 1
    let t = Double(stepCount)
    let coefficients = Coefficients(
      beta1: Scalar(beta1), beta2: Scalar(beta2), epsilon: Scalar(epsilon),
      stepSize: Scalar(learningRate / (1 - Double.pow(beta1, t))),
      secondCorrection: Scalar(1 / (1 - Double.pow(beta2, t))))
    for k in parameters.indices {
      Self.apply(coefficients, &parameters[k].weight.storage, gradients[k].weight.storage,
                 &firstMoments[k].weight.storage, &secondMoments[k].weight.storage)
      Self.apply(coefficients, &parameters[k].bias.storage, gradients[k].bias.storage,
                 &firstMoments[k].bias.storage, &secondMoments[k].bias.storage)
    }
  }

  struct Coefficients {
    var beta1, beta2, epsilon, stepSize, secondCorrection: Scalar
  }

  @inline(__always)
  static func apply(
    _ c: Coefficients, _ parameters: inout [Scalar], _ gradients: [Scalar], _ first: inout [Scalar],
    _ second: inout [Scalar]
  ) {
    precondition(parameters.count == gradients.count,
                 "Adam: \(parameters.count) parameters, \(gradients.count) gradients")
    let count = gradients.count
    gradients.withUnsafeBufferPointer { gBuffer in
      parameters.withUnsafeMutableBufferPointer { pBuffer in
        first.withUnsafeMutableBufferPointer { mBuffer in
          second.withUnsafeMutableBufferPointer { vBuffer in
            guard let g = gBuffer.baseAddress, let p = pBuffer.baseAddress, let m = mBuffer.baseAddress,
              let v = vBuffer.baseAddress
            else { return }
            Scalar.adamKernel(AdamKernelArguments(
              parameters: p, gradients: g, first: m, second: v, count: count, beta1: c.beta1, beta2: c.beta2,
              epsilon: c.epsilon, stepSize: c.stepSize, secondCorrection: c.secondCorrection))
          }
        }
      }
    }
  }
}

/// The operands of one Adam update over a contiguous run of parameters.
public struct AdamKernelArguments<Scalar: MLPScalar> {
  let parameters: UnsafeMutablePointer<Scalar>
  let gradients: UnsafePointer<Scalar>
  let first: UnsafeMutablePointer<Scalar>
  let second: UnsafeMutablePointer<Scalar>
  let count: Int
  let beta1, beta2, epsilon, stepSize, secondCorrection: Scalar
}

extension MLPScalar {
  /// The Adam update loop, instantiated per concrete scalar type so it is always specialized; it
  /// vectorizes (`sqrtps`) because Package.swift compiles this module with `-fno-math-errno`.
  @inline(__always)
  static func adamLoop(_ a: AdamKernelArguments<Self>) {
    let (keep1, keep2) = (1 - a.beta1, 1 - a.beta2)
    for i in 0..<a.count {
      let gradient = a.gradients[i]
      let moment = a.beta1 * a.first[i] + keep1 * gradient
      let variance = a.beta2 * a.second[i] + keep2 * gradient * gradient
      a.first[i] = moment
      a.second[i] = variance
      a.parameters[i] -= a.stepSize * moment / ((variance * a.secondCorrection).squareRoot() + a.epsilon)
    }
  }
}

extension Float {
  /// One Adam update over `arguments.count` parameters (see `AdamOptimizer`).
  public static func adamKernel(_ arguments: AdamKernelArguments<Float>) { adamLoop(arguments) }
}

extension Double {
  /// One Adam update over `arguments.count` parameters (see `AdamOptimizer`).
  public static func adamKernel(_ arguments: AdamKernelArguments<Double>) { adamLoop(arguments) }
}