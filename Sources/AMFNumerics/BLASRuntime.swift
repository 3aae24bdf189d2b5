import CBLAS

/// The OpenBLAS runtime: its thread count and build configuration.
///
/// Every stage process pins OpenBLAS to one thread (HOUSE-STYLE §3.7): parallelism lives at the stage
/// level (`amf-pipeline run --jobs`), where it cannot change summation order and so results.
public enum BLASRuntime {
  /// Sets the number of OpenBLAS threads for this process.
  public static func setThreadCount(_ count: Int) {
    openblas_set_num_threads(Int32(max(1, count)))
  }

  /// The number of OpenBLAS threads in use.
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  /// OpenBLAS's configuration string (version, kernel, thread model), recorded in run records.
  public static var configuration: String {
    guard let text = openblas_get_config() else { return "unknown" }
    return String(cString: text).trimmingSpaces()
  }

  /// `C ← A·B` for row-major float32 matrices through `cblas_sgemm`.
  ///
  /// Shapes: `a: (m × k)`, `b: (k × n)`, `c: (m × n)`; checked before the call, because cblas reads
  /// past the end on a wrong leading dimension instead of failing.
  public static func multiply(
    _ a: [Float], _ b: [Float], into c: inout [Float], m: Int, k: Int, n: Int
  ) {
    precondition(a.count == m * k && b.count == k * n && c.count == m * n,
                 "sgemm shapes: a has \(a.count) for \(m)×\(k), b \(b.count) for \(k)×\(n), c \(c.count) for \(m)×\(n)")
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
  }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    var text = Substring(self)
    while text.first == " " { text = text.dropFirst() }
    while text.last == " " || text.last == "\n" { text = text.dropLast() }
    return String(text)
  }
}
