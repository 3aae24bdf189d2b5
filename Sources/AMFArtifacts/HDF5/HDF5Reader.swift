import CCrashGuard
import CHDF5
import Foundation

/// Reads a whole HDF5 file into an `ArtifactGroup` tree.
///
/// Reads what this package writes and what h5py writes with the same types: IEEE float32/float64,
/// int32, int64, uint8 (any byte order), one-byte enums (h5py's booleans, read as uint8 0/1), and variable-
/// or fixed-length strings. Any other type, a
/// named datatype or a dangling link is an error naming the object. Attributes are read on groups
/// only; a foreign file's dataset attributes are ignored (the artifact model has none).
enum HDF5Reader {
  /// The signature every HDF5 superblock starts with.
  static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

  /// Reads `path`, mapping a missing, non-HDF5, truncated or damaged file to its error.
  ///
  /// libhdf5 trusts the structures it parses: a crafted or bit-flipped file can make it read out of
  /// bounds. While it parses, a crash guard is armed that turns such a crash into one line naming the file
  /// and exit status 65 (`HDF5Reader.crashMessage`), never death by a signal. Every dataset and attribute
  /// is checked against the file's size before anything is allocated for it (`declaredBytesLimit`).
  static func read(_ path: String) throws(ArtifactError) -> ArtifactGroup {
    guard FileManager.default.fileExists(atPath: path) else { throw ArtifactError.missing(file: path) }
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      throw ArtifactError.io(file: path, operation: "open", reason: "not a regular file; pass an artifact file")
    }
    let fileSize = Int(info.st_size)
    return try HDF5Library.serialized { () throws(ArtifactError) in
      amf_crash_guard_install()
      amf_crash_guard_arm(crashMessage(path), 65)
      defer { amf_crash_guard_disarm() }
      let isHDF5 = H5Fis_hdf5(path)
      if isHDF5 == 0 { throw ArtifactError.notHDF5(file: path) }
      if isHDF5 < 0 {
        throw ArtifactError.unreadable(file: path, detail: HDF5Library.errorStackDescription())
      }
      // No file lock: artifacts are immutable once renamed into place, and a child process spawned while this
      // process was writing the file inherits the writer's descriptor and its flock (HDF5 opens files without
      // O_CLOEXEC), which would otherwise make this read fail with EWOULDBLOCK until that child exits.
      let fapl = try HDF5Library.checked(H5Pcreate(amf_h5p_file_access()), "H5Pcreate", file: path)
      defer { H5Pclose(fapl) }
      try HDF5Library.check(H5Pset_file_locking(fapl, false, true), "H5Pset_file_locking", file: path)
      let fileID = H5Fopen(path, amf_h5f_acc_rdonly(), fapl)
      if fileID < 0 {
        let detail = HDF5Library.errorStackDescription()
        if detail.contains("truncated file") { throw ArtifactError.truncated(file: path, detail: detail) }
        throw ArtifactError.unreadable(file: path, detail: detail)
      }
      defer { H5Fclose(fileID) }
      do throws(ArtifactError) {
        return try readGroup(fileID, path: "/", file: path, fileSize: fileSize)
      } catch {
        // A file whose superblock opens but whose objects do not is damaged, not merely mistyped.
        if case .hdf5(_, let call, let detail) = error {
          throw ArtifactError.unreadable(file: path, detail: "\(call): \(detail)")
        }
        throw error
      }
    }
  }

  /// The line printed, and the process ended with status 65, if libhdf5 crashes while parsing `path`.
  static func crashMessage(_ path: String) -> String {
    "\(ProcessInfo.processInfo.processName): error: \(path): damaged HDF5 file (libhdf5 crashed parsing it); "
      + "delete it and rerun the stage that produced it\n"
  }

  /// Groups nest at most this deep: a crafted file can link a group into itself.
  static let maximumDepth = 64

  private static func readGroup(_ location: hid_t, path: String, file: String, fileSize: Int, depth: Int = 0)
    throws(ArtifactError) -> ArtifactGroup
  {
    guard depth <= maximumDepth else {
      throw ArtifactError.unreadable(file: file, detail: "\(path) nests groups deeper than \(maximumDepth) levels")
    }
    var group = ArtifactGroup()
    group.attributes = try readAttributes(of: location, path: path, file: file, fileSize: fileSize)
    var info = H5G_info_t()
    try HDF5Library.check(H5Gget_info(location, &info), "H5Gget_info(\(path))", file: file)
    for index in 0..<info.nlinks {
      let name = try linkName(location, index: index, file: file)
      let childPath = path == "/" ? "/\(name)" : "\(path)/\(name)"
      let objectID = try HDF5Library.checked(
        H5Oopen(location, name, amf_h5p_default()), "H5Oopen(\(childPath))", file: file)
      defer { H5Oclose(objectID) }
      switch H5Iget_type(objectID) {
      case H5I_GROUP:
        group.groups[name] = try readGroup(objectID, path: childPath, file: file, fileSize: fileSize, depth: depth + 1)
      case H5I_DATASET:
        group.datasets[name] = try readDataset(objectID, path: childPath, file: file, fileSize: fileSize)
      default:
        throw ArtifactError.typeMismatch(
          file: file, object: childPath, expected: "group or dataset", found: "another HDF5 object")
      }
    }
    return group
  }

  private static func linkName(_ location: hid_t, index: hsize_t, file: String) throws(ArtifactError) -> String {
    let length = H5Lget_name_by_idx(location, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, amf_h5p_default())
    if length < 0 { try HDF5Library.check(-1, "H5Lget_name_by_idx", file: file) }
    var buffer = [CChar](repeating: 0, count: Int(length) + 1)
    _ = H5Lget_name_by_idx(location, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, amf_h5p_default())
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private static func readAttributes(of location: hid_t, path: String, file: String, fileSize: Int)
    throws(ArtifactError) -> [String: ArtifactArray]
  {
    var info = H5O_info_t()
    try HDF5Library.check(H5Oget_info2(location, &info, UInt32(H5O_INFO_NUM_ATTRS)), "H5Oget_info2", file: file)
    var attributes: [String: ArtifactArray] = [:]
    for index in 0..<info.num_attrs {
      let attributeID = try HDF5Library.checked(
        H5Aopen_by_idx(location, ".", H5_INDEX_NAME, H5_ITER_INC, index, amf_h5p_default(), amf_h5p_default()),
        "H5Aopen_by_idx(\(path))", file: file)
      defer { H5Aclose(attributeID) }
      let length = H5Aget_name(attributeID, 0, nil)
      var buffer = [CChar](repeating: 0, count: Int(max(length, 0)) + 1)
      _ = H5Aget_name(attributeID, buffer.count, &buffer)
      let name = String(decoding: buffer.prefix(Int(max(length, 0))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let typeID = try HDF5Library.checked(H5Aget_type(attributeID), "H5Aget_type", file: file)
      defer { H5Tclose(typeID) }
      let spaceID = try HDF5Library.checked(H5Aget_space(attributeID), "H5Aget_space", file: file)
      defer { H5Sclose(spaceID) }
      // Attributes are stored uncompressed in the object header: they cannot hold more than the file.
      attributes[name] = try readArray(
        type: typeID, space: spaceID, object: "\(path)@\(name)", file: file, storedBytesLimit: fileSize
      ) { memoryType, buffer in H5Aread(attributeID, memoryType, buffer) }
    }
    return attributes
  }

  private static func readDataset(_ datasetID: hid_t, path: String, file: String, fileSize: Int)
    throws(ArtifactError) -> ArtifactArray
  {
    let typeID = try HDF5Library.checked(H5Dget_type(datasetID), "H5Dget_type", file: file)
    defer { H5Tclose(typeID) }
    let spaceID = try HDF5Library.checked(H5Dget_space(datasetID), "H5Dget_space", file: file)
    defer { H5Sclose(spaceID) }
    // A dataset's data is at most what is allocated for it in the file (less than the file), times what a
    // compression filter can expand (h5py files may be compressed; amf writes none).
    let stored = min(Int(clamping: H5Dget_storage_size(datasetID)), fileSize)
    let limit = stored.multipliedReportingOverflow(by: maximumCompressionRatio)
    return try readArray(
      type: typeID, space: spaceID, object: path, file: file, storedBytesLimit: limit.overflow ? Int.max : limit.partialValue
    ) { memoryType, buffer in
      H5Dread(datasetID, memoryType, amf_h5s_all(), amf_h5s_all(), amf_h5p_default(), buffer)
    }
  }
}
