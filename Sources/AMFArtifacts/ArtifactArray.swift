/// The element types an artifact may store (ARTIFACTS.md): the names are the ones hashed and shown.
public enum ElementType: String, CaseIterable, Sendable, Codable {
  case float32, float64, int32, int64, uint8, string
}

/// The typed elements of a dataset or attribute, in row-major (C) order.
public enum ArrayElements: Sendable {
  case float32([Float])
  case float64([Double])
  case int32([Int32])
  case int64([Int64])
  case uint8([UInt8])
  case string([String])

  /// The element type.
  public var elementType: ElementType {
    switch self {
    case .float32: .float32
    case .float64: .float64
    case .int32: .int32
    case .int64: .int64
    case .uint8: .uint8
    case .string: .string
    }
  }

  /// The number of elements.
  public var count: Int {
    switch self {
    case .float32(let values): values.count
    case .float64(let values): values.count
    case .int32(let values): values.count
    case .int64(let values): values.count
    case .uint8(let values): values.count
    case .string(let values): values.count
    }
  }
}

extension ArrayElements: Equatable {
  /// Bitwise equality for floats (so NaN payloads and signed zeros round-trip exactly), value
  /// equality otherwise.
  public static func == (lhs: ArrayElements, rhs: ArrayElements) -> Bool {
    switch (lhs, rhs) {
    case (.float32(let a), .float32(let b)): a.map(\.bitPattern) == b.map(\.bitPattern)
    case (.float64(let a), .float64(let b)): a.map(\.bitPattern) == b.map(\.bitPattern)
    case (.int32(let a), .int32(let b)): a == b
    case (.int64(let a), .int64(let b)): a == b
    case (.uint8(let a), .uint8(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    default: false
    }
  }
}

/// An n-dimensional array with its shape: the value of one HDF5 dataset or attribute.
///
/// Shapes: `shape == []` is a scalar (one element); any dimension may be 0 (an empty array).
public struct ArtifactArray: Equatable, Sendable {
  /// The dimensions, outermost first.
  public let shape: [Int]
  /// The elements in row-major order; `elements.count == shape.reduce(1, *)`.
  public let elements: ArrayElements

  /// Creates an array; the element count must match the shape.
  public init(shape: [Int], elements: ArrayElements) throws(ArtifactError) {
    let expected = shape.reduce(1, *)
    guard shape.allSatisfy({ $0 >= 0 }), expected == elements.count else {
      throw ArtifactError.shapeMismatch(
        file: "", object: "", expected: "\(elements.count) elements", found: Self.describe(shape))
    }
    self.shape = shape
    self.elements = elements
  }

  /// Creates an array whose shape the caller has already checked.
  init(uncheckedShape shape: [Int], elements: ArrayElements) {
    precondition(shape.reduce(1, *) == elements.count, "shape \(shape) does not hold \(elements.count) elements")
    self.shape = shape
    self.elements = elements
  }

  /// The element type.
  public var elementType: ElementType { elements.elementType }

  /// `"3×4"`, or `"scalar"` for rank 0.
  public var shapeDescription: String { Self.describe(shape) }

  static func describe(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
  }
}

extension ArtifactArray {
  /// A one-dimensional float32 array.
  public static func vector(_ values: [Float]) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [values.count], elements: .float32(values))
  }
  /// A one-dimensional float64 array.
  public static func vector(_ values: [Double]) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [values.count], elements: .float64(values))
  }
  /// A one-dimensional int32 array.
  public static func vector(_ values: [Int32]) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [values.count], elements: .int32(values))
  }
  /// A one-dimensional int64 array.
  public static func vector(_ values: [Int64]) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [values.count], elements: .int64(values))
  }
  /// A one-dimensional uint8 array.
  public static func vector(_ values: [UInt8]) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [values.count], elements: .uint8(values))
  }
  /// A one-dimensional string array.
  public static func vector(_ values: [String]) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [values.count], elements: .string(values))
  }
  /// A row-major float32 matrix. Shapes: `values.count == rows · columns`.
  public static func matrix(_ values: [Float], rows: Int, columns: Int) throws(ArtifactError) -> ArtifactArray {
    try ArtifactArray(shape: [rows, columns], elements: .float32(values))
  }
  /// A row-major float64 matrix. Shapes: `values.count == rows · columns`.
  public static func matrix(_ values: [Double], rows: Int, columns: Int) throws(ArtifactError) -> ArtifactArray {
    try ArtifactArray(shape: [rows, columns], elements: .float64(values))
  }
  /// A scalar string.
  public static func scalar(_ value: String) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [], elements: .string([value]))
  }
  /// A scalar int64.
  public static func scalar(_ value: Int64) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [], elements: .int64([value]))
  }
  /// A scalar int32.
  public static func scalar(_ value: Int32) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [], elements: .int32([value]))
  }
  /// A scalar float64.
  public static func scalar(_ value: Double) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [], elements: .float64([value]))
  }
  /// A scalar float32.
  public static func scalar(_ value: Float) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [], elements: .float32([value]))
  }
  /// A scalar uint8 (HDF5 has no boolean; `true` is 1).
  public static func scalar(_ value: Bool) -> ArtifactArray {
    ArtifactArray(uncheckedShape: [], elements: .uint8([value ? 1 : 0]))
  }
}
