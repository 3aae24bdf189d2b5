import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// Observation standardization, architecture bookkeeping and initialization streams.
@Suite struct NormalizerAndArchitectureTests {
  /// Columns (1, 3, 5) and (10, 10, 10): means 3 and 10; population stds √(8/3) and 0, the latter floored.
  @Test func fitsMeanAndPopulationStdWithFloor() {
    let observations = Matrix<Double>([[1, 10], [3, 10], [5, 10]])
    let fitted = ObservationNormalizer(fitting: observations)
    #expect(fitted.mean == [3, 10])
    #expect(abs(fitted.std[0] - (8.0 / 3).squareRoot()) < 1e-15 && fitted.std[1] == 0.1)
    #expect(ObservationNormalizer(fitting: observations, stdFloor: 0.5).std[1] == 0.5)
    let empty = ObservationNormalizer<Double>(fitting: Matrix(rows: 0, columns: 2), stdFloor: 0.3)
    #expect(empty.mean == [0, 0] && empty.std == [0.3, 0.3] && empty.dimension == 2)
  }

  /// [(s − mean)/std, f(c)]: s = (4, 10.2) with the fit above → ((4 − 3)/√(8/3), 0.2/0.1), then f = (1, −1).
  @Test func networkInputStandardizesThenAppendsFeatures() throws {
    let normalizer = ObservationNormalizer(fitting: Matrix<Double>([[1, 10], [3, 10], [5, 10]]))
    let input = try normalizer.networkInput(observations: Matrix([[4, 10.2]]), taskFeatures: Matrix([[1, -1]]))
    #expect(input.shape == Shape(1, 4))
    #expect(areClose(input.storage, [1 / (8.0 / 3).squareRoot(), 2, 1, -1], relative: 1e-12))
    #expect(throws: ShapeError.mismatch(operation: "observations", expected: Shape(1, 2), found: Shape(1, 3))) {
      _ = try normalizer.networkInput(observations: Matrix([[1, 2, 3]]), taskFeatures: Matrix([[0]]))
    }
    #expect(throws: ShapeError.mismatch(operation: "task features", expected: Shape(1, 1), found: Shape(2, 1))) {
      _ = try normalizer.networkInput(observations: Matrix([[1, 2]]), taskFeatures: Matrix([[0], [1]]))
    }
    let identity = ObservationNormalizer<Float>.identity(dimension: 3)
    #expect(identity.mean == [0, 0, 0] && identity.std == [1, 1, 1])
  }

  /// 3–4–2 (one action): 3·4 + 4 + 4·2 + 2 = 26 parameters; 3–5–3–4 (two actions): 15 + 5 + 15 + 3 + 12 + 4 = 54.
  @Test func layerShapesAndParameterCounts() {
    let tiny = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 1, hiddenWidths: [4])
    #expect(tiny.layerShapes == [Shape(3, 4), Shape(4, 2)] && tiny.parameterCount == 26)
    let deep = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 2, hiddenWidths: [5, 3])
    #expect(deep.layerShapes == [Shape(3, 5), Shape(5, 3), Shape(3, 4)] && deep.parameterCount == 54)
    #expect(deep.inputDimension == 3 && deep.featureDimension == 3 && deep.invalidityReason == nil)
    let defaults = MLPArchitecture(observationDimension: 8, taskFeatureDimension: 2, actionDimension: 2)
    #expect(defaults.hiddenWidths == [64, 64] && defaults.logStdMin == -5 && defaults.logStdMax == 1)
  }

  /// Values decoded from a file bypass `init`'s preconditions; `invalidityReason` names what is wrong.
  @Test func invalidArchitecturesAreExplained() {
    var architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 1)
    architecture.actionDimension = 0
    #expect(architecture.invalidityReason == "dimensions must be non-negative and the action dimension positive")
    architecture.actionDimension = 1
    architecture.hiddenWidths = [4, 0]
    #expect(architecture.invalidityReason == "hidden widths [4, 0] must be a non-empty list of positive widths")
    architecture.hiddenWidths = [4]
    architecture.logStdMin = 2
    #expect(architecture.invalidityReason == "log-std clamp [2.0, 1.0] is empty")
  }

  /// Glorot-uniform: |W| ≤ gain·√(6/(fanIn + fanOut)), biases 0, drawn in storage order as
  /// limit·(2u − 1) from the given stream.
  @Test func glorotDrawsFollowTheStream() {
    var rng = Seed(4).generator("glorot")
    let layer = DenseLayer<Double>(glorotFanIn: 3, fanOut: 5, gain: 2, using: &rng)
    let limit = 2 * (6.0 / 8).squareRoot()
    var replay = Seed(4).generator("glorot")
    let expected = (0..<15).map { _ in limit * (2 * replay.uniform01() - 1) }
    #expect(layer.weight.storage == expected && layer.bias.storage == [0, 0, 0, 0, 0])
    #expect(layer.weight.storage.allSatisfy { abs($0) <= limit })
  }

  /// Layer k draws from `seed.derived("layer-k")`: widening the second hidden layer leaves the first one's
  /// weights identical; the output layer is scaled by 0.1.
  @Test func layerStreamsAreIndependentOfOtherWidths() {
    let narrow = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 1, hiddenWidths: [4, 3])
    let wide = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 1, hiddenWidths: [4, 9])
    let a = MLPNetwork<Double>(architecture: narrow, seed: Seed(8))
    let b = MLPNetwork<Double>(architecture: wide, seed: Seed(8))
    #expect(a.layers[0] == b.layers[0] && a.layers[1] != b.layers[1])
    #expect(a.layers[2].weight.storage.allSatisfy { abs($0) <= 0.1 * (6.0 / 5).squareRoot() })
    #expect(MLPNetwork<Double>.outputGain == 0.1)
    let roundTrip = a.converted(to: Float.self).converted(to: Double.self).converted(to: Float.self)
    #expect(roundTrip == a.converted(to: Float.self))
    var broken = a
    broken.layers[1].bias[0, 2] = .nan
    #expect(a.isFinite && !broken.isFinite)
  }
}
