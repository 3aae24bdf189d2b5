/// One stage run of an expanded manifest: what to run, with which parameters, on which inputs.
///
/// The engine knows nothing about AMF: a manifest expander (AMFStages) turns a manifest into these,
/// and the engine plans, keys, runs and locks them (PIPELINE.md §3).
public struct StageRunSpec: Hashable, Sendable, Codable {
  /// Unique, human-readable name, e.g. `embed/seed-0/round-1`; names sort into a stable order.
  public var name: String
  /// The stage kind, e.g. `embed`: the subcommand of `amf-pipeline stage`.
  public var kind: String
  /// The stage's declared algorithm version; part of the key.
  public var stageVersion: Int
  /// Canonical JSON of the stage's resolved parameters (defaults filled in); part of the key.
  public var paramsJSON: String
  /// The run seed; part of the key.
  public var seed: UInt64
  /// Input role → where it comes from.
  public var inputs: [String: InputReference]
  /// Input role → a file outside the store, e.g. recorded demonstrations (usually empty); its content hash
  /// is part of the key like an input's. A role is in `inputs` or here, not both.
  public var files: [String: FileInput]
  /// The output roles the stage writes, e.g. `["policy"]` or `["demonstrations", "policy"]`.
  public var outputRoles: [String]

  enum CodingKeys: String, CodingKey {
    case name, kind, stageVersion, paramsJSON, seed, inputs, files, outputRoles
  }

  /// Creates a stage run.
  public init(
    name: String, kind: String, stageVersion: Int, paramsJSON: String, seed: UInt64,
    inputs: [String: InputReference], files: [String: FileInput] = [:], outputRoles: [String]
  ) {
    self.name = name
    self.kind = kind
    self.stageVersion = stageVersion
    self.paramsJSON = paramsJSON
    self.seed = seed
    self.inputs = inputs
    self.files = files
    self.outputRoles = outputRoles
  }

  /// Decodes a run; `files` may be absent (plans without file inputs).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try c.decode(String.self, forKey: .name), kind: try c.decode(String.self, forKey: .kind),
      stageVersion: try c.decode(Int.self, forKey: .stageVersion),
      paramsJSON: try c.decode(String.self, forKey: .paramsJSON), seed: try c.decode(UInt64.self, forKey: .seed),
      inputs: try c.decode([String: InputReference].self, forKey: .inputs),
      files: try c.decodeIfPresent([String: FileInput].self, forKey: .files) ?? [:],
      outputRoles: try c.decode([String].self, forKey: .outputRoles))
  }

  /// Encodes the run; `files` only when there are any, so plans without file inputs read as before.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(kind, forKey: .kind)
    try c.encode(stageVersion, forKey: .stageVersion)
    try c.encode(paramsJSON, forKey: .paramsJSON)
    try c.encode(seed, forKey: .seed)
    try c.encode(inputs, forKey: .inputs)
    if !files.isEmpty { try c.encode(files, forKey: .files) }
    try c.encode(outputRoles, forKey: .outputRoles)
  }
}

/// Where an input comes from: another stage run's output (repeatable roles are numbered by the
/// expander, e.g. `evaluation.3`).
public struct InputReference: Hashable, Sendable, Codable {
  /// The producing stage run's name.
  public var run: String
  /// The producing run's output role.
  public var role: String

  /// The output `role` of stage run `run`.
  public init(run: String, role: String) {
    self.run = run
    self.role = role
  }
}

extension StageRunSpec {
  /// Builds a run from parsed JSON with `Codable`'s key names, or nil when anything is missing or
  /// out of range (callers then fall back to `JSONDecoder` for its error message). A fast path:
  /// `JSONDecoder` took a fifth of a no-op `status` on a 2 000-run plan.
  public init?(json: JSONValue) {
    guard case .object(let fields) = json,
      case .string(let name)? = fields["name"], case .string(let kind)? = fields["kind"],
      case .number(let version)? = fields["stageVersion"], case .string(let params)? = fields["paramsJSON"],
      case .number(let seed)? = fields["seed"], seed >= 0, seed < 0x1p53, seed == seed.rounded(),
      version == version.rounded(), abs(version) < 0x1p31,
      case .object(let inputFields)? = fields["inputs"], case .array(let roleValues)? = fields["outputRoles"]
    else { return nil }
    var inputs: [String: InputReference] = [:]
    for (role, value) in inputFields {
      guard case .object(let reference) = value, case .string(let run)? = reference["run"],
        case .string(let outputRole)? = reference["role"]
      else { return nil }
      inputs[role] = InputReference(run: run, role: outputRole)
    }
    var files: [String: FileInput] = [:]
    if let fileValues = fields["files"] {
      guard case .object(let fileFields) = fileValues else { return nil }
      for (role, value) in fileFields {
        guard case .object(let file) = value, case .string(let path)? = file["path"],
          case .string(let hash)? = file["contentHash"]
        else { return nil }
        files[role] = FileInput(path: path, contentHash: hash)
      }
    }
    var roles: [String] = []
    for value in roleValues {
      guard case .string(let role) = value else { return nil }
      roles.append(role)
    }
    self.init(name: name, kind: kind, stageVersion: Int(version), paramsJSON: params, seed: UInt64(seed),
              inputs: inputs, files: files, outputRoles: roles)
  }
}
