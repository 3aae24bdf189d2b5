import AMFCore
import Crypto

/// The logical content hash of an artifact (ARTIFACTS.md, "Content hash").
///
/// SHA-256 over a framed byte stream, so two files hash alike exactly when they hold the same objects,
/// types, shapes and values, whatever HDF5 put where on disk:
///
///     stream  = str("amf-content-v1") ‖ object*          objects in sorted path order (UTF-8 bytes)
///     object  = "G" ‖ str(path) ‖ attr*                   a group ("/" is the root)
///             | "D" ‖ str(path) ‖ array                   a dataset
///     attr    = "A" ‖ str(name) ‖ array                   attributes in sorted name order
///     array   = str(type) ‖ u64(rank) ‖ u64(dim)* ‖ u64(byte count) ‖ bytes
///     bytes   = little-endian elements; strings as str(element) each
///     str(s)  = u64(UTF-8 length) ‖ UTF-8 bytes;  u64 = 8 bytes little-endian
///
/// The root attributes `amf.content_sha256` and `amf.project_version` are excluded. Groups are hashed
/// too (an empty group is content), which makes this a strict refinement of the spec's wording.
/// Attributes live on groups only: the layouts need no dataset attributes, and the reader ignores
/// any that a foreign file carries.
public enum ContentDigest {
  /// Root attributes that never enter the hash.
  public static let excludedRootAttributes: Set<String> = ["amf.content_sha256", "amf.project_version"]

  /// The lowercase hex SHA-256 of `root`'s logical content.
  public static func sha256(of root: ArtifactGroup) -> String {
    var hasher = SHA256()
    hasher.appendString("amf-content-v1")
    var objects: [(path: String, group: ArtifactGroup?, dataset: ArtifactArray?)] = []
    root.visit(prefix: "") { path, group in
      objects.append((path.isEmpty ? "/" : path, group, nil))
      for (name, array) in group.datasets { objects.append(("\(path)/\(name)", nil, array)) }
    }
    objects.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    for object in objects {
      if let dataset = object.dataset {
        hasher.update(data: [UInt8(ascii: "D")])
        hasher.appendString(object.path)
        hasher.appendArray(dataset)
      } else if let group = object.group {
        hasher.update(data: [UInt8(ascii: "G")])
        hasher.appendString(object.path)
        let excluded = object.path == "/" ? excludedRootAttributes : []
        let names = group.attributes.keys.filter { !excluded.contains($0) }
          .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
          guard let value = group.attributes[name] else { continue }
          hasher.update(data: [UInt8(ascii: "A")])
          hasher.appendString(name)
          hasher.appendArray(value)
        }
      }
    }
    return hexadecimal(hasher.finalize())
  }
}

private let isLittleEndianHost = UInt16(1).littleEndian == 1

extension SHA256 {
  fileprivate mutating func appendUInt64(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { update(bufferPointer: $0) }
  }

  fileprivate mutating func appendString(_ text: String) {
    let bytes = Array(text.utf8)
    appendUInt64(UInt64(bytes.count))
    update(data: bytes)
  }

  fileprivate mutating func appendArray(_ array: ArtifactArray) {
    appendString(array.elementType.rawValue)
    appendUInt64(UInt64(array.shape.count))
    for dimension in array.shape { appendUInt64(UInt64(dimension)) }
    switch array.elements {
    case .float32(let values):
      if isLittleEndianHost { appendRaw(values) } else { appendLittleEndian(values.map(\.bitPattern)) }
    case .float64(let values):
      if isLittleEndianHost { appendRaw(values) } else { appendLittleEndian(values.map(\.bitPattern)) }
    case .int32(let values): appendLittleEndian(values)
    case .int64(let values): appendLittleEndian(values)
    case .uint8(let values):
      appendUInt64(UInt64(values.count))
      update(data: values)
    case .string(let values):
      let byteCount = values.reduce(0) { $0 + 8 + $1.utf8.count }
      appendUInt64(UInt64(byteCount))
      for value in values { appendString(value) }
    }
  }

  /// Hashes the in-memory bytes of `values`: only valid on a little-endian host.
  fileprivate mutating func appendRaw<T>(_ values: [T]) {
    appendUInt64(UInt64(values.count * MemoryLayout<T>.size))
    values.withUnsafeBytes { update(bufferPointer: $0) }
  }

  fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ values: [T]) {
    appendUInt64(UInt64(values.count * MemoryLayout<T>.size))
    if T(1).littleEndian == T(1) {
      values.withUnsafeBytes { update(bufferPointer: $0) }
    } else {
      values.map(\.littleEndian).withUnsafeBytes { update(bufferPointer: $0) }
    }
  }
}
