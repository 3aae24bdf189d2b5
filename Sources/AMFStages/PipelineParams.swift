import AMFCore
import AMFPipeline

/// One params document for a whole pipeline (issue #22): every stage reads its own keys from it and ignores
/// the keys of the other stages, the way DVC's `params.yaml` serves every stage.
///
/// The document's top-level keys are the union of the stages' params sections (`env`, `scenario`,
/// `pretrain`, `embed`, `select`, `finetune`, `evaluate`, `batch`, `task_count`, `policy`, `round`,
/// `report`, `arms`): what `amf-pipeline params MANIFEST` prints. A stage keeps its own keys; the embed
/// stage reads the importance-weight keys of `select` (`select.importance_weights`, `select.is_*`,
/// `select.noise_variance`), one name for one concept. Strictness stays: a key no stage reads is an
/// error with "did you mean", and the sections of the other stages are decoded by their owners' params,
/// so a typo anywhere in the file fails every stage that reads the file, naming the key.
///
/// The stage key does not change: what the stage decodes and records is the projection, the same params
/// the orchestrator passes (the embed stage's recorded section keeps its historical name `importance`, so
/// every committed key and lock stays valid).
public enum PipelineParams {
  /// The keys of `select` that the embed stage reads (the importance-weight settings).
  static let importanceKeys = Set(ImportanceSettings.CodingKeys.allCases.map(\.stringValue))

  /// `document` as stage `kind` reads it: its own top-level keys, with embed's `importance` taken from
  /// `select`. Throws `invalidParameter` for a key no stage reads, for `importance` and `select`
  /// importance keys given together, and for an invalid key in another stage's section.
  public static func project(_ document: JSONValue, for kind: StageKind) throws -> JSONValue {
    guard case .object(let members) = document else { return document }
    let all = StageKind.allCases.flatMap(\.paramKeys)
    for key in members.keys.sorted() where !all.contains(key) {
      let suggestion = closestMatch(to: key, in: all).map { "; did you mean '\($0)'?" } ?? ""
      throw StageError.invalidParameter(
        path: key, reason: "is read by no stage\(suggestion) (the stages read \(Set(all).sorted().joined(separator: ", ")))")
    }
    let own = Set(kind.paramKeys)
    let projected = try ownMembers(members, for: kind)
    let others = StageKind.allCases.filter { other in
      other != kind && members.keys.contains { !own.contains($0) && other.paramKeys.contains($0) }
    }
    for other in others { try validate(members, for: other) }
    return .object(projected)
  }

  /// The members stage `kind` reads, with embed's importance settings taken from `select`.
  static func ownMembers(_ members: [String: JSONValue], for kind: StageKind) throws -> [String: JSONValue] {
    var own = members.filter { kind.paramKeys.contains($0.key) }
    guard kind == .embed, case .object(let select)? = members["select"] else { return own }
    let importance = select.filter { importanceKeys.contains($0.key) }
    guard !importance.isEmpty else { return own }
    if members["importance"] != nil {
      throw StageError.invalidParameter(
        path: "importance", reason: "and select.\(importance.keys.sorted()[0]) name the same settings; "
          + "keep select.* (importance.* is the old spelling)")
    }
    own["importance"] = .object(importance)
    return own
  }

  /// Decodes the part of `members` that stage `kind` reads (without `round`, which differs per stage).
  static func validate(_ members: [String: JSONValue], for kind: StageKind) throws {
    var own = try ownMembers(members, for: kind)
    own["round"] = nil
    do {
      try kind.decodeParams(.object(own))
    } catch StageError.invalidParameter(let path, let reason) {
      throw StageError.invalidParameter(path: path, reason: "\(reason) (read by \(kind.executableName))")
    }
  }
}

extension StageKind {
  /// The top-level params keys the stage reads.
  public var paramKeys: [String] {
    switch self {
    case .pretrain: PretrainParams.CodingKeys.allCases.map(\.stringValue)
    case .embed: EmbedParams.CodingKeys.allCases.map(\.stringValue)
    case .select: SelectParams.CodingKeys.allCases.map(\.stringValue)
    case .finetune: FinetuneParams.CodingKeys.allCases.map(\.stringValue)
    case .evaluate: EvaluateParams.CodingKeys.allCases.map(\.stringValue)
    case .report: ReportParams.CodingKeys.allCases.map(\.stringValue)
    }
  }

  /// Decodes `document` strictly as this stage's params; their canonical JSON (what the stage records).
  @discardableResult
  public func decodeParams(_ document: JSONValue) throws -> String {
    switch self {
    case .pretrain: try ParamsResolver.decode(PretrainParams.self, from: document).canonical
    case .embed: try ParamsResolver.decode(EmbedParams.self, from: document).canonical
    case .select: try ParamsResolver.decode(SelectParams.self, from: document).canonical
    case .finetune: try ParamsResolver.decode(FinetuneParams.self, from: document).canonical
    case .evaluate: try ParamsResolver.decode(EvaluateParams.self, from: document).canonical
    case .report: try ParamsResolver.decode(ReportParams.self, from: document).canonical
    }
  }
}
