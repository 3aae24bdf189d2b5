import AMFCore
import Crypto
import Foundation

/// What a run wrote at one output: its size, the SHA-256 of its raw bytes and its content hash.
///
/// Kept in the run record (`<key>.run.json`). The store trusts a file at a key only while its bytes are
/// the ones that key's run wrote: a copy of another valid artifact over it (same kind or not), a
/// bit flip or a truncation changes the byte digest, so the file is stale for that run and is never
/// parsed by `status`, `verify` or `run` (issue #17, "data laundering").
public struct OutputDigest: Codable, Equatable, Sendable {
  /// The artifact's content hash (`amf.content_sha256`; what locks record).
  public var contentSHA256: String
  /// SHA-256 of the file's bytes.
  public var bytesSHA256: String
  /// The file's size in bytes.
  public var bytes: Int64

  enum CodingKeys: String, CodingKey {
    case bytes
    case contentSHA256 = "content_sha256"
    case bytesSHA256 = "bytes_sha256"
  }

  /// Creates a digest.
  public init(contentSHA256: String, bytesSHA256: String, bytes: Int64) {
    self.contentSHA256 = contentSHA256
    self.bytesSHA256 = bytesSHA256
    self.bytes = bytes
  }

  /// The digest of the file at `url` whose content hash is `contentSHA256`.
  public init(of url: URL, contentSHA256: String) throws {
    let (hash, size) = try Self.bytesHash(of: url)
    self.init(contentSHA256: contentSHA256, bytesSHA256: hash, bytes: size)
  }

  /// SHA-256 of the bytes of the file at `url`, read in 1 MiB blocks, and the number of bytes read.
  public static func bytesHash(of url: URL) throws -> (sha256: String, bytes: Int64) {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw FileSystemError.fromErrno(url.path, "open") }
    defer { close(descriptor) }
    var hasher = SHA256()
    var total: Int64 = 0
    let capacity = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count = read(descriptor, buffer.baseAddress, capacity)
      if count < 0 {
        if errno == EINTR { continue }
        throw FileSystemError.fromErrno(url.path, "read")
      }
      if count == 0 { break }
      hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
      total += Int64(count)
    }
    return (hexadecimal(hasher.finalize()), total)
  }

  /// Whether the file at `url` holds exactly the bytes this digest describes (reads the whole file unless
  /// its size already differs).
  public func matchesBytes(of url: URL) throws -> Bool {
    var info = stat()
    guard stat(url.path, &info) == 0 else { throw FileSystemError.fromErrno(url.path, "stat") }
    guard Int64(info.st_size) == bytes else { return false }
    return try Self.bytesHash(of: url).sha256 == bytesSHA256
  }
}
