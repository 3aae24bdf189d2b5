import AMFNumerics
import RealModule

/// A scalar the MLP runs on: `Float` for training and acting, `Double` for finite-difference tests.
///
/// The elementwise kernels live here so each type can use its fastest correct form: `Float` uses a
/// vectorizable rational tanh (the one XLA and Eigen use, |error| < 4e-7), `Double` uses libm's.
public protocol MLPScalar: MatrixScalar, Real {
  /// Replaces every element `x` by `tanh(x)`.
  ///
  /// Edge cases: NaN stays NaN (so divergence is detected, never hidden); ±∞ gives ±1.
  static func tanhInPlace(_ values: UnsafeMutableBufferPointer<Self>)
}

extension Double: MLPScalar {
  /// libm's tanh, element by element (the exact path, for gradient checks).
  public static func tanhInPlace(_ values: UnsafeMutableBufferPointer<Double>) {
    for index in values.indices { values[index] = Double.tanh(values[index]) }
  }
}

extension Float: MLPScalar {
  /// A [13/6] odd rational approximation of tanh on [−7.9053, 7.9053], clamped outside.
  ///
  /// Edge cases: |x| < 4e-4 returns x (exact to float precision); NaN propagates.
  /// Reference: Eigen `generic_fast_tanh_float` (also XLA's CPU tanh); max |error| 3.9e-7 on [−9, 9].
  public static func tanhInPlace(_ values: UnsafeMutableBufferPointer<Float>) {
    let count = values.count
    guard let base = values.baseAddress else { return }
    let lanes = 16
    var index = 0
    while index + lanes <= count {
      let raw = UnsafeRawPointer(base + index)
      let x = raw.loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(base + index).storeBytes(of: fastTanh(x), as: SIMD16<Float>.self)
      index += lanes
    }
    while index < count {
      base[index] = fastTanh(SIMD16<Float>(repeating: base[index]))[0]
      index += 1
    }
  }

  @inline(__always)
  static func fastTanh(_ input: SIMD16<Float>) -> SIMD16<Float> {
    let limit = SIMD16<Float>(repeating: 7.905_311_107_635_498_05)
    // pointwiseMin/Max drop NaN; restore it below so a diverged network stays visibly NaN.
    let x = input.clamped(lowerBound: -limit, upperBound: limit)
    let x2 = x * x
    var p = SIMD16<Float>(repeating: -2.760_768_477_423_55e-16)
    p = p * x2 + 2.000_187_904_824_77e-13
    p = p * x2 - 8.604_671_522_137_35e-11
    p = p * x2 + 5.122_297_090_371_14e-08
    p = p * x2 + 1.485_722_357_179_79e-05
    p = p * x2 + 6.372_619_288_754_36e-04
    p = p * x2 + 4.893_524_558_917_86e-03
    p = p * x
    var q = SIMD16<Float>(repeating: 1.198_258_394_667_02e-06)
    q = q * x2 + 1.185_347_056_866_54e-04
    q = q * x2 + 2.268_434_632_439_00e-03
    q = q * x2 + 4.893_525_185_543_85e-03
    var result = p / q
    let tiny = (input .< 0.0004) .& (input .> -0.0004)
    result.replace(with: input, where: tiny .| (input .!= input))
    return result
  }
}
