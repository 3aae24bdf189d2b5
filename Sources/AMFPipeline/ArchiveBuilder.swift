import AMFCore
import Crypto
import Foundation

/// Builds a reproduction package: files staged under their archive paths, a `SHA256SUMS` list
/// (`sha256sum -c` format) and a gzip-compressed tar made by `/bin/tar`, written atomically.
public struct ArchiveBuilder: Sendable {
  /// One file (or folder, taken recursively) and where it goes in the archive.
  public struct Member: Hashable, Sendable {
    /// The file or folder on disk.
    public var source: URL
    /// Its relative path inside the archive, e.g. `store/ab/abcd….h5`.
    public var path: String

    /// A member `source` stored at `path`.
    public init(source: URL, path: String) {
      self.source = source
      self.path = path
    }
  }

  /// The name of the checksum list at the archive's root.
  public static let checksumFile = "SHA256SUMS"

  /// The members, in the order given.
  public let members: [Member]
  /// The tar executable.
  public let tar: URL

  /// A builder for `members`, using `tar` (default `/bin/tar`).
  public init(members: [Member], tar: URL = URL(fileURLWithPath: "/bin/tar")) {
    self.members = members
    self.tar = tar
  }

  /// Writes the archive to `output` (complete or not at all) and returns the archived paths, sorted,
  /// `SHA256SUMS` last.
  public func write(to output: URL) throws -> [String] {
    Self.removeStaleStaging(in: output.deletingLastPathComponent())
    let staging = output.deletingLastPathComponent()
      .appendingPathComponent(".\(output.lastPathComponent).staging.\(getpid())")
    try? FileManager.default.removeItem(at: staging)
    defer { try? FileManager.default.removeItem(at: staging) }
    var paths: [String] = []
    for member in members {
      for (file, path) in try Self.files(of: member) where !paths.contains(path) {
        try Self.stage(file, at: staging.appendingPathComponent(path))
        paths.append(path)
      }
    }
    paths.sort()
    var sums = ""
    for path in paths {
      sums += "\(try Self.sha256(of: staging.appendingPathComponent(path)))  \(path)\n"
    }
    try Data(sums.utf8).write(to: staging.appendingPathComponent(Self.checksumFile))
    let topLevel = Set((paths + [Self.checksumFile]).map { String($0.prefix { $0 != "/" }) }).sorted()
    try AtomicFile.write(to: output) { temporary in
      try runTar(["czf", temporary.path, "-C", staging.path] + topLevel)
    }
    return paths + [Self.checksumFile]
  }

  /// Removes the staging folders (`.<archive>.staging.<pid>`) in `folder` that `archive` runs killed
  /// before their cleanup left behind: those whose process no longer exists. Returns the names removed.
  @discardableResult
  public static func removeStaleStaging(in folder: URL) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var removed: [String] = []
    for name in names.sorted() where name.hasPrefix(".") {
      guard let range = name.range(of: ".staging.", options: .backwards),
        let pid = Int32(name[range.upperBound...]), pid > 0, pid != getpid()
      else { continue }
      // kill(pid, 0) fails with ESRCH only when no such process exists; EPERM means it runs as another user.
      guard kill(pid, 0) != 0, errno == ESRCH else { continue }
      if (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil { removed.append(name) }
    }
    return removed
  }

  /// The lowercase hex SHA-256 of a file's bytes, read in 1 MiB chunks.
  public static func sha256(of url: URL) throws -> String {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var hasher = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
    return hexadecimal(hasher.finalize())
  }

  private static func files(of member: Member) throws -> [(URL, String)] {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: member.source.path, isDirectory: &isFolder) else {
      throw PipelineError.archiveIncomplete(path: member.source.path, reason: "no such file")
    }
    guard isFolder.boolValue else { return [(member.source, member.path)] }
    var result: [(URL, String)] = []
    let walker = FileManager.default.enumerator(at: member.source, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = walker?.nextObject() as? URL {
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
      let relative = url.standardizedFileURL.path.dropFirst(member.source.standardizedFileURL.path.count + 1)
      result.append((url, "\(member.path)/\(relative)"))
    }
    return result.sorted { $0.1 < $1.1 }
  }

  /// Hard-links `file` into the staging folder (no copy of large artifacts), copying across file systems.
  private static func stage(_ file: URL, at destination: URL) throws {
    try FileManager.default.createDirectory(
      at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
    if link(file.path, destination.path) == 0 { return }
    try FileManager.default.copyItem(at: file, to: destination)
  }

  private func runTar(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = tar
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw PipelineError.toolFailed(tool: tar.path, status: -1, detail: "cannot start: \(error.localizedDescription)")
    }
    let detail = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw PipelineError.toolFailed(
        tool: tar.path, status: process.terminationStatus,
        detail: detail.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }
}
