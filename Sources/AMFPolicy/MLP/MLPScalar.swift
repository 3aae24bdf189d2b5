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

  /// One Adam update over a contiguous run of parameters (see `AdamOptimizer`).
  static func adamKernel(_ arguments: AdamKernelArguments<Self>)
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
    // A plain loop of selects and arithmetic, which LLVM vectorizes (8 lanes on AVX2); Swift's generic
    // SIMD operations (`clamped`, `replace(with:where:)`) lower to per-lane code and were 10× slower.
    for index in values.indices { values[index] = fastTanh(values[index]) }
  }

  @inline(__always)
  static func fastTanh(_ input: Float) -> Float {
    let limit: Float = 7.905_311_107_635_498_05
    let x = input > limit ? limit : (input < -limit ? -limit : input)
    let x2 = x * x
    var p: Float = -2.760_768_477_423_55e-16
    p = p * x2 + 2.000_187_904_824_77e-13
    p = p * x2 - 8.604_671_522_137_35e-11
    p = p * x2 + 5.122_297_090_371_14e-08
    p = p * x2 + 1.485_722_357_179_79e-05
    p = p * x2 + 6.372_619_288_754_36e-04
    p = p * x2 + 4.893_524_558_917_86e-03
    p = p * x
    var q: Float = 1.198_258_394_667_02e-06
    q = q * x2 + 1.185_347_056_866_54e-04
    q = q * x2 + 2.268_434_632_439_00e-03
    q = q * x2 + 4.893_525_185_543_85e-03
    let result = p / q
    // |x| < 4e-4: tanh(x) = x to float precision; NaN fails both comparisons above and stays NaN here.
    return (input < 0.0004 && input > -0.0004) || input != input ? input : result
  }
}
