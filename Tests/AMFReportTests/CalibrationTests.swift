import Testing

@testable import AMFReport

/// The calibration diagnostic (issue #16): predicted gain of each pick against the success it brought.
@Suite struct CalibrationTests {
  /// Two picks of task 2 in one round add their scores (1.5 + 0.5); task 0's score is 3; success moves
  /// 0.9 → 0.8 on task 0 and 0.1 → 0.6 on task 2.
  @Test func unitsSumARoundsPicksOfOneTask() {
    let units = Calibration.units(
      selected: [2, 0, 2], scores: [[9, 9, 1.5], [3, 9, 9], [9, 9, 0.5]], before: [0.9, 0.5, 0.1],
      after: [0.8, 0.5, 0.6], covered: [0])
    #expect(units.count == 2)
    #expect(units[0].predicted == 3 && abs(units[0].realized - (-0.1)) < 1e-12 && units[0].covered)
    #expect(units[1].predicted == 2 && abs(units[1].realized - 0.5) < 1e-12 && !units[1].covered)
  }

  /// By hand: x = (1, 2, 3, 4), y = (2, 1, 4, 3): Pearson = Σ(dx dy)/√(Σdx² Σdy²) = 3/5 = 0.6; the ranks are
  /// the values, so Spearman is 0.6 too. With y = (10, 20, 20, 40), ranks (1, 2.5, 2.5, 4) give Spearman
  /// = 4.5/√(5 · 4.5) = 0.9487, Pearson (dx = −1.5, −0.5, 0.5, 1.5; dy = −12.5, −2.5, −2.5, 17.5) = 45/√(5 · 475) = 0.9234.
  @Test func correlationsMatchHandComputedValues() throws {
    let a = Calibration(units: zip([1.0, 2, 3, 4], [2.0, 1, 4, 3]).map { .init(predicted: $0, realized: $1, covered: false) })
    #expect(abs(try #require(a.pearson) - 0.6) < 1e-12)
    #expect(abs(try #require(a.spearman) - 0.6) < 1e-12)
    let b = Calibration(units: zip([1.0, 2, 3, 4], [10.0, 20, 20, 40]).map { .init(predicted: $0, realized: $1, covered: $0 > 2) })
    #expect(abs(try #require(b.spearman) - 4.5 / (5 * 4.5).squareRoot()) < 1e-12)
    #expect(abs(try #require(b.pearson) - 45 / (5.0 * 475).squareRoot()) < 1e-12)
    let covered = try #require(b.means(covered: true))
    #expect(covered.predicted == 3.5 && covered.realized == 30 && covered.count == 2)
    #expect(Calibration(units: []).pearson == nil)
    #expect(Calibration(units: []).means(covered: true) == nil)
  }
}
