import Foundation

/// The largest sizes and counts the engine accepts from a manifest, plan or lock file, each checked before
/// any work starts, so that a typo or a hostile file ends in one line instead of a hang, a memory blow-up
/// or a trap (issue #17). The table with the reasons is in docs/stages.md, "Limits".
public enum InputLimits {
  /// The largest manifest file: the biggest committed one is under 4 KiB.
  public static let manifestBytes = 1 << 20
  /// The most YAML nodes one manifest file may expand to, aliases counted once per use (an alias bomb of
  /// 10 levels × 9 aliases is 9¹⁰ nodes).
  public static let manifestNodes = 100_000
  /// The largest lock or plan file: a lock entry is about 1.5 KiB, so `stageRuns` runs take about 150 MiB.
  public static let lockBytes = 256 << 20
  /// The most stage runs one manifest (arm or study) may expand to: 50 times the largest committed study.
  public static let stageRuns = 100_000
  /// The largest run seed a lock can hold: seeds pass through a JSON number (a `Double`), which holds
  /// every integer exactly only up to 2^53.
  public static let maxSeed: UInt64 = 1 << 53
  /// The largest stage version (`stage_version`) a lock may name.
  public static let maxStageVersion = Int(Int32.max)
  /// The deepest nesting of JSON arrays and objects read (a lock nests 4 levels below its params).
  public static let jsonDepth = 512

  /// Why a file was refused before (or while) it was read.
  public enum FileRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// A FIFO, device, socket or folder (`type` says which).
    case notRegular(type: String)
    /// More than `limit` bytes (`bytes`: its size; `what`: the file's role, e.g. `a manifest`).
    case tooLarge(bytes: Int64, limit: Int, what: String)
    /// The file cannot be opened or read.
    case cannotRead(reason: String)

    public var description: String {
      switch self {
      case .notRegular(let type): "not a regular file (\(type))"
      case .tooLarge(let bytes, let limit, let what):
        "\(bytes) bytes is more than \(what) may have (\(InputLimits.describe(bytes: limit))), a limit that keeps "
          + "a wrong or runaway file from exhausting memory; check that this is the right file"
      case .cannotRead(let reason): reason
      }
    }
  }

  /// The bytes of the regular file at `url`, refusing FIFOs, devices, sockets and folders before reading
  /// (a FIFO would block, `/dev/zero` never ends) and files over `limit` bytes (`what` names the file's
  /// role in the message, e.g. `a manifest`).
  public static func readRegularFile(_ url: URL, limit: Int, what: String) throws(FileRefusal) -> Data {
    var status = stat()
    guard stat(url.path, &status) == 0 else { throw .cannotRead(reason: String(cString: strerror(errno))) }
    if let type = nonRegularType(status.st_mode) { throw .notRegular(type: type) }
    guard Int64(status.st_size) <= Int64(limit) else {
      throw .tooLarge(bytes: Int64(status.st_size), limit: limit, what: what)
    }
    do {
      let handle = try FileHandle(forReadingFrom: url)
      defer { try? handle.close() }
      // Read through the open file with the limit again: it may have grown since `stat`.
      let data = try handle.read(upToCount: limit + 1) ?? Data()
      guard data.count <= limit else { throw FileRefusal.tooLarge(bytes: Int64(data.count), limit: limit, what: what) }
      return data
    } catch let refusal as FileRefusal {
      throw refusal
    } catch {
      throw .cannotRead(reason: error.localizedDescription)
    }
  }

  /// The kind of a non-regular file (`a FIFO`, `a character device`, …), nil for a regular file.
  static func nonRegularType(_ mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: nil
    case S_IFIFO: "a FIFO"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFDIR: "a folder"
    case S_IFSOCK: "a socket"
    default: "not a file"
    }
  }

  /// `1 MiB`, `256 MiB`, or a byte count.
  public static func describe(bytes: Int) -> String {
    bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
  }
}
