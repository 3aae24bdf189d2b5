import AMFCore
import AMFTestSupport
import Testing

@testable import AMFNumerics

/// Counts the outputs it passes on from a seeded SplitMix64.
private struct CountingGenerator: RandomNumberGenerator {
  var base: SplitMix64
  var draws = 0
  mutating func next() -> UInt64 {
    draws += 1
    return base.next()
  }
}

@Suite struct BootstrapClosedFormTests {
  @Test func meanOfEmptyAndHandSamples() {
    #expect(SummaryStatistics.mean([]) == 0)
    #expect(SummaryStatistics.mean([1, 2, 3, 4]) == 2.5)
    #expect(SummaryStatistics.quantile(sorted: [1, 2, 3], -0.5) == 1)
    #expect(SummaryStatistics.quantile(sorted: [1, 2, 3], 7) == 3)
    // h = 2 · 0.3 = 0.6: 1 + 0.6 · (2 − 1).
    #expect(abs(SummaryStatistics.quantile(sorted: [1, 2, 3], 0.3) - 1.6) < 1e-15)
  }

  /// Each of B resamples draws n indices with `uniformInt(below: n)`: with n = 5 (not a power of two, so a
  /// rejection could in principle add draws, with probability 5/2⁶⁴ each) exactly B·n outputs are consumed.
  @Test func bootstrapConsumesOneDrawPerIndex() {
    var rng = CountingGenerator(base: Seed(1).generator("count"))
    _ = SummaryStatistics.percentileBootstrap([1, 2, 3, 4, 5], resamples: 200, confidence: 0.9, using: &rng)
    #expect(rng.draws == 1000)
    var none = CountingGenerator(base: Seed(1).generator("count"))
    let empty = SummaryStatistics.percentileBootstrap([], resamples: 100, confidence: 0.9, using: &none)
    #expect(empty == EstimateInterval(estimate: 0, lower: 0, upper: 0) && none.draws == 0)
    let noResamples = SummaryStatistics.percentileBootstrap([2, 4], resamples: 0, confidence: 0.9, using: &none)
    #expect(noResamples == EstimateInterval(estimate: 3, lower: 3, upper: 3) && none.draws == 0)
  }

  /// Sample {0, 1}: a resample mean is 0, ½ or 1 with probabilities ¼, ½, ¼. Of 10 000 sorted means about
  /// 2 500 are 0 (binomial sd 43), so the 5% quantile (h = 499.95) is 0 and the 95% one is 1; at 40%
  /// confidence the 30% and 70% quantiles (h ≈ 3 000 and 7 000) both fall in the block of ½.
  @Test func twoPointSampleGivesTheClosedFormInterval() {
    var rng = Seed(17).generator("bootstrap/two-point")
    let wide = SummaryStatistics.percentileBootstrap([0, 1], resamples: 10_000, confidence: 0.9, using: &rng)
    #expect(wide == EstimateInterval(estimate: 0.5, lower: 0, upper: 1))
    let narrow = SummaryStatistics.percentileBootstrap([0, 1], resamples: 10_000, confidence: 0.4, using: &rng)
    #expect(narrow == EstimateInterval(estimate: 0.5, lower: 0.5, upper: 0.5))
  }

  /// Same seed → same interval; the interval always contains the resample means' median region and widens
  /// with the confidence level (nested quantiles of one sorted list, same draws).
  @Test func intervalsAreSeededAndNested() {
    let sample = [0.2, 0.9, 0.4, 0.75, 0.1, 0.6, 0.35]
    func interval(_ confidence: Double) -> EstimateInterval {
      var rng = Seed(5).generator("bootstrap/nested")
      return SummaryStatistics.percentileBootstrap(sample, resamples: 2000, confidence: confidence, using: &rng)
    }
    let (narrow, wide) = (interval(0.5), interval(0.95))
    #expect(interval(0.5) == narrow)
    #expect(wide.lower <= narrow.lower && narrow.upper <= wide.upper)
    #expect(wide.lower < narrow.lower && narrow.upper < wide.upper)
    #expect(abs(narrow.estimate - 3.3 / 7) < 1e-15)
  }

  /// AUC as AMF.md §7 defines it: demonstrations 0, 2, 4 with success 0.2, 0.4, 0.8 give area
  /// 2·(0.2 + 0.4)/2 + 2·(0.4 + 0.8)/2 = 1.8, divided by N = 4: 0.45. A constant curve c over [0, N] has area c·N.
  @Test func trapezoidAreaGivesTheAUC() {
    #expect(abs(SummaryStatistics.trapezoidArea(x: [0, 2, 4], y: [0.2, 0.4, 0.8]) / 4 - 0.45) < 1e-15)
    #expect(SummaryStatistics.trapezoidArea(x: [0, 1, 5, 20], y: [0.7, 0.7, 0.7, 0.7]) == 0.7 * 20)
    #expect(SummaryStatistics.trapezoidArea(x: [], y: []) == 0)
    #expect(SummaryStatistics.trapezoidArea(x: [0, 1], y: [0, 1]) == 0.5)
  }
}
