/// The shape of a matrix: rows × columns.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
  public var rows: Int
  public var columns: Int

  /// A shape of `rows` × `columns`.
  public init(_ rows: Int, _ columns: Int) {
    self.rows = rows
    self.columns = columns
  }

  /// `"2×3"`.
  public var description: String { "\(rows)×\(columns)" }
}

/// A product or elementwise operation on matrices whose shapes do not fit.
public enum ShapeError: Error, Hashable, Sendable, CustomStringConvertible {
  /// `lhs · rhs` with `lhs.columns ≠ rhs.rows` (after any transposition).
  case innerDimension(lhs: Shape, rhs: Shape)
  /// An output or operand of the wrong shape.
  case mismatch(operation: String, expected: Shape, found: Shape)
  /// Values that do not fill the shape.
  case elementCount(shape: Shape, count: Int)

  public var description: String {
    switch self {
    case .innerDimension(let lhs, let rhs): "matrix product of \(lhs) and \(rhs): inner dimensions differ"
    case .mismatch(let operation, let expected, let found): "\(operation): expected \(expected), found \(found)"
    case .elementCount(let shape, let count): "\(count) values cannot fill a \(shape) matrix"
    }
  }
}
