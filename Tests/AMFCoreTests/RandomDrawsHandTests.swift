import Foundation
import Testing

@testable import AMFCore

/// A generator that replays fixed outputs, counting how many were taken.
private struct Script: RandomNumberGenerator {
  var outputs: [UInt64]
  var index = 0
  mutating func next() -> UInt64 {
    defer { index += 1 }
    return outputs[index]
  }
}

/// The package's own draw algorithms traced by hand on scripted generator outputs.
@Suite struct RandomDrawsHandTests {
  /// uniform01 keeps the top 53 bits: 0 → 0, 2¹¹ → 2⁻⁵³, 2⁶³ → ½, 2⁶⁴ − 1 → 1 − 2⁻⁵³ (never 1).
  @Test func uniform01KeepsTheTop53Bits() {
    var rng = Script(outputs: [0, 1 << 11, 1 << 63, .max])
    #expect(rng.uniform01() == 0)
    #expect(rng.uniform01() == 0x1.0p-53)
    #expect(rng.uniform01() == 0.5)
    #expect(rng.uniform01() == 1 - 0x1.0p-53)
  }

  /// Lemire for bound 3: threshold = (2⁶⁴ − 3) mod 3 = 1, so an output whose low product word is 0 (x = 0)
  /// is rejected; x = 2⁶³ gives 3·2⁶³ = 2⁶⁴ + 2⁶³, high word 1. x = 2⁶⁴ − 1 gives high word 2.
  @Test func uniformIntRejectsAndTakesTheHighWord() {
    var rng = Script(outputs: [0, 1 << 63, .max])
    #expect(rng.uniformInt(below: 3) == 1)
    #expect(rng.index == 2)
    #expect(rng.uniformInt(below: 3) == 2)
    var one = Script(outputs: [12345])
    #expect(one.uniformInt(below: 1) == 0)  // 12345·1 has high word 0
  }

  /// Box–Muller with u₁ = 1 − uniform01 = ½ (x = 2⁶³) and u₂ = 0: √(−2 log ½)·cos 0 = √(2 ln 2);
  /// with u₂ = ¼ (x = 2⁶²) the cosine is cos(π/2) ≈ 6e-17.
  @Test func normalIsBoxMullerOfTwoUniforms() {
    var rng = Script(outputs: [1 << 63, 0, 1 << 63, 1 << 62, 1 << 63, 0])
    #expect(abs(rng.normal() - (2 * log(2.0)).squareRoot()) < 1e-15)
    #expect(abs(rng.normal()) < 1e-15)
    #expect(abs(rng.normal(mean: 1, standardDeviation: 2) - (1 + 2 * (2 * log(2.0)).squareRoot())) < 1e-15)
    #expect(rng.index == 6)
  }

  /// Fisher–Yates from the last index: swap(2, j₁) with j₁ = uniformInt(below: 3) = 1 (x = 2⁶³), then
  /// swap(1, j₂) with j₂ = uniformInt(below: 2) = 0 (x = 0): [a, b, c] → [a, c, b] → [c, a, b].
  @Test func shuffleIsFisherYatesFromTheEnd() {
    var rng = Script(outputs: [1 << 63, 0])
    var letters = ["a", "b", "c"]
    rng.shuffle(&letters)
    #expect(letters == ["c", "a", "b"])
    var none = Script(outputs: [])
    #expect(none.permutation(0) == [] && none.permutation(1) == [0])
  }

  /// choice(weights: [1, 0, 3]): target = u·4. u = 0.2 → 0.8 < 1 → 0; u = ½ → 2 − 1 − 0 − 3 < 0 → 2;
  /// u = ¼ → 1 − 1 = 0 is not < 0, so a boundary goes to the next positive weight, 2.
  @Test func choiceWalksTheCumulativeWeights() {
    let quarter: UInt64 = 1 << 62
    let fifth = UInt64(0.2 * 0x1.0p53) << 11
    var rng = Script(outputs: [fifth, 1 << 63, quarter])
    #expect(rng.choice(weights: [1, 0, 3]) == 0)
    #expect(rng.choice(weights: [1, 0, 3]) == 2)
    #expect(rng.choice(weights: [1, 0, 3]) == 2)
  }

  /// `derived` is SplitMix64(value ⊕ FNV-1a(label)).next(), with FNV-1a re-implemented here.
  @Test func derivedSeedIsSplitMixOfSeedXorFNV() {
    func fnv1a(_ text: String) -> UInt64 {
      text.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
    #expect(fnv1a("") == 0xCBF2_9CE4_8422_2325)
    #expect(fnv1a("a") == 0xAF63_DC4C_8601_EC8C)  // the published FNV-1a 64 test vector
    for (value, label) in [(UInt64(0), ""), (42, "select/round-1"), (.max, "rollout/task-3/episode-9")] {
      var mixer = SplitMix64(state: value ^ fnv1a(label))
      #expect(Seed(value).derived(label) == Seed(mixer.next()))
    }
    var generator = Seed(9).generator("x")
    var direct = SplitMix64(state: Seed(9).derived("x").value)
    #expect(generator.next() == direct.next())
  }

  /// The state advances by the golden-ratio increment per output; a seed encodes as its value.
  @Test func splitMixStateAndSeedCoding() throws {
    var generator = SplitMix64(state: 5)
    _ = generator.next()
    _ = generator.next()
    #expect(generator.state == 5 &+ 2 &* 0x9E37_79B9_7F4A_7C15)
    #expect(try CanonicalJSON.string(Seed(7)) == #"{"value":7}"#)
    #expect(try CanonicalJSON.decode(Seed.self, from: #"{"value":18446744073709551615}"#) == Seed(.max))
    #expect(Seed(123).description == "123")
  }
}
