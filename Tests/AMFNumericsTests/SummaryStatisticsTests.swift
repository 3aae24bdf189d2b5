import AMFCore
import AMFTestSupport
import Testing

@testable import AMFNumerics

/// A generator that replays a fixed list of outputs (then repeats it), for hand-traced draws.
private struct ScriptedGenerator: RandomNumberGenerator {
  var outputs: [UInt64]
  var index = 0
  mutating func next() -> UInt64 {
    defer { index += 1 }
    return outputs[index % outputs.count]
  }
}

@Suite struct SummaryStatisticsTests {
  /// Type-7 quantiles of [1, 2, 3, 4]: h = 3p, so p = 0.05 → 1 + 0.15·1 = 1.15, p = 0.95 → 3 + 0.85 = 3.85.
  @Test func quantileInterpolatesBetweenOrderStatistics() {
    let sorted = [1.0, 2, 3, 4]
    #expect(abs(SummaryStatistics.quantile(sorted: sorted, 0.05) - 1.15) < 1e-12)
    #expect(abs(SummaryStatistics.quantile(sorted: sorted, 0.95) - 3.85) < 1e-12)
    #expect(SummaryStatistics.quantile(sorted: sorted, 0.5) == 2.5)
    #expect(SummaryStatistics.quantile(sorted: sorted, 0) == 1 && SummaryStatistics.quantile(sorted: sorted, 1) == 4)
    #expect(SummaryStatistics.quantile(sorted: [7], 0.3) == 7)
  }

  /// Sample [0, 1], 4 resamples with scripted draws: an output below 2⁶³ picks index 0, one above picks 1
  /// (`uniformInt(below: 2)` takes the high word of output × 2). Resamples (0,0), (1,1), (0,1), (1,0) have
  /// means 0, 1, 0.5, 0.5 → sorted [0, 0.5, 0.5, 1]; at 50% confidence the 0.25-quantile is h = 0.75 →
  /// 0.375 and the 0.75-quantile is h = 2.25 → 0.625.
  @Test func percentileDefinitionOnAHandTracedCase() {
    let (low, high): (UInt64, UInt64) = (0, .max)
    var rng = ScriptedGenerator(outputs: [low, low, high, high, low, high, high, low])
    let interval = SummaryStatistics.percentileBootstrap([0, 1], resamples: 4, confidence: 0.5, using: &rng)
    #expect(interval.estimate == 0.5)
    #expect(abs(interval.lower - 0.375) < 1e-12 && abs(interval.upper - 0.625) < 1e-12)
    #expect(rng.index == 8)
  }

  @Test func constantSampleGivesAZeroWidthInterval() {
    var rng = Seed(3).generator("test/constant")
    let interval = SummaryStatistics.percentileBootstrap(
      [0.7, 0.7, 0.7, 0.7], resamples: 500, confidence: 0.9, using: &rng)
    #expect(interval == EstimateInterval(estimate: 0.7, lower: 0.7, upper: 0.7))
    var other = Seed(3).generator("test/one")
    #expect(SummaryStatistics.percentileBootstrap([0.25], resamples: 10, confidence: 0.9, using: &other).lower == 0.25)
  }

  /// Pinned: 10 000 resamples of a 5-seed sample from `Seed(7).generator("test/bootstrap")`. Changing the
  /// draw order or the quantile definition changes these numbers (and must bump the report's version).
  @Test func seededBootstrapGivesPinnedNumbers() {
    let sample = [0.1, 0.4, 0.35, 0.8, 0.6]
    var rng = Seed(7).generator("test/bootstrap")
    let interval = SummaryStatistics.percentileBootstrap(sample, resamples: 10_000, confidence: 0.9, using: &rng)
    #expect(abs(interval.estimate - 0.45) < 1e-12)
    #expect(abs(interval.lower - Self.pinnedLower) < 1e-12, "\(interval.lower)")
    #expect(abs(interval.upper - Self.pinnedUpper) < 1e-12, "\(interval.upper)")
    #expect(interval.lower < 0.45 && 0.45 < interval.upper)
    var again = Seed(7).generator("test/bootstrap")
    let repeated = SummaryStatistics.percentileBootstrap(sample, resamples: 10_000, confidence: 0.9, using: &again)
    #expect(repeated == interval)
  }

  static let pinnedLower = 0.27
  static let pinnedUpper = 0.63

  /// x = [0, 2, 4], y = [0, 0.5, 1]: 2·(0 + 0.5)/2 + 2·(0.5 + 1)/2 = 0.5 + 1.5 = 2.
  /// x = [0, 1, 3], y = [0.2, 0.6, 0.6]: 1·0.8/2 + 2·1.2/2 = 0.4 + 1.2 = 1.6.
  @Test func trapezoidAreaOnHandCurves() {
    #expect(abs(SummaryStatistics.trapezoidArea(x: [0, 2, 4], y: [0, 0.5, 1]) - 2) < 1e-12)
    #expect(abs(SummaryStatistics.trapezoidArea(x: [0, 1, 3], y: [0.2, 0.6, 0.6]) - 1.6) < 1e-12)
    #expect(SummaryStatistics.trapezoidArea(x: [3], y: [1]) == 0)
  }
}
