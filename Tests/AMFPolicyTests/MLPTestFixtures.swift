import AMFCore
import AMFNumerics
import AMFTestSupport

@testable import AMFPolicy

/// Small hand-sized networks and data shared by the MLP tests.
enum MLPFixtures {
  /// A 3–4–2 net: observation 2, task feature 1, one hidden layer of 4, action 1 (μ and log σ).
  static func tinyArchitecture(_ activation: MLPActivation = .tanh) -> MLPArchitecture {
    MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 1, hiddenWidths: [4],
                    activation: activation)
  }

  /// Random matrix with entries uniform in [−scale, scale).
  static func random<Scalar: MLPScalar>(_ rows: Int, _ columns: Int, scale: Double = 1, seed: UInt64)
    -> Matrix<Scalar>
  {
    var rng = Seed(seed).generator()
    var matrix = Matrix<Scalar>(rows: rows, columns: columns)
    for i in matrix.storage.indices { matrix.storage[i] = Scalar(scale * (2 * rng.uniform01() - 1)) }
    return matrix
  }

  /// A Double network whose weights are large enough to give O(1) gradients everywhere.
  static func network(_ architecture: MLPArchitecture, seed: UInt64) -> MLPNetwork<Double> {
    var network = MLPNetwork<Double>(architecture: architecture, seed: Seed(seed))
    for k in network.layers.indices {
      let shape = network.layers[k].weight.shape
      network.layers[k].weight = random(shape.rows, shape.columns, scale: 0.8, seed: seed &+ UInt64(10 * k + 1))
      network.layers[k].bias = random(1, shape.columns, scale: 0.3, seed: seed &+ UInt64(10 * k + 2))
    }
    return network
  }

  /// Every parameter of `layers`, flattened in layer order (weight then bias).
  static func flatten(_ layers: [DenseLayer<Double>]) -> [Double] {
    layers.flatMap { $0.weight.storage + $0.bias.storage }
  }

  /// `layers` with parameter `index` (in `flatten` order) shifted by `delta`.
  static func shifted(_ layers: [DenseLayer<Double>], index: Int, by delta: Double) -> [DenseLayer<Double>] {
    var layers = layers
    var remaining = index
    for k in layers.indices {
      let weights = layers[k].weight.storage.count
      if remaining < weights {
        layers[k].weight.storage[remaining] += delta
        return layers
      }
      remaining -= weights
      let biases = layers[k].bias.storage.count
      if remaining < biases {
        layers[k].bias.storage[remaining] += delta
        return layers
      }
      remaining -= biases
    }
    preconditionFailure("parameter index \(index) out of range")
  }

  /// Central differences of `f` at every entry of `x`.
  static func finiteDifferences(_ x: [Double], step: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    x.indices.map { i in
      var plus = x
      var minus = x
      plus[i] += step
      minus[i] -= step
      return (f(plus) - f(minus)) / (2 * step)
    }
  }

  /// Central differences of `loss(layers)` for every parameter.
  static func finiteDifferences(of layers: [DenseLayer<Double>], step: Double = 1e-6,
                                _ loss: ([DenseLayer<Double>]) -> Double) -> [Double] {
    (0..<flatten(layers).count).map { i in
      (loss(shifted(layers, index: i, by: step)) - loss(shifted(layers, index: i, by: -step))) / (2 * step)
    }
  }

  /// ‖a − b‖ / ‖b‖ (the whole-vector relative error).
  static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let norm = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return difference / max(norm, 1e-300)
  }
}
