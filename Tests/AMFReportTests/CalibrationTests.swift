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

/// Edge cases of the calibration statistics, by hand.
@Suite struct CalibrationEdgeTests {
  func calibration(_ predicted: [Double], _ realized: [Double]) -> Calibration {
    Calibration(units: zip(predicted, realized).map { .init(predicted: $0, realized: $1, covered: true) })
  }

  @Test func ranksShareTheirAverageOnTies() {
    #expect(Calibration.ranks([]) == [])
    #expect(Calibration.ranks([5]) == [1])
    #expect(Calibration.ranks([30, 10, 20]) == [3, 1, 2])
    // Two 7s take ranks 2 and 3 → 2.5 each; three 1s take 1 … 3 → 2 each.
    #expect(Calibration.ranks([9, 7, 7, 0.5]) == [4, 2.5, 2.5, 1])
    #expect(Calibration.ranks([1, 1, 1]) == [2, 2, 2])
  }

  @Test func correlationNeedsThreeUnitsAndSpreadOnBothSides() {
    #expect(calibration([1, 2], [1, 2]).pearson == nil)
    #expect(calibration([1, 2, 3], [4, 4, 4]).pearson == nil)
    #expect(calibration([2, 2, 2], [1, 2, 3]).spearman == nil)
    #expect(Calibration.correlation([1, 2, 3], [1, 2]) == nil)
  }

  @Test func perfectAndReversedOrderGivePlusAndMinusOne() throws {
    #expect(abs(try #require(calibration([1, 2, 3], [10, 20, 30]).pearson) - 1) < 1e-12)
    // Monotone but not linear: Spearman is exactly 1, Pearson below it.
    let curved = calibration([1, 2, 3, 4], [1, 2, 4, 100])
    #expect(try #require(curved.spearman) == 1)
    #expect(try #require(curved.pearson) < 0.9)
    #expect(abs(try #require(calibration([1, 2, 3], [3, 2, 1]).spearman) + 1) < 1e-12)
  }

  @Test func unitsSkipPicksWithoutScoresAndSortByTask() {
    // Pick 2 has no score row; tasks come out in increasing order whatever the pick order.
    let units = Calibration.units(
      selected: [3, 1, 0], scores: [[0, 0, 0, 2], [0, 5, 0, 0]], before: [0, 0.25, 0, 0.5], after: [1, 0.5, 0, 0.25],
      covered: [3])
    #expect(units == [
      .init(predicted: 5, realized: 0.25, covered: false), .init(predicted: 2, realized: -0.25, covered: true),
    ])
  }

  @Test func meansSplitCoveredFromUncovered() throws {
    let units = Calibration(units: [
      .init(predicted: 1, realized: 0.5, covered: true), .init(predicted: 3, realized: -0.5, covered: false),
      .init(predicted: 5, realized: 0.25, covered: false),
    ])
    let uncovered = try #require(units.means(covered: false))
    #expect(uncovered.predicted == 4 && uncovered.realized == -0.125 && uncovered.count == 2)
    #expect(try #require(units.means(covered: true)).count == 1)
  }
}
