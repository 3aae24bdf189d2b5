/// The largest elementwise |a − b| / max(|b|, floor), for readable tolerance failures.
///
/// Shapes: `a` and `b` must have one count; a count mismatch returns infinity.
public func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-12) -> Double {
  guard a.count == b.count else { return .infinity }
  return zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? 0
}

/// Whether `a` and `b` have one count and every pair satisfies |a − b| ≤ absolute + relative·|b|.
public func areClose(_ a: [Double], _ b: [Double], relative: Double = 1e-9, absolute: Double = 0) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= absolute + relative * abs($1) }
}

/// Float arrays, compared in float64.
public func areClose(_ a: [Float], _ b: [Float], relative: Double = 1e-6, absolute: Double = 0) -> Bool {
  areClose(a.map(Double.init), b.map(Double.init), relative: relative, absolute: absolute)
}
