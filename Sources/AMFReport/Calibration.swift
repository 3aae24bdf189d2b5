import AMFNumerics

/// How well a selection criterion's scores predict what a pick achieves (issue #16): for every (seed, round,
/// picked task), the score the criterion gave the task (summed over the round's picks of it, each at its
/// own pick) against the success that task gained in the evaluation after the round,
/// `success_c(r) − success_c(r − 1)`.
public struct Calibration: Equatable, Sendable {
  /// One picked task of one round of one seed.
  public struct Unit: Equatable, Sendable {
    /// The summed score of the task's picks in the round.
    public var predicted: Double
    /// `success_c(r) − success_c(r − 1)`.
    public var realized: Double
    /// Whether the task was covered by pre-training.
    public var covered: Bool

    /// Creates a unit.
    public init(predicted: Double, realized: Double, covered: Bool) {
      self.predicted = predicted
      self.realized = realized
      self.covered = covered
    }
  }

  /// The units.
  public var units: [Unit]

  /// Creates the summary of `units`.
  public init(units: [Unit]) { self.units = units }

  /// The units of one round's picks: the summed score of each distinct picked task and its success change.
  ///
  /// Shapes: `selected`: (B); `scores[p][c]`: (B × |C|); `before`, `after`: (|C|).
  public static func units(
    selected: [Int], scores: [[Double]], before: [Double], after: [Double], covered: Set<Int>
  ) -> [Unit] {
    var predicted: [Int: Double] = [:]
    for (pick, task) in selected.enumerated() where pick < scores.count {
      predicted[task, default: 0] += scores[pick][task]
    }
    return predicted.keys.sorted().map { task in
      Unit(predicted: predicted[task] ?? 0, realized: after[task] - before[task], covered: covered.contains(task))
    }
  }

  /// Pearson's correlation of predicted and realized gains (nil with < 3 units or no spread).
  public var pearson: Double? { Self.correlation(units.map(\.predicted), units.map(\.realized)) }

  /// Spearman's rank correlation (average ranks for ties; nil as for Pearson).
  public var spearman: Double? { Self.correlation(Self.ranks(units.map(\.predicted)), Self.ranks(units.map(\.realized))) }

  /// Mean predicted and realized gain over the covered (true) or uncovered (false) units; nil if none.
  public func means(covered: Bool) -> (predicted: Double, realized: Double, count: Int)? {
    let chosen = units.filter { $0.covered == covered }
    guard !chosen.isEmpty else { return nil }
    return (SummaryStatistics.mean(chosen.map(\.predicted)), SummaryStatistics.mean(chosen.map(\.realized)), chosen.count)
  }

  static func correlation(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count >= 3, x.count == y.count else { return nil }
    let (mx, my) = (SummaryStatistics.mean(x), SummaryStatistics.mean(y))
    var (sxy, sxx, syy) = (0.0, 0.0, 0.0)
    for (a, b) in zip(x, y) {
      sxy += (a - mx) * (b - my)
      sxx += (a - mx) * (a - mx)
      syy += (b - my) * (b - my)
    }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
  }

  /// 1-based ranks, ties sharing their average rank.
  static func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
      for k in start...end { ranks[order[k]] = Double(start + end) / 2 + 1 }
      start = end + 1
    }
    return ranks
  }
}
