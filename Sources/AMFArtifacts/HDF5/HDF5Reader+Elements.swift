import CHDF5
import Foundation

extension HDF5Reader {
  /// The largest expansion a compression filter is trusted with: declared bytes beyond
  /// `maximumCompressionRatio` × the bytes stored are a crafted or damaged shape, not data.
  static let maximumCompressionRatio = 1024

  /// Reads one dataset or attribute, given its file type, dataspace and a read call.
  ///
  /// Before allocating, checks that the declared shape's bytes (elements × element size, without overflow)
  /// fit `storedBytesLimit` plus 64 KiB (fill values of small unwritten datasets); a 10⁹ × 130 shape declared
  /// in a small file is refused, naming the object, rather than allocated.
  static func readArray(
    type typeID: hid_t, space spaceID: hid_t, object: String, file: String, storedBytesLimit: Int,
    read: (hid_t, UnsafeMutableRawPointer?) -> herr_t
  ) throws(ArtifactError) -> ArtifactArray {
    let shape = try shapeOf(spaceID, object: object, file: file)
    let size = H5Tget_size(typeID)
    var count = 1
    var overflow = false
    for dimension in shape {
      let (product, overflowed) = count.multipliedReportingOverflow(by: dimension)
      overflow = overflow || overflowed
      count = product
    }
    let bytes = count.multipliedReportingOverflow(by: max(size, 1))
    let slack = 64 * 1024
    if overflow || bytes.overflow || bytes.partialValue > storedBytesLimit.addingReportingOverflow(slack).partialValue {
      let shapeText = "[" + shape.map(String.init).joined(separator: ", ") + "]"
      throw ArtifactError.unreadable(
        file: file,
        detail: "\(object) declares shape \(shapeText) of \(size)-byte elements, more than the file stores "
          + "(\(storedBytesLimit) bytes); a damaged or crafted file")
    }
    func numeric<T>(_ memoryType: hid_t, _: T.Type) throws(ArtifactError) -> [T] {
      var status: herr_t = 0
      let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        status = count > 0 ? read(memoryType, UnsafeMutableRawPointer(buffer.baseAddress)) : 0
        initialized = status < 0 ? 0 : count
      }
      try HDF5Library.check(status, "read \(object)", file: file)
      return values
    }
    let elements: ArrayElements
    switch H5Tget_class(typeID) {
    case H5T_FLOAT where size == 4: elements = .float32(try numeric(amf_h5t_native_float(), Float.self))
    case H5T_FLOAT where size == 8: elements = .float64(try numeric(amf_h5t_native_double(), Double.self))
    case H5T_INTEGER where size == 4 && H5Tget_sign(typeID) == H5T_SGN_2:
      elements = .int32(try numeric(amf_h5t_native_int32(), Int32.self))
    case H5T_INTEGER where size == 8 && H5Tget_sign(typeID) == H5T_SGN_2:
      elements = .int64(try numeric(amf_h5t_native_int64(), Int64.self))
    case H5T_INTEGER where size == 1 && H5Tget_sign(typeID) == H5T_SGN_NONE:
      elements = .uint8(try numeric(amf_h5t_native_uint8(), UInt8.self))
    case H5T_ENUM where size == 1:
      // numpy booleans as h5py stores them (an int8 enum FALSE = 0, TRUE = 1; Minari's terminations):
      // read in the file's own enum type, whose values are the bytes 0 and 1.
      let nativeType = try HDF5Library.checked(H5Tget_native_type(typeID, H5T_DIR_ASCEND), "H5Tget_native_type", file: file)
      defer { H5Tclose(nativeType) }
      elements = .uint8(try numeric(nativeType, UInt8.self))
    case H5T_STRING:
      elements = .string(try readStrings(type: typeID, space: spaceID, count: count, object: object, file: file, read: read))
    default:
      throw ArtifactError.typeMismatch(
        file: file, object: object, expected: ElementType.allCases.map(\.rawValue).joined(separator: "|"),
        found: "an unsupported HDF5 type (class \(H5Tget_class(typeID).rawValue), \(size) bytes)")
    }
    return ArtifactArray(uncheckedShape: shape, elements: elements)
  }

  private static func shapeOf(_ spaceID: hid_t, object: String, file: String) throws(ArtifactError) -> [Int] {
    switch H5Sget_simple_extent_type(spaceID) {
    case H5S_SCALAR: return []
    case H5S_NULL: return [0]
    case H5S_SIMPLE:
      let rank = H5Sget_simple_extent_ndims(spaceID)
      if rank < 0 { try HDF5Library.check(-1, "H5Sget_simple_extent_ndims(\(object))", file: file) }
      guard rank <= 32 else { throw ArtifactError.unreadable(file: file, detail: "\(object) has rank \(rank) > 32") }
      var dimensions = [hsize_t](repeating: 0, count: Int(rank))
      _ = H5Sget_simple_extent_dims(spaceID, &dimensions, nil)
      guard dimensions.allSatisfy({ $0 <= hsize_t(Int.max) }) else {
        throw ArtifactError.unreadable(file: file, detail: "\(object) has a dimension beyond 2⁶³")
      }
      return dimensions.map { Int($0) }
    default:
      throw ArtifactError.unreadable(file: file, detail: "\(object) has an invalid dataspace")
    }
  }

  private static func readStrings(
    type typeID: hid_t, space spaceID: hid_t, count: Int, object: String, file: String,
    read: (hid_t, UnsafeMutableRawPointer?) -> herr_t
  ) throws(ArtifactError) -> [String] {
    guard count > 0 else { return [] }
    if H5Tis_variable_str(typeID) > 0 {
      let memoryType = try HDF5Library.variableStringType(file: file)
      defer { H5Tclose(memoryType) }
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      try HDF5Library.check(read(memoryType, &pointers), "read \(object)", file: file)
      let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
      _ = H5Dvlen_reclaim(memoryType, spaceID, amf_h5p_default(), &pointers)
      return strings
    }
    // Fixed-length strings (as h5py writes numpy bytes): NUL- or space-padded.
    let width = H5Tget_size(typeID)
    let memoryType = try HDF5Library.checked(H5Tcopy(amf_h5t_c_s1()), "H5Tcopy", file: file)
    defer { H5Tclose(memoryType) }
    try HDF5Library.check(H5Tset_size(memoryType, width), "H5Tset_size", file: file)
    // NULLPAD keeps every byte: C_S1's NULLTERM would turn a full-width string's last byte into the NUL
    // (h5py's `S6` array holding "demo_0" read back as "demo_").
    try HDF5Library.check(H5Tset_strpad(memoryType, H5T_STR_NULLPAD), "H5Tset_strpad", file: file)
    var bytes = [UInt8](repeating: 0, count: count * width)
    try HDF5Library.check(read(memoryType, &bytes), "read \(object)", file: file)
    return (0..<count).map { index in
      let slice = bytes[(index * width)..<((index + 1) * width)].prefix { $0 != 0 }
      return String(decoding: slice, as: UTF8.self)
    }
  }
}
