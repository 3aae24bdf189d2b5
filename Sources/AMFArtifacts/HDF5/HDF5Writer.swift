import CCrashGuard
import CHDF5
import Foundation

/// Writes an `ArtifactGroup` tree to a new HDF5 file so that equal trees give equal bytes.
///
/// Determinism: object timestamps are off on the file, every group and dataset; the format is pinned
/// to `[earliest, v18]` library-version bounds (readable by every HDF5 ≥ 1.8 and by h5py); objects and
/// attributes are written in sorted name order; datasets use contiguous layout and are written whole.
/// File types are little-endian IEEE floats, little-endian integers and UTF-8 variable-length strings.
enum HDF5Writer {
  /// Exit status of a process whose write crashed inside libhdf5 (EX_IOERR).
  static let crashStatus: Int32 = 74

  /// Creates `path` (which must not exist) and writes `root` into it.
  ///
  /// libhdf5 can crash after a failed write (on a full disk it logs ENOSPC, then dereferences a buffer it
  /// never got): a crash guard turns that into one line and exit 74. `path` is the temporary of an
  /// `AtomicFile` write, so nothing appears at the destination; the next `run` removes the temporary.
  static func write(_ root: ArtifactGroup, toNewFile path: String) throws(ArtifactError) {
    try HDF5Library.serialized { () throws(ArtifactError) in
      amf_crash_guard_install()
      amf_crash_guard_arm(
        "\(ProcessInfo.processInfo.processName): error: \(path): writing the HDF5 file failed inside libhdf5 "
          + "(is the disk full? see `df`); nothing was written at its destination\n", crashStatus)
      defer { amf_crash_guard_disarm() }
      let fcpl = try HDF5Library.checked(H5Pcreate(amf_h5p_file_create()), "H5Pcreate", file: path)
      defer { H5Pclose(fcpl) }
      try HDF5Library.check(H5Pset_obj_track_times(fcpl, false), "H5Pset_obj_track_times", file: path)
      let fapl = try HDF5Library.checked(H5Pcreate(amf_h5p_file_access()), "H5Pcreate", file: path)
      defer { H5Pclose(fapl) }
      try HDF5Library.check(
        H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), "H5Pset_libver_bounds", file: path)
      let fileID = try HDF5Library.checked(H5Fcreate(path, amf_h5f_acc_excl(), fcpl, fapl), "H5Fcreate", file: path)
      var writeError: ArtifactError?
      do throws(ArtifactError) {
        try writeGroup(root, into: fileID, file: path)
      } catch {
        writeError = error
      }
      let closeStatus = H5Fclose(fileID)
      if let writeError { throw writeError }
      try HDF5Library.check(closeStatus, "H5Fclose", file: path)
    }
  }

  private static func writeGroup(_ group: ArtifactGroup, into location: hid_t, file: String) throws(ArtifactError) {
    for name in group.attributes.keys.sorted() {
      if let value = group.attributes[name] { try writeAttribute(name, value, on: location, file: file) }
    }
    let names = (Array(group.groups.keys) + Array(group.datasets.keys)).sorted()
    for name in names {
      if let child = group.groups[name] {
        let gcpl = try HDF5Library.checked(H5Pcreate(amf_h5p_group_create()), "H5Pcreate", file: file)
        defer { H5Pclose(gcpl) }
        try HDF5Library.check(H5Pset_obj_track_times(gcpl, false), "H5Pset_obj_track_times", file: file)
        let groupID = try HDF5Library.checked(
          H5Gcreate2(location, name, amf_h5p_default(), gcpl, amf_h5p_default()), "H5Gcreate2(\(name))", file: file)
        defer { H5Gclose(groupID) }
        try writeGroup(child, into: groupID, file: file)
      } else if let dataset = group.datasets[name] {
        try writeDataset(name, dataset, in: location, file: file)
      }
    }
  }

  private static func writeDataset(_ name: String, _ array: ArtifactArray, in location: hid_t, file: String)
    throws(ArtifactError)
  {
    let space = try HDF5Library.dataspace(for: array.shape, file: file)
    defer { H5Sclose(space) }
    let dcpl = try HDF5Library.checked(H5Pcreate(amf_h5p_dataset_create()), "H5Pcreate", file: file)
    defer { H5Pclose(dcpl) }
    try HDF5Library.check(H5Pset_obj_track_times(dcpl, false), "H5Pset_obj_track_times", file: file)
    try withTypesAndBuffer(array, object: name, file: file) { (fileType, memoryType, buffer) throws(ArtifactError) in
      let datasetID = try HDF5Library.checked(
        H5Dcreate2(location, name, fileType, space, amf_h5p_default(), dcpl, amf_h5p_default()),
        "H5Dcreate2(\(name))", file: file)
      defer { H5Dclose(datasetID) }
      if array.elements.count > 0 {
        try HDF5Library.check(
          H5Dwrite(datasetID, memoryType, amf_h5s_all(), amf_h5s_all(), amf_h5p_default(), buffer),
          "H5Dwrite(\(name))", file: file)
      }
    }
  }

  private static func writeAttribute(_ name: String, _ array: ArtifactArray, on location: hid_t, file: String)
    throws(ArtifactError)
  {
    let space = try HDF5Library.dataspace(for: array.shape, file: file)
    defer { H5Sclose(space) }
    try withTypesAndBuffer(array, object: name, file: file) { (fileType, memoryType, buffer) throws(ArtifactError) in
      let attributeID = try HDF5Library.checked(
        H5Acreate2(location, name, fileType, space, amf_h5p_default(), amf_h5p_default()),
        "H5Acreate2(\(name))", file: file)
      defer { H5Aclose(attributeID) }
      if array.elements.count > 0 {
        try HDF5Library.check(H5Awrite(attributeID, memoryType, buffer), "H5Awrite(\(name))", file: file)
      }
    }
  }

  /// Calls `body` with the file type, the memory type and a pointer to the elements.
  private static func withTypesAndBuffer(
    _ array: ArtifactArray, object: String, file: String,
    _ body: (hid_t, hid_t, UnsafeRawPointer?) throws(ArtifactError) -> Void
  ) throws(ArtifactError) {
    func run<T>(_ values: [T], _ fileType: hid_t, _ memoryType: hid_t) throws(ArtifactError) {
      var failure: ArtifactError?
      values.withUnsafeBytes { raw in
        do throws(ArtifactError) { try body(fileType, memoryType, raw.baseAddress) } catch { failure = error }
      }
      if let failure { throw failure }
    }
    switch array.elements {
    case .float32(let values): try run(values, amf_h5t_ieee_f32le(), amf_h5t_native_float())
    case .float64(let values): try run(values, amf_h5t_ieee_f64le(), amf_h5t_native_double())
    case .int32(let values): try run(values, amf_h5t_std_i32le(), amf_h5t_native_int32())
    case .int64(let values): try run(values, amf_h5t_std_i64le(), amf_h5t_native_int64())
    case .uint8(let values): try run(values, amf_h5t_std_u8le(), amf_h5t_native_uint8())
    case .string(let values):
      if values.contains(where: { $0.utf8.contains(0) }) {
        throw ArtifactError.invalidValue(file: file, object: object, reason: "strings may not contain NUL bytes")
      }
      let stringType = try HDF5Library.variableStringType(file: file)
      defer { H5Tclose(stringType) }
      let pointers: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
      defer { pointers.forEach { free($0) } }
      try run(pointers, stringType, stringType)
    }
  }
}
