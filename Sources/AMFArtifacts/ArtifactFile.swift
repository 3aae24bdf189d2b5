import AMFCore
import Foundation

/// Reading and writing artifacts as HDF5 files: hashed on save, verified on open, written atomically.
public enum ArtifactFile {
  /// Writes `artifact` to `url` atomically and returns its content hash.
  ///
  /// The file appears at `url` complete or not at all (AtomicFile); its folder is created if needed.
  @discardableResult
  public static func write(_ artifact: Artifact, to url: URL) throws -> String {
    var tree = try artifact.storedTree()
    let hash = ContentDigest.sha256(of: tree)
    tree.attributes[Artifact.Key.contentHash] = .scalar(hash)
    try AtomicFile.write(to: url) { temporary in
      try HDF5Writer.write(tree, toNewFile: temporary.path)
    }
    return hash
  }

  /// Reads and verifies the artifact at `url`.
  ///
  /// Checks, in order: the file exists and is HDF5 (`missing`, `notHDF5`, `truncated`, `unreadable`);
  /// it is an amf artifact of a schema this build reads (`missingObject`, `newerSchema`); its content
  /// hash matches (`corrupt`; skipped when `cache` already verified this file identity); and it is of
  /// `kind` (`wrongKind`) when one is given.
  public static func read(_ url: URL, expecting kind: ArtifactKind? = nil, cache: VerificationCache? = nil)
    throws(ArtifactError) -> Artifact
  {
    try readVerified(url, expecting: kind, cache: cache).artifact
  }

  private static func readVerified(_ url: URL, expecting kind: ArtifactKind?, cache: VerificationCache?)
    throws(ArtifactError) -> (artifact: Artifact, hash: String)
  {
    let path = url.path
    let identity = try? FileIdentity(path: path)
    let tree = try HDF5Reader.read(path)
    let header = try Header(tree, file: path)
    if let identity, let cached = cache?.hash(for: identity), cached == header.storedHash {
      // Verified before, and the file has not changed since (same inode, size, mtime and ctime).
    } else {
      let found = ContentDigest.sha256(of: tree)
      guard found == header.storedHash else {
        throw ArtifactError.corrupt(file: path, expected: header.storedHash, found: found)
      }
      if let identity { cache?.record(found, for: identity) }
    }
    if let kind, header.kind != kind {
      throw ArtifactError.wrongKind(file: path, expected: kind.rawValue, found: header.kind.rawValue)
    }
    var content = tree
    for name in content.attributes.keys where name.hasPrefix("amf.") { content.attributes[name] = nil }
    var artifact = Artifact(kind: header.kind, provenance: header.provenance, content: content)
    artifact.schemaVersion = header.schemaVersion
    return (artifact, header.storedHash)
  }

  /// The verified content hash of the artifact at `url`, without re-reading a file `cache` has seen.
  public static func contentHash(of url: URL, cache: VerificationCache? = nil) throws(ArtifactError) -> String {
    if let identity = try? FileIdentity(path: url.path), let cached = cache?.hash(for: identity) {
      return cached
    }
    return try readVerified(url, expecting: nil, cache: cache).hash
  }
}

/// The root `amf.*` attributes of a stored artifact, parsed and checked.
private struct Header {
  var kind: ArtifactKind
  var schemaVersion: Int
  var storedHash: String
  var provenance: Provenance

  init(_ tree: ArtifactGroup, file: String) throws(ArtifactError) {
    func attribute(_ name: String) throws(ArtifactError) -> ArtifactArray {
      guard let value = tree.attributes[name] else {
        throw ArtifactError.missingObject(file: file, object: "root attribute \(name) (not an amf artifact?)")
      }
      return value
    }
    func string(_ name: String) throws(ArtifactError) -> String {
      do { return try attribute(name).scalarString(object: name) } catch { throw error.inFile(file) }
    }
    func integer(_ name: String) throws(ArtifactError) -> Int64 {
      do { return try attribute(name).scalarInteger(object: name) } catch { throw error.inFile(file) }
    }
    let kindName = try string(Artifact.Key.kind)
    guard let kind = ArtifactKind(rawValue: kindName) else {
      throw ArtifactError.invalidValue(
        file: file, object: Artifact.Key.kind,
        reason: "unknown kind '\(kindName)'; known: \(ArtifactKind.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let version = Int(try integer(Artifact.Key.schemaVersion))
    guard version <= kind.currentSchemaVersion else {
      throw ArtifactError.newerSchema(file: file, kind: kind.rawValue, found: version, supported: kind.currentSchemaVersion)
    }
    let inputsText = try string(Artifact.Key.inputs)
    guard let inputs = try? CanonicalJSON.decode([String: String].self, from: inputsText) else {
      throw ArtifactError.invalidValue(file: file, object: Artifact.Key.inputs, reason: "not a JSON object of strings")
    }
    self.kind = kind
    schemaVersion = version
    storedHash = try string(Artifact.Key.contentHash)
    provenance = Provenance(
      stage: try string(Artifact.Key.stage), stageVersion: Int(try integer(Artifact.Key.stageVersion)),
      paramsJSON: try string(Artifact.Key.params), inputs: inputs,
      seed: UInt64(bitPattern: try integer(Artifact.Key.seed)),
      projectVersion: (try? string(Artifact.Key.projectVersion)) ?? "unknown")
  }
}
