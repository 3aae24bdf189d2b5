import AMFCore
import Foundation

/// What the store keeps about one execution of a key: `<key>.run.json` (PIPELINE.md §3).
public struct RunRecord: Codable, Equatable, Sendable {
  public var key: String
  public var name: String
  public var kind: String
  /// `succeeded` or `failed`.
  public var status: RunStatus
  public var exitCode: Int32
  public var started: String
  public var seconds: Double
  public var host: String
  public var executable: String
  public var executableSHA256: String
  public var projectVersion: String
  public var log: String
  /// Output role → what the run wrote there (absent in records of amf before issue #17: such outputs are
  /// checked by their content hash alone).
  public var outputs: [String: OutputDigest]?

  enum CodingKeys: String, CodingKey {
    case key, name, kind, status, started, seconds, host, executable, log, outputs
    case exitCode = "exit_code"
    case executableSHA256 = "executable_sha256"
    case projectVersion = "project_version"
  }

  /// The record at `url`, or nil when there is none or it does not parse (a record is only ever written
  /// whole, by rename; a damaged one means the run must be redone).
  public static func read(_ url: URL) -> RunRecord? {
    guard let data = try? Data(contentsOf: url), data.count <= 1 << 20 else { return nil }
    return try? JSONDecoder().decode(RunRecord.self, from: data)
  }

  /// What verifying a key's outputs needs from its record: the key, whether the run succeeded, and the
  /// output digests (nil for a record written before issue #17). Parsed without `JSONDecoder`, which made a
  /// no-op `status` of 1 264 runs twice as slow. Nil when the record is missing or damaged.
  public struct Verification: Equatable, Sendable {
    public var key: String
    public var succeeded: Bool
    public var outputs: [String: OutputDigest]?
  }

  /// The verification fields of the record at `url`.
  public static func verification(at url: URL) -> Verification? {
    guard let data = try? Data(contentsOf: url), data.count <= 1 << 20,
      case .object(let root)? = try? JSONValue.parse(data),
      case .string(let key)? = root["key"], case .string(let status)? = root["status"]
    else { return nil }
    var verification = Verification(key: key, succeeded: RunStatus(rawValue: status) == .succeeded, outputs: nil)
    guard let outputs = root["outputs"] else { return verification }
    guard case .object(let roles) = outputs else { return nil }
    var digests: [String: OutputDigest] = [:]
    for (role, value) in roles {
      guard case .object(let fields) = value, case .string(let content)? = fields["content_sha256"],
        case .string(let bytesHash)? = fields["bytes_sha256"], case .number(let size)? = fields["bytes"],
        size >= 0, size <= 9.0e15, size == size.rounded()
      else { return nil }
      digests[role] = OutputDigest(contentSHA256: content, bytesSHA256: bytesHash, bytes: Int64(size))
    }
    verification.outputs = digests
    return verification
  }

  /// Writes the record atomically; with `durable: false` without fsync (the caller syncs the batch).
  public func write(to url: URL, durable: Bool = true) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    let data = try encoder.encode(self)
    try AtomicFile.write(data, to: url, durable: durable)
  }
}

/// Facts about the orchestrator that go into every run record.
public struct RunContext: Sendable {
  /// The stage executable's path.
  public var executable: String
  /// SHA-256 of the stage executable's bytes, computed on first use (hashing a 25 MB binary costs
  /// ~0.1 s, which a no-op `run` should not pay).
  public var executableSHA256: String { digest.value }
  private let digest: LazyString
  /// Package version and commit.
  public var projectVersion: String
  /// This machine's name.
  public var host: String

  /// Creates a context.
  public init(executable: String, executableSHA256: String, projectVersion: String, host: String) {
    self.init(executable: executable, projectVersion: projectVersion, host: host) { executableSHA256 }
  }

  /// The context of stages run by `executable` on this host, its digest hashed on first need unless
  /// `knownSHA256` gives it.
  public init(executable: URL, knownSHA256: String? = nil) {
    self.init(executable: executable.path, projectVersion: ProjectVersion.description,
              host: ProcessInfo.processInfo.hostName) {
      knownSHA256 ?? ((try? FileBytesHasher().contentHash(of: executable)) ?? "unknown")
    }
  }

  /// Creates a context whose executable digest is computed by `digest` when a run record first needs it.
  public init(executable: String, projectVersion: String, host: String,
              digest: @escaping @Sendable () -> String) {
    self.executable = executable
    self.digest = LazyString(digest)
    self.projectVersion = projectVersion
    self.host = host
  }
}

/// A string computed once, on first access, thread-safely.
final class LazyString: @unchecked Sendable {
  private let lock = NSLock()
  private var cached: String?
  private let compute: @Sendable () -> String

  init(_ compute: @escaping @Sendable () -> String) { self.compute = compute }

  var value: String {
    lock.withLock {
      if let cached { return cached }
      let value = compute()
      cached = value
      return value
    }
  }
}
