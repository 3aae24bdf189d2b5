import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFSelection

/// The spectral gain's later picks (issue #20): conditioning on a block's kept combinations by a low-rank
/// downdate of the covariance instead of rewhitening (`downdated(on:basis:)`), the gain of a block's kept
/// combinations under it (`InformationGain.basisReductions`, `laterReductions`), and the greedy batch.
@Suite struct LowRankDowndateTests {
  /// p = 2, ρ² = 1, prior Σ = I, target ψ = (1, 1). Observing the block row (1, 0): `ΨΣΨᵀ + ρ² = 2`,
  /// H = (1/√2, 0), Σ = I − HᵀH = diag(½, 1), target variance ½ + 1 = 3/2. Then the row (0, 1): `ΨΣΨᵀ + ρ² = 2`,
  /// H₂ = (0, 1)Σ/√2 = (0, 1/√2), Σ = diag(½, ½), variance 1. The rewhitened posterior agrees.
  @Test func handDerivedTwoStepDowndate() throws {
    let model = try WeightSpacePosterior(
      points: Matrix([[1, 1], [1, 0], [0, 1]]), conditioning: Matrix(rows: 0, columns: 2), noiseVariance: 1)
    let once = try model.downdated(on: 1..<2, basis: Matrix.identity(1))
    #expect(once.downdate.rows == 1)
    #expect(abs(once.downdate[0, 0] - 0.5.squareRoot()) < 1e-15 && once.downdate[0, 1] == 0)
    #expect(abs(once.variances(0..<1)[0] - 1.5) < 1e-15)
    let twice = try once.downdated(on: 2..<3, basis: Matrix.identity(1))
    #expect(abs(twice.downdate[1, 1] - 0.5.squareRoot()) < 1e-15 && abs(twice.downdate[1, 0]) < 1e-15)
    #expect(abs(twice.variances(0..<1)[0] - 1) < 1e-15)
    let rewhitened = try model.conditioned(on: 1..<2).conditioned(on: 2..<3)
    #expect(abs(rewhitened.variances(0..<1)[0] - 1) < 1e-15)
    // conditioned(on:) of a downdated model extends the downdate.
    #expect(try once.conditioned(on: 2..<3).downdate == twice.downdate)
  }

  /// A block of the row (1, 0) twice, ρ² = 1: the combination u = (1, 1)/√2 observes √2 θ₁ with noise 1, the
  /// other one (1, −1)/√2 observes 0, so conditioning on u alone is exact: precision diag(3, 1), target (1, 1)
  /// variance 1/3 + 1 = 4/3, in weight and function space (a linear kernel written as an RBF would not do;
  /// the function-space check compares with `conditioned(on:)` instead).
  @Test func handDerivedCombinationOfABlock() throws {
    let model = try WeightSpacePosterior(
      points: Matrix([[1, 1], [1, 0], [1, 0]]), conditioning: Matrix(rows: 0, columns: 2), noiseVariance: 1)
    let half = Double(0.5).squareRoot()
    let u = Matrix<Double>([[half, half]])
    let downdated = try model.downdated(on: 1..<3, basis: u)
    #expect(downdated.downdate.rows == 1)
    #expect(abs(downdated.variances(0..<1)[0] - 4.0 / 3) < 1e-15)
    #expect(abs(try model.conditioned(on: 1..<3).variances(0..<1)[0] - 4.0 / 3) < 1e-15)
    let gp = try FunctionSpacePosterior(
      kernel: RBFKernel(lengthscale: 1, signalVariance: 1), points: Matrix([[0, 0], [0.5, 0], [0.5, 0]]),
      conditioning: Matrix(rows: 0, columns: 2), noiseVariance: 1)
    let gpDowndated = try gp.downdated(on: 1..<3, basis: u)
    #expect(abs(gpDowndated.variances(0..<1)[0] - (try gp.conditioned(on: 1..<3).variances(0..<1)[0])) < 1e-15)
  }

  /// Random posteriors with conditioning data: after two downdates every covariance the scoring reads (variances,
  /// cross-covariances, block Grams, basis Grams, projected covariances) equals the rewhitened posterior's to 1e-12.
  @Test(arguments: [(1 as UInt64, 8, 5), (2, 20, 12), (3, 30, 4)])
  func downdateEqualsRewhitening(seed: UInt64, p: Int, m: Int) throws {
    let points = PosteriorTests.random(10 + 3 * m, p, seed: seed, scale: 0.6)
    let conditioning = PosteriorTests.random(7, p, seed: seed + 1, scale: 0.4)
    let model = try WeightSpacePosterior(points: points, conditioning: conditioning, noiseVariance: 0.05)
    let blocks = (0..<3).map { (10 + $0 * m)..<(10 + ($0 + 1) * m) }
    let downdated = try model.downdated(on: blocks[0], basis: Matrix.identity(m))
      .downdated(on: blocks[1], basis: Matrix.identity(m))
    let rewhitened = try model.conditioned(on: blocks[0]).conditioned(on: blocks[1])
    let targets = 0..<10
    #expect(areClose(downdated.variances(targets), rewhitened.variances(targets), relative: 1e-12, absolute: 1e-14))
    for (a, b) in [(targets, blocks[2]), (blocks[2], blocks[2]), (blocks[0], targets)] {
      let fast = try downdated.covariance(a, b)
      let slow = try rewhitened.covariance(a, b)
      #expect(areClose(fast.storage, slow.storage, relative: 1e-12, absolute: 1e-13))
    }
    #expect(areClose(try downdated.blockCovariance(blocks[2]).storage, try rewhitened.blockCovariance(blocks[2]).storage,
      relative: 1e-12, absolute: 1e-13))
    let basis = PosteriorTests.random(3, m, seed: seed + 2)
    #expect(areClose(try downdated.basisCovariance(blocks[2], basis: basis).storage,
      try rewhitened.basisCovariance(blocks[2], basis: basis).storage, relative: 1e-12, absolute: 1e-13))
    var fast = Matrix<Double>(rows: 0, columns: 0)
    var slow = Matrix<Double>(rows: 0, columns: 0)
    try downdated.projectedCovariance([(blocks[2], basis)], targets, into: &fast)
    try rewhitened.projectedCovariance([(blocks[2], basis)], targets, into: &slow)
    #expect(areClose(fast.storage, slow.storage, relative: 1e-12, absolute: 1e-13))
  }

  /// With the full basis (U = I) the basis reduction is the Woodbury reduction, before and after a downdate.
  @Test func fullBasisIsTheWoodburyReduction() throws {
    let points = PosteriorTests.random(40, 9, seed: 21, scale: 0.5)
    let model = try WeightSpacePosterior(
      points: points, conditioning: PosteriorTests.random(4, 9, seed: 22), noiseVariance: 0.02)
    let blocks = [10..<20, 20..<30, 30..<40]
    for posterior in [model, try model.downdated(on: 30..<40, basis: Matrix.identity(10))] {
      let reductions = try InformationGain.basisReductions(
        model: posterior, targets: 0..<10, blocks: blocks, bases: blocks.map { Matrix.identity($0.count) })
      for (block, reduction) in zip(blocks, reductions) {
        let woodbury = try InformationGain.varianceReduction(model: posterior, targets: 0..<10, block: block)
        #expect(areClose(reduction, woodbury, relative: 1e-11, absolute: 1e-14))
      }
    }
  }

  /// The bound at a later pick: the combinations kept under the first posterior, scored under the posterior
  /// conditioned on another block's kept combinations, give each target a gain within
  /// `[g − below, g + above]` (`laterPickBounds(ε, 1)`) of the Woodbury gain g of the exactly conditioned
  /// posterior — in weight space (downdate; the kept-projection path and the recomputed one agree to 1e-11)
  /// and function space.
  @Test(arguments: [(1 as UInt64, 1e-9), (2, 1e-3), (3, 0.05)])
  func laterPickBoundHolds(seed: UInt64, tolerance: Double) throws {
    let (p, m) = (14, 12)
    let targets = PosteriorTests.random(20, p, seed: seed + 1, scale: 0.5)
    let blocks = (0..<4).map {
      SpectralGainTests.trajectoryBlock(m: m, p: p, rank: 4, noise: 1e-3, seed: seed * 10 + UInt64($0))
    }
    let points = blocks.reduce(targets) { PosteriorTests.stacked($0, $1) }
    let model = try WeightSpacePosterior(
      points: points, conditioning: PosteriorTests.random(5, p, seed: seed + 2, scale: 0.3), noiseVariance: 0.01)
    let ranges = (0..<4).map { (20 + $0 * m)..<(20 + ($0 + 1) * m) }
    try Self.checkLaterPick(model: model, targets: 0..<20, blocks: ranges, tolerance: tolerance, truncates: tolerance >= 1e-3)
    let gp = try FunctionSpacePosterior(
      kernel: RBFKernel(lengthscale: 0.8, signalVariance: 1), points: PosteriorTests.random(40, 2, seed: seed, scale: 0.7),
      conditioning: PosteriorTests.random(5, 2, seed: seed + 1), noiseVariance: 0.01)
    try Self.checkLaterPick(model: gp, targets: 0..<20, blocks: [20..<30, 30..<40], tolerance: tolerance, truncates: false)
  }

  /// Conditions on the last block's kept combinations (fewer than its rows when `truncates`) and checks every
  /// block's later-pick gain.
  static func checkLaterPick<M: PosteriorModel>(
    model: M, targets: Range<Int>, blocks: [Range<Int>], tolerance: Double, truncates: Bool
  ) throws {
    let scoring = try InformationGain.spectralScoring(
      model: model, targets: targets, blocks: blocks, tolerance: tolerance, keepingProjections: true)
    let last = blocks.count - 1
    let conditioned = try model.downdated(on: blocks[last], basis: scoring.bases[last])
    if truncates { #expect(scoring.bases[last].rows < blocks[last].count) }
    let exact = try model.conditioned(on: blocks[last])
    let later = try InformationGain.laterReductions(model: conditioned, targets: targets, blocks: blocks, scoring: scoring)
    let recomputed = try InformationGain.basisReductions(
      model: conditioned, targets: targets, blocks: blocks, bases: scoring.bases)
    for (a, b) in zip(later, recomputed) { #expect(areClose(a, b, relative: 1e-11, absolute: 1e-14)) }
    let (above, below) = InformationGain.laterPickBounds(tolerance: tolerance, conditionings: 1)
    let variances = exact.variances(targets)
    let spectralVariances = conditioned.variances(targets)
    for (block, reduction) in zip(blocks, later) {
      let woodbury = try InformationGain.varianceReduction(model: exact, targets: targets, block: block)
      let gains = InformationGain.gains(reduction: woodbury, targetVariances: variances, shift: 0)
      let spectral = InformationGain.gains(reduction: reduction, targetVariances: spectralVariances, shift: 0)
      for (g, s) in zip(gains, spectral) {
        #expect(s <= g + above + 1e-11)
        #expect(g - s <= below + 1e-11)
      }
    }
  }

  /// A no-IS problem with conditioning data and a batch of 3 (two downdates): the picks and the conditioning
  /// trajectories are the Woodbury ones and every score row k is within `[W − below_k, W + above_k]`
  /// (`laterPickBounds(ε, k)` · Σ_x w_x), at ε = 1e-9 and 0.05; at ε = 1e-9 no pick needs re-scoring.
  @Test func greedyBatchOfThreeKeepsTheWoodburyPicks() throws {
    let weights = try ImportanceWeights(uniformOver: Array(0..<6), taskCount: 6)
    let basis = PosteriorTests.random(6, 10, seed: 43)
    let embed: (Int, Int, Int) -> [Double] = { i, t, c in
      (0..<10).map { k in
        let angle = Double(t) / 8 + Double(i)
        return (cos(angle) * basis[i, k] + sin(angle) * basis[(i + 1) % 6, k] + basis[c, k]) * (1 + 0.1 * Double(c)) / 3
      }
    }
    var problem = try StrategyTests.problem(tasks: 6, steps: 8, targets: [1, 4], weights: weights, batch: 3, embed: embed)
    if case .weightSpace(let targets, let candidates, _) = problem.embeddings {
      problem.embeddings = .weightSpace(
        targets: targets, candidates: candidates, conditioning: PosteriorTests.random(12, 10, seed: 44, scale: 0.3))
    }
    let woodbury = try AMFStrategy.select(problem)
    for tolerance in [1e-9, 0.05] {
      problem.gainRankTolerance = tolerance
      let spectral = try AMFStrategy.select(problem)
      #expect(spectral.selected == woodbury.selected && spectral.conditionedOn == woodbury.conditionedOn)
      if tolerance == 1e-9 { #expect(spectral.exactlyRescored.isEmpty) }
      for (pick, (spectralRow, woodburyRow)) in zip(spectral.scores, woodbury.scores).enumerated() {
        let (above, below) = InformationGain.laterPickBounds(tolerance: tolerance, conditionings: pick)
        for (s, w) in zip(spectralRow, woodburyRow) {  // Σ_x w_x = 8 steps, Σ_b w_b = 1
          #expect(s <= w + 8 * above + 1e-11 * abs(w))
          #expect(w - s <= 8 * below + 1e-11 * abs(w))
        }
      }
    }
  }

  /// The weighted gain with one logarithm per run of equal weights equals the per-target gains summed, to
  /// 1e-14 relative: 40 targets in runs of 12, 12 and 16, one of them with a floored posterior (a ratio near
  /// 10¹², so 24 such would end a run at 10²⁸⁰), with and without a shift.
  @Test(arguments: [0.0, 0.01])
  func weightedGainEqualsTheSumOfGains(shift: Double) throws {
    let weights: [Double] = (0..<40).map { (x: Int) -> Double in x < 12 ? 0.25 : (x < 24 ? 0.5 : 0.125) }
    let variances: [Double] = (0..<40).map { (x: Int) -> Double in 0.5 + Double(x % 7) * 0.3 }
    var reduction: [Double] = (0..<40).map { (x: Int) -> Double in
      let fraction: Double = 0.1 + 0.8 * Double((x * 13) % 11) / 11
      return variances[x] * fraction
    }
    reduction[5] = variances[5]  // floored at 1e-12 σ²: a ratio near 10¹²
    let gains = InformationGain.gains(reduction: reduction, targetVariances: variances, shift: shift)
    var expected = 0.0
    for (gain, weight) in zip(gains, weights) { expected += weight * gain }
    let fused = InformationGain.weightedGain(
      reduction: reduction, targetVariances: variances, weights: weights, shift: shift)
    #expect(abs(fused - expected) <= 1e-14 * expected, "\(fused) vs \(expected)")
    // 30 floored targets of one weight: ratios of 10¹² each, whose product would overflow in one run.
    let floored = [Double](repeating: 2, count: 30)
    let many = InformationGain.weightedGain(
      reduction: floored, targetVariances: floored, weights: [Double](repeating: 0.5, count: 30), shift: shift)
    let each = InformationGain.gains(reduction: floored, targetVariances: floored, shift: shift)[0]
    #expect(many.isFinite && abs(many - 15 * each) <= 1e-14 * 15 * each, "\(many) vs \(15 * each)")
  }
}
