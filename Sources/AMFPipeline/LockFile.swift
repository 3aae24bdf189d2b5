import AMFCore
import Foundation

/// The lock file next to a manifest (`no-is.lock.json`): per stage run, its key, parameters and the
/// hashes of its inputs and outputs at its last successful run. Written last and atomically; the
/// commit point of a `run` (PIPELINE.md §3). Meant to be committed.
public struct LockFile: Codable, Equatable, Sendable {
  /// The lock format version.
  public var schema: Int = 1
  /// The manifest's name.
  public var manifest: String
  /// Stage run name → entry.
  public var stages: [String: Entry]
  /// The folder of the report's human-readable files, relative to the lock's folder (absent: none).
  public var reportFolder: String?

  enum CodingKeys: String, CodingKey {
    case schema, manifest, stages
    case reportFolder = "report_folder"
  }

  /// One stage run's last successful state.
  public struct Entry: Codable, Equatable, Sendable {
    public var kind: String
    public var key: String
    public var stageVersion: Int
    public var seed: UInt64
    public var params: JSONValue
    public var inputs: [String: String]
    public var outputs: [String: String]
    /// Input role → the path of the file read there, for the roles that are files outside the store
    /// (`StageRunSpec.files`), relative to the lock's folder; its hash is in `inputs`. Absent when empty.
    public var files: [String: String]

    enum CodingKeys: String, CodingKey {
      case kind, key, seed, params, inputs, outputs, files
      case stageVersion = "stage_version"
    }

    /// Creates an entry.
    public init(kind: String, key: String, stageVersion: Int, seed: UInt64, params: JSONValue,
                inputs: [String: String], outputs: [String: String], files: [String: String] = [:]) {
      self.kind = kind
      self.key = key
      self.stageVersion = stageVersion
      self.seed = seed
      self.params = params
      self.inputs = inputs
      self.outputs = outputs
      self.files = files
    }

    /// Decodes an entry; `files` may be absent.
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      self.init(
        kind: try c.decode(String.self, forKey: .kind), key: try c.decode(String.self, forKey: .key),
        stageVersion: try c.decode(Int.self, forKey: .stageVersion), seed: try c.decode(UInt64.self, forKey: .seed),
        params: try c.decode(JSONValue.self, forKey: .params), inputs: try c.decode([String: String].self, forKey: .inputs),
        outputs: try c.decode([String: String].self, forKey: .outputs),
        files: try c.decodeIfPresent([String: String].self, forKey: .files) ?? [:])
    }

    /// Encodes the entry; `files` only when there are any, so locks of runs without file inputs are
    /// byte for byte what they were before file inputs existed.
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(kind, forKey: .kind)
      try c.encode(key, forKey: .key)
      try c.encode(stageVersion, forKey: .stageVersion)
      try c.encode(seed, forKey: .seed)
      try c.encode(params, forKey: .params)
      try c.encode(inputs, forKey: .inputs)
      try c.encode(outputs, forKey: .outputs)
      if !files.isEmpty { try c.encode(files, forKey: .files) }
    }
  }

  /// An empty lock for `manifest`.
  public init(manifest: String, stages: [String: Entry] = [:]) {
    self.manifest = manifest
    self.stages = stages
  }

  /// The lock path for a manifest: `x.yaml` → `x.lock.json`.
  public static func url(forManifest manifest: URL) -> URL {
    var name = manifest.lastPathComponent
    for suffix in [".plan.json", ".yaml", ".yml", ".json"] where name.hasSuffix(suffix) {
      name = String(name.dropLast(suffix.count))
      break
    }
    return manifest.deletingLastPathComponent().appendingPathComponent("\(name).lock.json")
  }

  /// Reads the lock at `url`; a missing file is an empty lock.
  ///
  /// Every field is checked before it is used (`init(json:)`): a lock that is not a regular file, is
  /// larger than `InputLimits.lockBytes`, has another schema, or holds a value out of range throws
  /// `PipelineError.unreadable` naming the file, the field, the value, the limit and the fix.
  public static func read(_ url: URL, manifest: String) throws -> LockFile {
    guard FileManager.default.fileExists(atPath: url.path) else { return LockFile(manifest: manifest) }
    let json: JSONValue
    do {
      json = try JSONValue.parse(InputLimits.readRegularFile(url, limit: InputLimits.lockBytes, what: "a lock"))
    } catch {
      throw PipelineError.unreadable(path: url.path, reason: "not a lock file: \(error); delete it to start afresh")
    }
    do {
      return try LockFile(json: json)
    } catch let error as FieldError {
      throw PipelineError.unreadable(path: url.path, reason: error.description)
    }
  }

  /// Writes the lock atomically, pretty-printed with sorted keys so that diffs are readable.
  public func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    let data = try encoder.encode(self) + Data("\n".utf8)
    try AtomicFile.write(data, to: url)
  }
}

extension LockFile {
  /// The file that serializes writers of the lock at `url`: `.<name>.flock` beside it (the lock itself
  /// is replaced by rename, so it cannot carry the `flock`).
  public static func writerLockURL(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).flock")
  }

  /// Reads the lock at `url` under an exclusive `flock`, lets `change` edit it, and writes it back
  /// atomically when it changed (or did not exist); returns the lock as written.
  ///
  /// Every writer (a local `run` at its end, each Slurm job as it commits its own entry) goes through
  /// here, so concurrent writers never lose each other's entries. Blocks while another writer holds
  /// the lock; writers hold it for one read and one write.
  @discardableResult
  public static func update(at url: URL, manifest: String, _ change: (inout LockFile) throws -> Void) throws -> LockFile {
    let guardURL = writerLockURL(for: url)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let descriptor = open(guardURL.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw FileSystemError.fromErrno(guardURL.path, "open lock-file guard") }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else { throw FileSystemError.fromErrno(guardURL.path, "flock") }
    }
    defer { flock(descriptor, LOCK_UN) }
    let exists = FileManager.default.fileExists(atPath: url.path)
    let current = try read(url, manifest: manifest)
    var next = current
    try change(&next)
    if next != current || !exists { try next.write(to: url) }
    return next
  }
}
