import AMFNumerics

/// The behaviour-cloning loss of a diagonal Gaussian policy and its gradient (AMF.md §5).
///
/// `L = mean_batch Σ_k [ (a_k − μ_k)² / (2σ_k²) + log σ_k ]`, with `log σ = clamp(s, lo, hi)` of the
/// raw log-std output s; the constant `½ log 2π` per dimension is left out.
public enum GaussianNLL {
  /// The loss of a raw network output and, in `gradient`, ∂L/∂output.
  ///
  /// Shapes: `output, gradient: (batch × 2A)` (μ in columns `[0, A)`, raw log σ in `[A, 2A)`),
  /// `actions: (batch × A)`.
  /// Edge cases: ∂L/∂s is 0 where s lies outside `[logStdMin, logStdMax]` (the clamp is flat there) and
  /// passes through on the bounds; non-finite inputs give a non-finite loss, which callers check.
  /// Reference: ∂L/∂μ = −(a − μ)/(σ² B), ∂L/∂log σ = (1 − (a − μ)²/σ²)/B.
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func loss<Scalar: MLPScalar>(
    output: Matrix<Scalar>, actions: Matrix<Scalar>, logStdMin: Scalar, logStdMax: Scalar,
    gradient: inout Matrix<Scalar>
  ) -> Double {
    let (batch, a) = (actions.rows, actions.columns)
    precondition(output.shape == Shape(batch, 2 * a) && gradient.shape == output.shape,
                 "NLL shapes: output \(output.shape), actions \(actions.shape), gradient \(gradient.shape)")
    let scale = 1 / Scalar(batch)
    var total = 0.0
    output.storage.withUnsafeBufferPointer { out in
      actions.storage.withUnsafeBufferPointer { act in
        gradient.storage.withUnsafeMutableBufferPointer { grad in
          for row in 0..<batch {
            for k in 0..<a {
              let raw = out[row * 2 * a + a + k]
              let logStd = Swift.min(Swift.max(raw, logStdMin), logStdMax)
              let inverseVariance = Scalar.exp(-2 * logStd)
              let residual = act[row * a + k] - out[row * 2 * a + k]
              let scaledSquare = residual * residual * inverseVariance
              total += Double(scaledSquare / 2 + logStd)
              grad[row * 2 * a + k] = -residual * inverseVariance * scale
              let inside = raw >= logStdMin && raw <= logStdMax
              grad[row * 2 * a + a + k] = inside ? (1 - scaledSquare) * scale : 0
            }
          }
        }
      }
    }
    // NaN in `raw` passes min/max as a bound; keep it visible so divergence is never silent.
    return total / Double(batch) + (output.storage.contains { $0.isNaN } ? .nan : 0)
  }
}
