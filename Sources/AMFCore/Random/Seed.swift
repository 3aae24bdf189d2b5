/// A run seed from which every random stream is derived by a label.
///
/// `Seed(3).derived("rollout/task-2/episode-0")` always gives the same stream, whatever else draws
/// first: adding a draw in one place never shifts another's (HOUSE-STYLE §3.7).
public struct Seed: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The 64-bit value.
  public let value: UInt64

  /// A seed with the given value.
  public init(_ value: UInt64) { self.value = value }

  /// The seed of the sub-stream `label`: `mix(value ⊕ FNV-1a(label))`.
  public func derived(_ label: String) -> Seed {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in label.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01B3
    }
    var mixer = SplitMix64(state: value ^ hash)
    return Seed(mixer.next())
  }

  /// A generator for this seed.
  public func generator() -> SplitMix64 { SplitMix64(state: value) }

  /// A generator for the sub-stream `label`.
  public func generator(_ label: String) -> SplitMix64 { derived(label).generator() }

  public var description: String { String(value) }
}
