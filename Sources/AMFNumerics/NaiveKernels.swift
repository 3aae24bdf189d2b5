/// Plain-Swift reference kernels: the oracle BLAS results are tested against, and the workload that
/// shows whether this module was compiled with optimization (BENCHMARKS.md, "Debug builds").
public enum NaiveKernels {
  /// `A·B` for row-major float32 matrices by the i-k-j triple loop.
  ///
  /// Shapes: `a: (m × k)`, `b: (k × n)` → `(m × n)`.
  /// Complexity: `2·m·k·n` floating-point operations, no blocking.
  public static func product(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
    precondition(a.count == m * k && b.count == k * n, "naive product: \(a.count) ≠ \(m)×\(k) or \(b.count) ≠ \(k)×\(n)")
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          for i in 0..<m {
            for p in 0..<k {
              let scale = a[i * k + p]
              for j in 0..<n { c[i * n + j] += scale * b[p * n + j] }
            }
          }
        }
      }
    }
    return c
  }
}

/// Facts about how this module was compiled.
public enum NumericsBuild {
  /// Whether AMFNumerics was compiled with optimization.
  ///
  /// Package.swift compiles the library modules with `-O` even in the debug configuration, so this is
  /// true in `swift build`, `swift test` and `swift run` alike; a test fails if the setting is lost.
  public static var isOptimized: Bool { !_isDebugAssertConfiguration() }
}
