import Foundation

/// Draw algorithms owned by this package: the standard library documents no stability for how
/// `random(in:using:)` or `shuffled(using:)` map generator output to values, so reproducibility across
/// toolchains cannot rest on them (HOUSE-STYLE §3.7).
extension RandomNumberGenerator {
  /// A uniform draw from [0, 1) with 53 random bits.
  public mutating func uniform01() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform integer in `0..<upperBound` (Lemire's multiply-and-reject, unbiased).
  ///
  /// Edge cases: `upperBound` must be positive.
  public mutating func uniformInt(below upperBound: Int) -> Int {
    precondition(upperBound > 0, "uniformInt(below:) needs a positive bound, got \(upperBound)")
    let bound = UInt64(upperBound)
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
    }
    return Int(product.high)
  }

  /// A standard normal draw (Box–Muller; one draw per call, the partner value is discarded so that
  /// the stream position depends only on the number of calls).
  public mutating func normal() -> Double {
    let u1 = 1 - uniform01()  // (0, 1]: log is finite
    let u2 = uniform01()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// A normal draw with the given mean and standard deviation.
  public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
    mean + standardDeviation * normal()
  }

  /// Shuffles `array` in place (Fisher–Yates, from the last index down).
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for index in stride(from: array.count - 1, to: 0, by: -1) {
      array.swapAt(index, uniformInt(below: index + 1))
    }
  }

  /// A random permutation of `0..<count`.
  public mutating func permutation(_ count: Int) -> [Int] {
    var indices = Array(0..<count)
    shuffle(&indices)
    return indices
  }

  /// An index drawn with probability proportional to `weights` (non-negative, positive sum).
  public mutating func choice(weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "choice(weights:) needs non-negative weights with a positive sum")
    var target = uniform01() * total
    for (index, weight) in weights.enumerated() {
      target -= weight
      if target < 0 { return index }
    }
    return weights.lastIndex { $0 > 0 } ?? 0
  }
}
