import AMFNumerics

/// The adaptive prior's per-task output mixing and its loss gradient (AMF.md §5, project definition).
///
/// `α(c) = sigmoid(β(c))`, `β(c) = wᵀf(c) + b`; `μ = α μ_ft + (1 − α) μ₀`, `ℓ = α ℓ_ft + (1 − α) ℓ₀` with
/// `ℓ = clamp(raw log σ)` of each network; loss = NLL(a; μ, e^ℓ) + `λ_α · mean_{c∈C} α(c)²`.
public enum AdaptiveMixing {
  /// α for each row of task features.
  ///
  /// Shapes: `taskFeatures: (n × k)`, `mixing.weight: (k × 1)`, `mixing.bias: (1 × 1)` → n values.
  /// Edge cases: b = −∞ gives α = 0 exactly (the prior unchanged), b = +∞ gives 1.
  public static func alpha<Scalar: MLPScalar>(taskFeatures: Matrix<Scalar>, mixing: DenseLayer<Scalar>) -> [Scalar] {
    precondition(mixing.weight.shape == Shape(taskFeatures.columns, 1), "mixing \(mixing.weight.shape)")
    return (0..<taskFeatures.rows).map { alpha(row: $0, of: taskFeatures, mixing) }
  }

  /// Mixes two networks' `[μ, clamped ℓ]` rows with per-row α.
  ///
  /// Shapes: `fineTuned, prior: (n × 2A)` already clamped, `alpha: n` → `(n × 2A)`.
  public static func mix<Scalar: MLPScalar>(fineTuned: Matrix<Scalar>, prior: Matrix<Scalar>, alpha: [Scalar])
    -> Matrix<Scalar>
  {
    precondition(fineTuned.shape == prior.shape && alpha.count == prior.rows, "mix shapes")
    var mixed = prior  // (n × 2A)
    for row in 0..<prior.rows {
      for j in 0..<prior.columns {
        let i = row * prior.columns + j
        mixed.storage[i] = alpha[row] * fineTuned.storage[i] + (1 - alpha[row]) * prior.storage[i]
      }
    }
    return mixed
  }

  /// The mixed loss; ∂loss/∂(fine-tuned raw output) into `outputGradient`, ∂loss/∂mixing into `mixingGradient`.
  ///
  /// Shapes: `output, outputGradient: (batch × 2A)` (fine-tuned raw), `prior: (batch × 2A)` (μ₀, clamped
  /// ℓ₀), `actions: (batch × A)`, `taskFeatures: (batch × k)`, `allTaskFeatures: (T × k)` for the regularizer.
  /// Edge cases: the clamp of the fine-tuned log σ passes gradient only inside the bounds.
  /// Reference: ∂L/∂α = Σ_k ∂L/∂μ_k (μ_ft − μ₀) + ∂L/∂ℓ_k (ℓ_ft − ℓ₀); ∂α/∂β = α(1 − α).
  @_specialize(where Scalar == Float)
  @_specialize(where Scalar == Double)
  public static func loss<Scalar: MLPScalar>(
    output: Matrix<Scalar>, prior: Matrix<Scalar>, actions: Matrix<Scalar>, taskFeatures: Matrix<Scalar>,
    allTaskFeatures: Matrix<Scalar>, mixing: DenseLayer<Scalar>, regularization: Scalar,
    logStdBounds: (Scalar, Scalar), outputGradient: inout Matrix<Scalar>, mixingGradient: inout DenseLayer<Scalar>
  ) -> Double {
    let (batch, a, k) = (actions.rows, actions.columns, taskFeatures.columns)
    precondition(output.shape == Shape(batch, 2 * a) && prior.shape == output.shape
                   && outputGradient.shape == output.shape && taskFeatures.rows == batch
                   && mixingGradient.weight.shape == Shape(k, 1), "adaptive-prior loss shapes")
    for j in mixingGradient.weight.storage.indices { mixingGradient.weight.storage[j] = 0 }
    mixingGradient.bias.storage[0] = 0
    let scale = 1 / Scalar(batch)
    var total = 0.0
    for row in 0..<batch {
      let alpha = Self.alpha(row: row, of: taskFeatures, mixing)
      var alphaGradient: Scalar = 0
      for j in 0..<a {
        let (m, s) = (row * 2 * a + j, row * 2 * a + a + j)
        let raw = output.storage[s]
        let logStdFT = raw.isNaN ? raw : Swift.min(Swift.max(raw, logStdBounds.0), logStdBounds.1)
        let mean = alpha * output.storage[m] + (1 - alpha) * prior.storage[m]
        let logStd = alpha * logStdFT + (1 - alpha) * prior.storage[s]
        let inverseVariance = Scalar.exp(-2 * logStd)
        let residual = actions.storage[row * a + j] - mean
        let scaledSquare = residual * residual * inverseVariance
        total += Double(scaledSquare / 2 + logStd)
        let meanGradient = -residual * inverseVariance * scale
        let logStdGradient = (1 - scaledSquare) * scale
        outputGradient.storage[m] = alpha * meanGradient
        let inside = raw >= logStdBounds.0 && raw <= logStdBounds.1
        outputGradient.storage[s] = inside ? alpha * logStdGradient : 0
        alphaGradient += meanGradient * (output.storage[m] - prior.storage[m])
          + logStdGradient * (logStdFT - prior.storage[s])
      }
      accumulate(alphaGradient * alpha * (1 - alpha), row: row, of: taskFeatures, into: &mixingGradient)
    }
    var penalty = 0.0
    let taskCount = Scalar(allTaskFeatures.rows)
    for row in 0..<allTaskFeatures.rows {
      let alpha = Self.alpha(row: row, of: allTaskFeatures, mixing)
      penalty += Double(regularization * alpha * alpha / taskCount)
      let betaGradient = regularization * 2 * alpha * alpha * (1 - alpha) / taskCount
      accumulate(betaGradient, row: row, of: allTaskFeatures, into: &mixingGradient)
    }
    let nonFinite = output.storage.contains { $0.isNaN }
    return total / Double(batch) + penalty + (nonFinite ? .nan : 0)
  }

  @inline(__always)
  static func alpha<Scalar: MLPScalar>(row: Int, of features: Matrix<Scalar>, _ mixing: DenseLayer<Scalar>)
    -> Scalar
  {
    var beta = mixing.bias.storage[0]
    for j in 0..<features.columns { beta += features.storage[row * features.columns + j] * mixing.weight.storage[j] }
    return 1 / (1 + Scalar.exp(-beta))
  }

  @inline(__always)
  static func accumulate<Scalar: MLPScalar>(
    _ betaGradient: Scalar, row: Int, of features: Matrix<Scalar>, into gradient: inout DenseLayer<Scalar>
  ) {
    for j in 0..<features.columns {
      gradient.weight.storage[j] += betaGradient * features.storage[row * features.columns + j]
    }
    gradient.bias.storage[0] += betaGradient
  }
}
