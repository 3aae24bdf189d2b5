import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFSelection

/// The spectral gain (`select.gain_rank_tolerance`, issue #20) against the Woodbury gain: a hand-derived 2-D
/// case, the bound `−½ log(1 − ε)` per target on random problems, and identical picks.
@Suite struct SpectralGainTests {
  /// A block of m rows of rank ≤ `rank` plus noise of size `noise`: smooth in the step like a trajectory.
  /// Shapes: → (m × p).
  static func trajectoryBlock(m: Int, p: Int, rank: Int, noise: Double, seed: UInt64) -> Matrix<Double> {
    let basis = PosteriorTests.random(rank, p, seed: seed)
    let jitter = PosteriorTests.random(m, p, seed: seed + 1000, scale: noise)
    var block = Matrix<Double>(rows: m, columns: p)
    for t in 0..<m {
      for k in 0..<p {
        var value = jitter[t, k]
        for r in 0..<rank { value += cos(Double(r + 1) * Double(t) / Double(m)) * basis[r, k] / Double(r + 1) }
        block[t, k] = value
      }
    }
    return block
  }

  /// p = 2, no conditioning, block rows (1, 0) and (0, 0.1), ρ² = 0.01, target (1, 1): the block's
  /// directions are e₁, e₂ with λ₁ = 1/1.01 and λ₂ = 0.01/0.02 = ½. ε = 0 keeps both: reduction
  /// λ₁ + λ₂ (the Woodbury value); ε = 0.6 drops e₂: reduction λ₁, gain ½ log(2/(2 − λ₁)) instead of
  /// ½ log(2/(2 − λ₁ − λ₂)), lower by ½ log((2 − λ₁)/(2 − λ₁ − λ₂)) = 0.3417… ≤ −½ log 0.4 = 0.4581….
  @Test func handDerivedTwoDimensionalCase() throws {
    let model = try WeightSpacePosterior(
      points: Matrix([[1, 1], [1, 0], [0, 0.1]]), conditioning: Matrix(rows: 0, columns: 2), noiseVariance: 0.01)
    let (l1, l2) = (1 / 1.01, 0.5)
    let full = try InformationGain.spectralReductions(model: model, targets: 0..<1, blocks: [1..<3], tolerance: 0)
    #expect(abs(full[0][0] - (l1 + l2)) < 1e-14)
    let woodbury = try InformationGain.varianceReduction(model: model, targets: 0..<1, block: 1..<3)
    #expect(abs(full[0][0] - woodbury[0]) < 1e-14)
    let truncated = try InformationGain.spectralReductions(model: model, targets: 0..<1, blocks: [1..<3], tolerance: 0.6)
    #expect(abs(truncated[0][0] - l1) < 1e-14)
    let drop = 0.5 * log((2 - l1) / (2 - l1 - l2))
    #expect(abs(drop - 0.341_695_5) < 1e-7)
    #expect(drop <= InformationGain.gainBound(tolerance: 0.6))
    #expect(abs(InformationGain.gainBound(tolerance: 0.6) - 0.5 * log(1 / 0.4)) < 1e-15)
    // Between λ₂ and λ₁ the cut changes nothing else; above λ₁ nothing is kept.
    #expect(try InformationGain.spectralReductions(model: model, targets: 0..<1, blocks: [1..<3], tolerance: 0.995)[0][0] == 0)
  }

  /// Random weight-space problems: ε = 0 matches Woodbury to rounding; for ε > 0 every target's gain is
  /// lower than the Woodbury gain by at least 0 and at most `gainBound(ε)` (up to 1e-12 of rounding), and
  /// some direction is actually dropped.
  @Test(arguments: [(1 as UInt64, 12, 3, 0.01, 0.01), (2, 20, 5, 0.1, 1e-3), (3, 30, 4, 0.01, 0.05), (4, 8, 8, 1, 0.2)])
  func weightSpaceBoundHolds(seed: UInt64, p: Int, rank: Int, noise: Double, tolerance: Double) throws {
    let m = 15
    let targets = PosteriorTests.random(25, p, seed: seed + 1, scale: 0.5)
    let blocks = (0..<4).map { Self.trajectoryBlock(m: m, p: p, rank: rank, noise: 1e-3, seed: seed * 10 + UInt64($0)) }
    let points = blocks.reduce(targets) { PosteriorTests.stacked($0, $1) }
    let conditioning = PosteriorTests.random(6, p, seed: seed + 2, scale: 0.3)
    let model = try WeightSpacePosterior(points: points, conditioning: conditioning, noiseVariance: noise)
    try Self.checkBound(model: model, targets: 0..<25, blocks: (0..<4).map { (25 + $0 * m)..<(25 + ($0 + 1) * m) },
      tolerance: tolerance)
  }

  /// The same on a function-space (RBF) posterior, where the spectral form reads `covariance(block, targets)`.
  @Test(arguments: [(5 as UInt64, 1e-6), (6, 0.01)])
  func functionSpaceBoundHolds(seed: UInt64, tolerance: Double) throws {
    let points = PosteriorTests.random(40, 2, seed: seed, scale: 0.7)
    let model = try FunctionSpacePosterior(
      kernel: RBFKernel(lengthscale: 0.8, signalVariance: 1), points: points,
      conditioning: PosteriorTests.random(5, 2, seed: seed + 1), noiseVariance: 0.01)
    try Self.checkBound(model: model, targets: 0..<20, blocks: [20..<30, 30..<40], tolerance: tolerance)
  }

  static func checkBound(model: some PosteriorModel, targets: Range<Int>, blocks: [Range<Int>], tolerance: Double) throws {
    let variances = model.variances(targets)
    let exact = try InformationGain.spectralReductions(model: model, targets: targets, blocks: blocks, tolerance: 0)
    let cut = try InformationGain.spectralReductions(model: model, targets: targets, blocks: blocks, tolerance: tolerance)
    let bound = InformationGain.gainBound(tolerance: tolerance)
    var largestDrop = 0.0
    for (index, block) in blocks.enumerated() {
      let woodbury = try InformationGain.varianceReduction(model: model, targets: targets, block: block)
      #expect(areClose(exact[index], woodbury, relative: 1e-10, absolute: 1e-13))
      let gains = InformationGain.gains(reduction: woodbury, targetVariances: variances, shift: 0)
      let spectral = InformationGain.gains(reduction: cut[index], targetVariances: variances, shift: 0)
      for (g, s) in zip(gains, spectral) {
        #expect(s <= g + 1e-12)
        #expect(g - s <= bound + 1e-12)
        largestDrop = max(largestDrop, g - s)
      }
    }
    #expect(largestDrop > 0)  // the cut dropped something
  }

  /// A no-IS problem of 6 tasks with trajectory-like blocks: at ε = 1e-9 and at ε = 0.05 the picks are the
  /// Woodbury picks and every score is below the Woodbury score by at most the certified bound; a cut so
  /// coarse that it keeps nothing (ε = 0.999…) cannot certify and falls back to the Woodbury scores exactly.
  @Test func picksAreTheWoodburyPicks() throws {
    let weights = try ImportanceWeights(uniformOver: Array(0..<6), taskCount: 6)
    let basis = PosteriorTests.random(6, 10, seed: 42)
    let embed: (Int, Int, Int) -> [Double] = { i, t, c in
      (0..<10).map { k in
        let angle = Double(t) / 8 + Double(i)
        return (cos(angle) * basis[i, k] + sin(angle) * basis[(i + 1) % 6, k] + basis[c, k]) * (1 + 0.1 * Double(c)) / 3
      }
    }
    var problem = try StrategyTests.problem(tasks: 6, steps: 8, targets: [1, 4], weights: weights, batch: 2, embed: embed)
    let woodbury = try AMFStrategy.select(problem)
    let targetSum = Double(8)  // Σ_x w_x: μ sums to 1, the pool weights of each target task sum to 1, 8 steps
    for tolerance in [1e-9, 0.05] {
      problem.gainRankTolerance = tolerance
      let spectral = try AMFStrategy.select(problem)
      #expect(spectral.selected == woodbury.selected)
      #expect(spectral.conditionedOn == woodbury.conditionedOn)
      let bound = InformationGain.gainBound(tolerance: tolerance) * targetSum  // Σ_b w_b = 1 per task
      for (spectralRow, woodburyRow) in zip(spectral.scores, woodbury.scores) {
        for (s, w) in zip(spectralRow, woodburyRow) {
          #expect(s <= w + 1e-12 * abs(w))
          #expect(w - s <= bound + 1e-12 * abs(w))
        }
      }
    }
    problem.gainRankTolerance = 1 - 1e-12
    let coarse = try AMFStrategy.select(problem)
    #expect(coarse.exactlyRescored == [0, 1])
    #expect(coarse.selected == woodbury.selected && coarse.scores == woodbury.scores)
  }

  /// 2×2 `[[2, 1], [1, 2]]`: eigenvalues 1 and 3; above 1.5 only (3, (1, 1)/√2) up to sign.
  @Test func eigenpairsAboveAThreshold() throws {
    let matrix = Matrix<Double>([[2, 1], [1, 2]])
    let all = try SymmetricEigen.pairs(of: matrix, above: -1)
    #expect(areClose(all.values, [1, 3], relative: 1e-14))
    let top = try SymmetricEigen.pairs(of: matrix, above: 1.5)
    #expect(top.values.count == 1 && abs(top.values[0] - 3) < 1e-14)
    #expect(abs(abs(top.vectors[0, 0]) - 0.5.squareRoot()) < 1e-14 && abs(top.vectors[0, 0] - top.vectors[0, 1]) < 1e-14)
    #expect(try SymmetricEigen.pairs(of: matrix, above: 4).values.isEmpty)
  }
}
