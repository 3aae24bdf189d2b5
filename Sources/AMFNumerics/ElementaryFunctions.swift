#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `exp` and `log` from the platform's C math library, so AMFNumerics needs neither Foundation nor
/// swift-numerics (HOUSE-STYLE §3.12); this is the only file with the platform switch.
enum Elementary {
  /// e^x.
  @inline(__always)
  static func exp(_ x: Double) -> Double { cExp(x) }

  /// The natural logarithm.
  @inline(__always)
  static func log(_ x: Double) -> Double { cLog(x) }
}

@inline(__always)
private func cExp(_ x: Double) -> Double { exp(x) }

@inline(__always)
private func cLog(_ x: Double) -> Double { log(x) }
