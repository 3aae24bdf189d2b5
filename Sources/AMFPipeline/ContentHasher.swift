import AMFCore
import Crypto
import Foundation

/// How the engine learns the content hash of an output file; the engine itself knows no format.
///
/// AMF plugs in the artifact hash (verified against `amf.content_sha256`, cached by file identity);
/// tests use `FileBytesHasher`.
public protocol ContentHasher: Sendable {
  /// The verified content hash of the file at `url`; throws when it is missing or corrupt.
  func contentHash(of url: URL) throws -> String
  /// Persists whatever cache the hasher keeps (called once at the end of a command).
  func save() throws
  /// Whether the file at `url` holds exactly the bytes `digest` describes. A hasher with a cache may answer
  /// from it for a file version (inode, size, mtime, ctime) it has verified before; the default reads it.
  func matches(_ url: URL, _ digest: OutputDigest) throws -> Bool
}

extension ContentHasher {
  public func matches(_ url: URL, _ digest: OutputDigest) throws -> Bool { try digest.matchesBytes(of: url) }
}

/// SHA-256 of a file's bytes: the hasher for formats without an internal hash.
public struct FileBytesHasher: ContentHasher {
  /// Creates the hasher.
  public init() {}

  public func contentHash(of url: URL) throws -> String {
    let data = try Data(contentsOf: url)
    return hexadecimal(SHA256.hash(data: data))
  }

  public func save() throws {}
}
