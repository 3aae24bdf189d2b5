import AMFCore
import AMFNumerics

/// The embedding AMF-NN puts a linear kernel on (AMF.md §2.1), as written under `embed.kind` and in the
/// embeddings' `@kind`.
public enum EmbeddingKind: String, ManifestChoice {
  /// `φ(x) = vec(−σ(x) ⊗ [z(x); 1])`: the squared-error gradient w.r.t. the mean head at â = μ + σ (default).
  case lossGradient = "loss_gradient"
  /// `φ(x) = vec(−(1/σ(x)) ⊗ [z; 1])`: the same for the Gaussian NLL (ablation).
  case nllGradient = "nll_gradient"
  /// `φ(x) = [z(x); 1]`, shared across action dimensions.
  case lastLayer = "last_layer"
  /// `φ(x) = K^{-1/2} [μ_1(x) − μ̄(x), …, μ_K(x) − μ̄(x)]` over K MC-dropout passes (`MCDropout`).
  case dropout
}

/// The MC-dropout settings of `EmbeddingKind.dropout`: K passes at drop probability p.
public struct MCDropout: Hashable, Sendable {
  /// K, the passes (≥ 1).
  public var passes: Int
  /// p, the drop probability, in [0, 1).
  public var rate: Double

  /// Creates settings; the defaults are AMF.md §2.1's K = 16, p = 0.1.
  public init(passes: Int = 16, rate: Double = 0.1) {
    self.passes = passes
    self.rate = rate
  }
}

/// Embeddings from penultimate features and log-stds.
public enum MLPEmbeddings {
  /// The embedding of each row.
  ///
  /// Shapes: `features: (n × h)`, `logStd: (n × A)` → `(n × A·(h+1))` for the gradient kinds, entry
  /// `k·(h+1) + j` = `−s_k · [z; 1]_j` with `s_k = σ_k` or `1/σ_k` (Kronecker order: action-major, as
  /// `vec` of ∂loss/∂(W_μ, b_μ) with the mean head's column k); `(n × (h+1))` for `lastLayer`.
  /// Edge cases: with isolation or the adaptive prior, pass z of the fine-tuned network and σ of the
  /// acting policy (AMF.md §2.1). Not normalized: kernel normalization happens where the targets are known.
  /// Reference: AMF.md §2.1; BADGE's `(p − onehot(ŷ)) ⊗ z` (Ash et al. 2020) for classifiers.
  /// Edge cases: `dropout` is not a function of z and σ (see `MLPEmbeddings.dropout`); it is a precondition
  /// failure here.
  public static func embed<Scalar: MLPScalar>(kind: EmbeddingKind, features: Matrix<Scalar>,
                                              logStd: Matrix<Scalar>) -> Matrix<Scalar> {
    precondition(features.rows == logStd.rows, "features \(features.shape) and log-std \(logStd.shape)")
    precondition(kind != .dropout, "dropout embeddings come from passes: MLPEmbeddings.dropout")
    let (n, h, a) = (features.rows, features.columns, logStd.columns)
    if kind == .lastLayer {
      var result = Matrix<Scalar>(rows: n, columns: h + 1, repeating: 1)  // (n × (h+1))
      for row in 0..<n {
        for j in 0..<h { result.storage[row * (h + 1) + j] = features.storage[row * h + j] }
      }
      return result
    }
    var result = Matrix<Scalar>(rows: n, columns: a * (h + 1))  // (n × A·(h+1))
    for row in 0..<n {
      for k in 0..<a {
        let logSigma = logStd.storage[row * a + k]
        let scale = kind == .lossGradient ? -Scalar.exp(logSigma) : -Scalar.exp(-logSigma)
        let base = row * a * (h + 1) + k * (h + 1)
        for j in 0..<h { result.storage[base + j] = scale * features.storage[row * h + j] }
        result.storage[base + h] = scale
      }
    }
    return result
  }

  /// The MC-dropout embedding `φ(x) = K^{-1/2} [μ_1(x) − μ̄(x), …, μ_K(x) − μ̄(x)]` per action dimension.
  ///
  /// Shapes: `passes`: K matrices `(n × A)` → `(n × A·K)`, entry `k·K + j` = `(μ_j − μ̄)_k / √K`.
  /// Edge cases: K = 1 gives zeros. Reference: AMF.md §2.1 `dropout` (K = 16, p = 0.1).
  public static func dropout<Scalar: MLPScalar>(passes: [Matrix<Scalar>]) -> Matrix<Scalar> {
    guard let first = passes.first else { return Matrix(rows: 0, columns: 0) }
    let (n, a, count) = (first.rows, first.columns, passes.count)
    let scale = 1 / Scalar(count).squareRoot()
    var result = Matrix<Scalar>(rows: n, columns: a * count)  // (n × A·K)
    for row in 0..<n {
      for k in 0..<a {
        let mean = passes.reduce(Scalar(0)) { $0 + $1.storage[row * a + k] } / Scalar(count)
        for (j, pass) in passes.enumerated() {
          result.storage[row * a * count + k * count + j] = (pass.storage[row * a + k] - mean) * scale
        }
      }
    }
    return result
  }
}
