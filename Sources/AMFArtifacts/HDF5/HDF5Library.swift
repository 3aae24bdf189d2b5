import CHDF5
import Foundation

/// Process-wide access to the HDF5 C library.
///
/// Debian's HDF5 is the serial, non-thread-safe build, and Swift Testing and `TaskGroup`s call from
/// many threads: every HDF5 call in the package goes through `serialized`, which also turns off
/// HDF5's automatic error printing so that failures surface as typed errors instead of stderr noise.
enum HDF5Library {
  private static let lock = NSLock()
  /// Whether `H5dont_atexit` has been called (guarded by `lock`).
  nonisolated(unsafe) private static var teardownDisabled = false

  /// Runs `body` while holding the package's HDF5 lock.
  static func serialized<T>(_ body: () throws(ArtifactError) -> T) throws(ArtifactError) -> T {
    lock.lock()
    defer { lock.unlock() }
    if !teardownDisabled {
      // libhdf5's atexit handler closes files still open at exit; a file whose close failed (a full disk)
      // is closed again there and crashes it, outside any guard (issue #17). Every file amf opens is closed
      // on every path, and writes go to temporaries, so there is nothing for the handler to save.
      _ = H5dont_atexit()
      teardownDisabled = true
    }
    _ = H5Eset_auto2(amf_h5e_default(), nil, nil)
    return try body()
  }

  /// The messages of HDF5's current error stack, outermost call first, joined by "; ".
  static func errorStackDescription() -> String {
    final class Messages { var lines: [String] = [] }
    let messages = Messages()
    let pointer = Unmanaged.passUnretained(messages).toOpaque()
    _ = H5Ewalk2(amf_h5e_default(), H5E_WALK_DOWNWARD, { _, error, data in
      guard let error, let data else { return 0 }
      let box = Unmanaged<Messages>.fromOpaque(data).takeUnretainedValue()
      let function = error.pointee.func_name.map { String(cString: $0) } ?? "?"
      let text = error.pointee.desc.map { String(cString: $0) } ?? ""
      box.lines.append("\(function): \(text)")
      return 0
    }, pointer)
    _ = H5Eclear2(amf_h5e_default())
    return messages.lines.isEmpty ? "no HDF5 error message" : messages.lines.joined(separator: "; ")
  }

  /// Throws `.hdf5(file:call:detail:)` with the error stack when `status` is negative.
  static func check(_ status: herr_t, _ call: String, file: String) throws(ArtifactError) {
    if status < 0 { throw ArtifactError.hdf5(file: file, call: call, detail: errorStackDescription()) }
  }

  /// Returns `id`, or throws `.hdf5(file:call:detail:)` when it is negative (an invalid identifier).
  static func checked(_ id: hid_t, _ call: String, file: String) throws(ArtifactError) -> hid_t {
    if id < 0 { throw ArtifactError.hdf5(file: file, call: call, detail: errorStackDescription()) }
    return id
  }

  /// A new UTF-8 variable-length string type; the caller closes it.
  static func variableStringType(file: String) throws(ArtifactError) -> hid_t {
    let type = try checked(H5Tcopy(amf_h5t_c_s1()), "H5Tcopy", file: file)
    try check(H5Tset_size(type, amf_h5t_variable()), "H5Tset_size", file: file)
    try check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset", file: file)
    return type
  }

  /// A dataspace for `shape`: scalar for rank 0, simple otherwise; the caller closes it.
  static func dataspace(for shape: [Int], file: String) throws(ArtifactError) -> hid_t {
    if shape.isEmpty { return try checked(H5Screate(H5S_SCALAR), "H5Screate", file: file) }
    let dimensions = shape.map { hsize_t($0) }
    return try checked(H5Screate_simple(Int32(shape.count), dimensions, nil), "H5Screate_simple", file: file)
  }
}
