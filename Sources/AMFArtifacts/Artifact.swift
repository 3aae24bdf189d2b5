import AMFCore

/// The kinds of artifact the stages exchange (ARTIFACTS.md), each with the schema version this build
/// writes and the newest it reads.
public enum ArtifactKind: String, CaseIterable, Sendable, Codable {
  case demonstrations, policy, embeddings, selection, evaluation, report

  /// The schema version written by this build; readers refuse a newer one.
  public var currentSchemaVersion: Int {
    switch self {
    case .demonstrations, .policy, .embeddings, .selection, .evaluation, .report: 1
    }
  }
}

/// Who made an artifact from what: the root attributes `amf.stage` … `amf.project_version`.
public struct Provenance: Equatable, Sendable {
  /// The producing stage (`pretrain`, `embed`, …).
  public var stage: String
  /// The stage's declared algorithm version; a change to what it computes bumps it.
  public var stageVersion: Int
  /// Canonical JSON of the resolved parameters.
  public var paramsJSON: String
  /// Input name → content SHA-256 of that input.
  public var inputs: [String: String]
  /// The run seed.
  public var seed: UInt64
  /// Package version and commit; informative only, never hashed.
  public var projectVersion: String

  /// Creates a provenance record; `projectVersion` defaults to this build's.
  public init(
    stage: String, stageVersion: Int, paramsJSON: String = "{}", inputs: [String: String] = [:], seed: UInt64 = 0,
    projectVersion: String = ProjectVersion.description
  ) {
    self.stage = stage
    self.stageVersion = stageVersion
    self.paramsJSON = paramsJSON
    self.inputs = inputs
    self.seed = seed
    self.projectVersion = projectVersion
  }
}

/// One stage output: its kind, schema version, provenance and content.
///
/// `content` holds every group, dataset and attribute except the root `amf.*` attributes, which
/// `ArtifactFile` derives from `kind`, `schemaVersion` and `provenance` on write and parses on read.
public struct Artifact: Equatable, Sendable {
  /// What the artifact is.
  public var kind: ArtifactKind
  /// The layout version of `kind` this artifact follows.
  public var schemaVersion: Int
  /// Who made it from what.
  public var provenance: Provenance
  /// The payload (ARTIFACTS.md "Layouts").
  public var content: ArtifactGroup

  /// Creates an artifact of the current schema version of `kind`.
  public init(kind: ArtifactKind, provenance: Provenance, content: ArtifactGroup = ArtifactGroup()) {
    self.kind = kind
    self.schemaVersion = kind.currentSchemaVersion
    self.provenance = provenance
    self.content = content
  }

  /// Root attribute names.
  enum Key {
    static let kind = "amf.kind"
    static let schemaVersion = "amf.schema_version"
    static let stage = "amf.stage"
    static let stageVersion = "amf.stage_version"
    static let params = "amf.params"
    static let inputs = "amf.inputs"
    static let seed = "amf.seed"
    static let contentHash = "amf.content_sha256"
    static let projectVersion = "amf.project_version"
  }

  /// The full tree as stored: `content` plus every root `amf.*` attribute except the hash.
  func storedTree() throws -> ArtifactGroup {
    var tree = content
    tree.attributes[Key.kind] = .scalar(kind.rawValue)
    tree.attributes[Key.schemaVersion] = .scalar(Int64(schemaVersion))
    tree.attributes[Key.stage] = .scalar(provenance.stage)
    tree.attributes[Key.stageVersion] = .scalar(Int64(provenance.stageVersion))
    tree.attributes[Key.params] = .scalar(provenance.paramsJSON)
    tree.attributes[Key.inputs] = .scalar(try CanonicalJSON.string(provenance.inputs))
    tree.attributes[Key.seed] = .scalar(Int64(bitPattern: provenance.seed))
    tree.attributes[Key.projectVersion] = .scalar(provenance.projectVersion)
    return tree
  }

  /// The logical content hash this artifact has (and will have in any file it is written to).
  public func contentHash() throws -> String {
    ContentDigest.sha256(of: try storedTree())
  }
}
