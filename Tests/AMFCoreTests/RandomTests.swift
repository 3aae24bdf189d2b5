import Testing

@testable import AMFCore

@Suite struct RandomTests {
  /// The first outputs of SplitMix64 from state 0 (Vigna's reference implementation).
  @Test func splitMixMatchesReference() {
    var generator = SplitMix64(state: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(generator.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func derivedStreamsAreIndependentOfDrawOrder() {
    let seed = Seed(42)
    var a = seed.generator("select/round-1")
    let first = a.next()
    var other = seed.generator("rollout/task-0")
    _ = (0..<100).map { _ in other.next() }
    var again = seed.generator("select/round-1")
    #expect(again.next() == first)
    #expect(seed.derived("a") != seed.derived("b"))
    #expect(Seed(1).derived("a") != Seed(2).derived("a"))
  }

  @Test func uniformIntStaysInRangeAndCoversIt() {
    var generator = Seed(7).generator()
    var seen = Set<Int>()
    for _ in 0..<1000 {
      let value = generator.uniformInt(below: 6)
      #expect((0..<6).contains(value))
      seen.insert(value)
    }
    #expect(seen.count == 6)
  }

  /// Sample mean and variance of 20 000 normal draws are within 4 standard errors of 0 and 1.
  @Test func normalHasUnitMoments() {
    var generator = Seed(3).generator("normal")
    let draws = (0..<20_000).map { _ in generator.normal() }
    let mean = draws.reduce(0, +) / Double(draws.count)
    let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count - 1)
    #expect(abs(mean) < 4 * (1 / Double(draws.count).squareRoot()))
    #expect(abs(variance - 1) < 4 * (2 / Double(draws.count)).squareRoot())
  }

  @Test func shuffleIsAPermutationAndSeeded() {
    var g1 = Seed(11).generator()
    var g2 = Seed(11).generator()
    let p1 = g1.permutation(10)
    #expect(p1.sorted() == Array(0..<10))
    #expect(p1 == g2.permutation(10))
    #expect(p1 != Array(0..<10))
  }

  @Test func choiceFollowsWeights() {
    var generator = Seed(5).generator()
    var counts = [0, 0, 0]
    for _ in 0..<10_000 { counts[generator.choice(weights: [1, 0, 3])] += 1 }
    #expect(counts[1] == 0)
    #expect(abs(Double(counts[2]) / 10_000 - 0.75) < 0.02)
  }
}
