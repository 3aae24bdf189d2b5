/// A dense row-major matrix of `Float` or `Double` that carries its shape.
///
/// Storage is one contiguous array, so BLAS reads it without copying; element `(i, j)` is at
/// `storage[i * columns + j]`. Vectors are 1 × n or n × 1 matrices or plain arrays.
public struct Matrix<Scalar: MatrixScalar>: Equatable, Sendable {
  /// Number of rows.
  public private(set) var rows: Int
  /// Number of columns.
  public private(set) var columns: Int
  /// The elements in row-major order; `storage.count == rows * columns`.
  public var storage: [Scalar]

  /// A matrix filled with `value`.
  public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
    precondition(rows >= 0 && columns >= 0, "negative matrix dimension \(rows)×\(columns)")
    self.rows = rows
    self.columns = columns
    storage = [Scalar](repeating: value, count: rows * columns)
  }

  /// A matrix over `values` in row-major order; throws unless they fill the shape exactly.
  public init(rows: Int, columns: Int, values: [Scalar]) throws(ShapeError) {
    guard rows >= 0, columns >= 0, values.count == rows * columns else {
      throw ShapeError.elementCount(shape: Shape(rows, columns), count: values.count)
    }
    self.rows = rows
    self.columns = columns
    storage = values
  }

  /// A matrix from nested rows (for tests and hand-made examples); every row must have one length.
  public init(_ nestedRows: [[Scalar]]) {
    let width = nestedRows.first?.count ?? 0
    precondition(nestedRows.allSatisfy { $0.count == width }, "ragged rows")
    rows = nestedRows.count
    columns = width
    storage = nestedRows.flatMap { $0 }
  }

  /// The identity of size n.
  public static func identity(_ n: Int) -> Matrix {
    var matrix = Matrix(rows: n, columns: n)
    for i in 0..<n { matrix.storage[i * n + i] = 1 }
    return matrix
  }

  /// The shape.
  public var shape: Shape { Shape(rows, columns) }

  /// Element (row, column).
  @inlinable
  public subscript(row: Int, column: Int) -> Scalar {
    get { storage[row * columns + column] }
    set { storage[row * columns + column] = newValue }
  }

  /// Row `index` as an array.
  public func row(_ index: Int) -> [Scalar] {
    Array(storage[(index * columns)..<((index + 1) * columns)])
  }

  /// The transpose.
  public func transposed() -> Matrix {
    var result = Matrix(rows: columns, columns: rows)
    for i in 0..<rows {
      for j in 0..<columns { result.storage[j * rows + i] = storage[i * columns + j] }
    }
    return result
  }

  /// Changes the shape in place, keeping capacity; the contents are unspecified afterwards.
  ///
  /// Training loops resize their scratch matrices when the batch size changes instead of
  /// allocating new ones every step.
  public mutating func resize(rows newRows: Int, columns newColumns: Int) {
    let count = newRows * newColumns
    if storage.count != count {
      if storage.count > count {
        storage.removeLast(storage.count - count)
      } else {
        storage.append(contentsOf: repeatElement(0, count: count - storage.count))
      }
    }
    rows = newRows
    columns = newColumns
  }
}
