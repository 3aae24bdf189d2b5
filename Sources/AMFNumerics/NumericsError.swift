/// A numerical failure in AMFNumerics, naming what was tried so the reader knows what to change.
public enum NumericsError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Cholesky factorization failed even after the largest jitter of the ladder was added to the diagonal.
  ///
  /// `jitterTried` is the absolute value last added to every diagonal entry (1e-2 × the mean diagonal).
  case notPositiveDefinite(jitterTried: Double)
  /// The matrix handed to a factorization holds NaN or an infinity; no jitter can repair that.
  case nonFiniteEntries(operation: String)
  /// An iterative LAPACK routine reported that it did not converge (`info > 0`).
  case notConverged(operation: String, info: Int)

  /// What went wrong and what to check, for the user.
  public var description: String {
    switch self {
    case .notPositiveDefinite(let jitterTried):
      "matrix is not positive definite even with jitter \(jitterTried) added to its diagonal (ladder 1e-8 … 1e-2 × "
        + "mean diagonal); check that the noise variance is positive and the kernel hyperparameters are sane "
        + "(lengthscale and signal variance > 0), or that the matrix is a covariance at all"
    case .nonFiniteEntries(let operation):
      "\(operation): the matrix holds NaN or infinite entries; check the inputs and hyperparameters for NaN/inf"
    case .notConverged(let operation, let info):
      "\(operation) did not converge (LAPACK info \(info)); check the matrix for extreme scales"
    }
  }
}
