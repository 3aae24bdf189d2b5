/// The OpenBLAS kernel every stage runs with, chosen through the environment.
///
/// OpenBLAS built with `DYNAMIC_ARCH` (Debian's) picks its kernels by CPU model, and kernels sum in
/// different orders: the same pre-training gave a different policy hash on a machine OpenBLAS calls
/// `Cooperlake` than on a `Zen` one (AUC differences around 1e-3). Pinning one kernel makes artifacts
/// byte-identical across x86-64 machines with AVX2 (measured: the Haswell and Zen kernels give the same
/// bytes, so results committed from Zen machines reproduce). Set `OPENBLAS_CORETYPE` yourself to choose
/// another (on a CPU without AVX2, e.g. `Sandybridge`); `AMF_BLAS_KERNEL=native` leaves OpenBLAS's own choice.
public enum BLASKernel {
  /// `OPENBLAS_CORETYPE=Haswell`: the AVX2 kernels.
  public static let pinned = "Haswell"

  /// The environment variable OpenBLAS reads at load time to choose its kernels.
  public static let variable = "OPENBLAS_CORETYPE"

  /// The kernel a stage should run with given `environment`: nil when the environment already says
  /// (`OPENBLAS_CORETYPE` set, or `AMF_BLAS_KERNEL=native`); else `AMF_BLAS_KERNEL` or `pinned`.
  public static func toPin(environment: [String: String]) -> String? {
    if environment[variable] != nil || environment["AMF_BLAS_KERNEL"] == "native" { return nil }
    return environment["AMF_BLAS_KERNEL"] ?? pinned
  }
}
