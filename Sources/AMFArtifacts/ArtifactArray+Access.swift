/// Typed, shape-checked access to an array read from a file, so schema readers fail with a message
/// naming the object instead of crashing on a wrong shape.
extension ArtifactArray {
  /// Throws unless the rank matches and every non-nil entry of `expected` equals the dimension.
  ///
  /// `expected` uses nil for a free dimension: `[nil, 4]` is "N×4".
  public func checkShape(_ expected: [Int?], object: String) throws(ArtifactError) {
    let matches =
      expected.count == shape.count && zip(expected, shape).allSatisfy { want, have in want.map { $0 == have } ?? true }
    guard matches else {
      let text = expected.isEmpty ? "scalar" : expected.map { $0.map(String.init) ?? "N" }.joined(separator: "×")
      throw ArtifactError.shapeMismatch(file: "", object: object, expected: text, found: shapeDescription)
    }
  }

  private func mismatch(_ expected: ElementType, _ object: String) -> ArtifactError {
    .typeMismatch(file: "", object: object, expected: expected.rawValue, found: elementType.rawValue)
  }

  /// The float32 elements; throws on another type.
  public func float32Values(object: String) throws(ArtifactError) -> [Float] {
    guard case .float32(let values) = elements else { throw mismatch(.float32, object) }
    return values
  }
  /// The float64 elements; throws on another type.
  public func float64Values(object: String) throws(ArtifactError) -> [Double] {
    guard case .float64(let values) = elements else { throw mismatch(.float64, object) }
    return values
  }
  /// The int32 elements; throws on another type.
  public func int32Values(object: String) throws(ArtifactError) -> [Int32] {
    guard case .int32(let values) = elements else { throw mismatch(.int32, object) }
    return values
  }
  /// The int64 elements; throws on another type.
  public func int64Values(object: String) throws(ArtifactError) -> [Int64] {
    guard case .int64(let values) = elements else { throw mismatch(.int64, object) }
    return values
  }
  /// The uint8 elements; throws on another type.
  public func uint8Values(object: String) throws(ArtifactError) -> [UInt8] {
    guard case .uint8(let values) = elements else { throw mismatch(.uint8, object) }
    return values
  }
  /// The string elements; throws on another type.
  public func stringValues(object: String) throws(ArtifactError) -> [String] {
    guard case .string(let values) = elements else { throw mismatch(.string, object) }
    return values
  }

  /// The single string of a scalar string attribute.
  public func scalarString(object: String) throws(ArtifactError) -> String {
    try checkShape([], object: object)
    return try stringValues(object: object)[0]
  }
  /// The single integer of a scalar int64 or int32 attribute.
  public func scalarInteger(object: String) throws(ArtifactError) -> Int64 {
    try checkShape([], object: object)
    switch elements {
    case .int64(let values): return values[0]
    case .int32(let values): return Int64(values[0])
    default: throw mismatch(.int64, object)
    }
  }
}
