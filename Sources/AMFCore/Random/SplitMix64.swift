/// SplitMix64 (Steele, Lea and Flood 2014): a fast 64-bit generator whose output this package owns,
/// so draws are identical on every platform and toolchain.
///
/// Reference: Java's `SplittableRandom`; the constants are those of Vigna's `splitmix64.c`.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  /// The generator's state; advancing it by the golden-ratio increment gives the next output.
  public private(set) var state: UInt64

  /// A generator that starts from `state`.
  public init(state: UInt64) { self.state = state }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
