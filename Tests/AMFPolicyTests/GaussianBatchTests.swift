import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

@Suite struct GaussianBatchTests {
  /// log N(a; μ, σ²) for a = μ + σ in one dimension is −½ − log σ − ½ log 2π.
  @Test func logDensityOfOneStandardDeviation() throws {
    let mean = Matrix<Float>([[0.5, -1]])
    let logStd = Matrix<Float>([[Float(Foundation.log(2.0)), 0]])
    let batch = GaussianBatch(mean: mean, logStd: logStd)
    let actions = Matrix<Float>([[2.5, -1]])  // 1 σ away in dim 0, at the mean in dim 1
    let expected = (-0.5 - Foundation.log(2.0) - 0.5 * Foundation.log(2 * Double.pi)) + (-0.5 * Foundation.log(2 * Double.pi))
    let found = try batch.logDensity(of: actions)
    #expect(areClose(found, [expected], relative: 1e-7))
  }

  /// The entropy of N(0, σ²) is ½ log(2πe σ²): for σ = 1 it is 1.4189385332046727.
  @Test func entropyOfUnitGaussian() {
    let batch = GaussianBatch(mean: Matrix<Float>([[0, 0]]), logStd: Matrix<Float>([[0, 0]]))
    #expect(areClose(batch.entropy, [2 * 1.4189385332046727], relative: 1e-12))
  }

  @Test func logDensityRejectsWrongShape() {
    let batch = GaussianBatch(mean: Matrix<Float>([[0, 0]]), logStd: Matrix<Float>([[0, 0]]))
    #expect(throws: ShapeError.mismatch(operation: "log-density actions", expected: Shape(1, 2), found: Shape(1, 3))) {
      _ = try batch.logDensity(of: Matrix<Float>([[0, 0, 0]]))
    }
  }
}
