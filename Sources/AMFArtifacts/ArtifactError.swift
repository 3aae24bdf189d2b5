/// Everything that can go wrong reading or writing an artifact, each case naming the file, the object
/// and what to do about it.
public enum ArtifactError: Error, Hashable, Sendable, CustomStringConvertible {
  /// No file at the path.
  case missing(file: String)
  /// The file exists but does not start with the HDF5 signature.
  case notHDF5(file: String)
  /// The file is shorter than its HDF5 superblock says (an interrupted copy or write).
  case truncated(file: String, detail: String)
  /// HDF5 could not read the file's structure.
  case unreadable(file: String, detail: String)
  /// The recomputed content hash differs from the stored one.
  case corrupt(file: String, expected: String, found: String)
  /// The artifact is of another kind than the reader needs.
  case wrongKind(file: String, expected: String, found: String)
  /// The artifact was written by a newer schema than this build reads.
  case newerSchema(file: String, kind: String, found: Int, supported: Int)
  /// A required group, dataset or attribute is absent.
  case missingObject(file: String, object: String)
  /// An object has another element type than the schema says.
  case typeMismatch(file: String, object: String, expected: String, found: String)
  /// An object has another shape than the schema says.
  case shapeMismatch(file: String, object: String, expected: String, found: String)
  /// A value is present and well-typed but not allowed (e.g. a string with a NUL byte, a negative seed).
  case invalidValue(file: String, object: String, reason: String)
  /// An HDF5 library call failed.
  case hdf5(file: String, call: String, detail: String)
  /// A file-system operation failed.
  case io(file: String, operation: String, reason: String)

  public var description: String {
    switch self {
    case .missing(let file):
      "\(file): no such file; check the path, or run the stage that produces it"
    case .notHDF5(let file):
      "\(file): not an HDF5 file (no HDF5 signature); pass an artifact written by an amf stage"
    case .truncated(let file, let detail):
      "\(file): truncated HDF5 file (\(detail)); the write or copy was interrupted: delete it and rerun the stage"
    case .unreadable(let file, let detail):
      "\(file): damaged HDF5 file (\(detail)); delete it and rerun the stage that produced it"
    case .corrupt(let file, let expected, let found):
      "artifact corrupt: \(file): content hash expected \(expected), found \(found); "
        + "delete it and rerun the stage that produced it"
    case .wrongKind(let file, let expected, let found):
      "\(file): amf.kind is '\(found)' but a '\(expected)' artifact is needed here; check which file was passed"
    case .newerSchema(let file, let kind, let found, let supported):
      "\(file): amf.schema_version \(found) of '\(kind)' is newer than this build reads (≤ \(supported)); "
        + "update amf or regenerate the artifact with this version"
    case .missingObject(let file, let object):
      "\(file): missing \(object); the artifact does not follow its schema (ARTIFACTS.md): regenerate it"
    case .typeMismatch(let file, let object, let expected, let found):
      "\(file): \(object) has type \(found), expected \(expected); regenerate the artifact"
    case .shapeMismatch(let file, let object, let expected, let found):
      "\(file): \(object) has shape \(found), expected \(expected); check the inputs fit together"
    case .invalidValue(let file, let object, let reason):
      "\(file): \(object): \(reason)"
    case .hdf5(let file, let call, let detail):
      "\(file): HDF5 call \(call) failed: \(detail)"
    case .io(let file, let operation, let reason):
      "\(file): \(operation) failed: \(reason)"
    }
  }

  /// The same error with an empty `file` replaced by `file`.
  public func inFile(_ file: String) -> ArtifactError {
    func pick(_ old: String) -> String { old.isEmpty ? file : old }
    switch self {
    case .missing(let f): return .missing(file: pick(f))
    case .notHDF5(let f): return .notHDF5(file: pick(f))
    case .truncated(let f, let d): return .truncated(file: pick(f), detail: d)
    case .unreadable(let f, let d): return .unreadable(file: pick(f), detail: d)
    case .corrupt(let f, let e, let n): return .corrupt(file: pick(f), expected: e, found: n)
    case .wrongKind(let f, let e, let n): return .wrongKind(file: pick(f), expected: e, found: n)
    case .newerSchema(let f, let k, let n, let s): return .newerSchema(file: pick(f), kind: k, found: n, supported: s)
    case .missingObject(let f, let o): return .missingObject(file: pick(f), object: o)
    case .typeMismatch(let f, let o, let e, let n): return .typeMismatch(file: pick(f), object: o, expected: e, found: n)
    case .shapeMismatch(let f, let o, let e, let n): return .shapeMismatch(file: pick(f), object: o, expected: e, found: n)
    case .invalidValue(let f, let o, let r): return .invalidValue(file: pick(f), object: o, reason: r)
    case .hdf5(let f, let c, let d): return .hdf5(file: pick(f), call: c, detail: d)
    case .io(let f, let o, let r): return .io(file: pick(f), operation: o, reason: r)
    }
  }
}
