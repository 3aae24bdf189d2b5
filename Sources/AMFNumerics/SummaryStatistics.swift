import AMFCore

/// A closed interval [lower, upper] around an estimate, e.g. a bootstrap confidence interval.
public struct EstimateInterval: Hashable, Sendable {
  /// The point estimate (the sample mean for the bootstrap).
  public var estimate: Double
  /// The lower end.
  public var lower: Double
  /// The upper end.
  public var upper: Double

  /// Creates an interval.
  public init(estimate: Double, lower: Double, upper: Double) {
    self.estimate = estimate
    self.lower = lower
    self.upper = upper
  }
}

/// Summary statistics of small samples (one value per seed): mean, quantiles, percentile bootstrap and
/// the trapezoid rule (AMF.md §7).
public enum SummaryStatistics {
  /// The arithmetic mean; 0 for an empty sample.
  public static func mean(_ values: [Double]) -> Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
  }

  /// The `p`-quantile of an ascending sample by linear interpolation between order statistics
  /// (Hyndman–Fan type 7, NumPy's default): with h = (n − 1)·p,
  /// `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋])`.
  ///
  /// Edge cases: `p` is clamped to [0, 1]; a one-element sample gives that element; `sorted` must be
  /// non-empty and ascending (a precondition).
  public static func quantile(sorted: [Double], _ p: Double) -> Double {
    precondition(!sorted.isEmpty, "quantile of an empty sample")
    let h = Double(sorted.count - 1) * min(1, max(0, p))
    let below = Int(h.rounded(.down))
    let above = min(below + 1, sorted.count - 1)
    return sorted[below] + (h - Double(below)) * (sorted[above] - sorted[below])
  }

  /// The mean of `sample` with its percentile-bootstrap interval at `confidence`.
  ///
  /// Each of `resamples` resamples draws n = `sample.count` indices uniformly with replacement
  /// (`uniformInt(below: n)`, in order) and takes the mean; the interval is the (1 − confidence)/2 and
  /// (1 + confidence)/2 quantiles (`quantile(sorted:_:)`, type 7) of the sorted resample means.
  ///
  /// Shapes: `sample` (n) → one interval. Edge cases: a constant sample (and n = 1) gives a zero-width
  /// interval at that value; an empty sample gives [0, 0] without drawing. Complexity: O(B·n + B log B).
  /// Reference: Efron and Tibshirani (1993), ch. 13; AMF.md §7 (90%, 10 000 resamples).
  public static func percentileBootstrap(
    _ sample: [Double], resamples: Int, confidence: Double, using rng: inout some RandomNumberGenerator
  ) -> EstimateInterval {
    let center = mean(sample)
    guard !sample.isEmpty, resamples > 0 else {
      return EstimateInterval(estimate: center, lower: center, upper: center)
    }
    let n = sample.count
    var means = [Double](repeating: 0, count: resamples)  // (B)
    for resample in 0..<resamples {
      var total = 0.0
      for _ in 0..<n { total += sample[rng.uniformInt(below: n)] }
      means[resample] = total / Double(n)
    }
    means.sort()
    let tail = (1 - confidence) / 2
    return EstimateInterval(
      estimate: center, lower: quantile(sorted: means, tail), upper: quantile(sorted: means, 1 - tail))
  }

  /// The trapezoid area under the piecewise-linear curve through (x[i], y[i]).
  ///
  /// Shapes: `x`, `y` (n), x non-decreasing. Edge cases: fewer than two points give 0.
  public static func trapezoidArea(x: [Double], y: [Double]) -> Double {
    precondition(x.count == y.count, "trapezoid: \(x.count) x values but \(y.count) y values")
    guard x.count > 1 else { return 0 }
    var area = 0.0
    for i in 1..<x.count { area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2 }
    return area
  }
}
