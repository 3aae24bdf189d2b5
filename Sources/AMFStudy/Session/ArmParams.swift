import AMFCore
import AMFPipeline
import AMFStages
import Foundation

/// The params document of one arm and seed of an expanded manifest (issue #22): the union of the params of
/// its stage runs, so that one file drives every stage of a hand-written loop (`PipelineParams`).
///
/// Each run's params are merged in graph order: `round` is left out (a loop passes `--param round=R`), and
/// the embed stage's `importance` section is written as the `select` keys it mirrors, one name per concept.
/// Two runs that give one key two values make the document ill-defined and throw.
public enum ArmParams {
  /// Errors of `document`.
  public enum Failure: Error, CustomStringConvertible, Equatable {
    /// The manifest is a study and no `--arm` was given, or the arm does not exist.
    case arm(given: String?, arms: [String])
    /// No stage run of the arm has this seed.
    case seed(UInt64, seeds: [UInt64])
    /// Two runs give one key two values.
    case conflict(key: String, runs: [String])

    public var description: String {
      switch self {
      case .arm(nil, let arms):
        "the manifest has \(arms.count) arms; choose one with --arm (\(arms.joined(separator: ", ")))"
      case .arm(let given?, let arms):
        "no arm '\(given)'\(closestMatch(to: given, in: arms).map { "; did you mean '\($0)'?" } ?? "") (arms: \(arms.joined(separator: ", ")))"
      case .seed(let seed, let seeds):
        "the arm has no seed \(seed); its seeds: \(seeds.map(String.init).joined(separator: ", "))"
      case .conflict(let key, let runs):
        "\(runs.joined(separator: " and ")) give \(key) different values, so no single params file serves both"
      }
    }
  }

  /// The arms of `graph`: the prefixes of its runs (`amf/…`), or `[""]` for a single-arm manifest.
  public static func arms(of graph: StageGraph) -> [String] {
    var arms: [String] = []
    for run in graph.order where run.kind == StageKind.pretrain.rawValue {
      let parts = run.name.split(separator: "/")
      let arm = parts.count > 2 ? parts.dropLast(2).joined(separator: "/") : ""
      if !arms.contains(arm) { arms.append(arm) }
    }
    return arms
  }

  /// The runs of `arm` (nil: the only one), its report included.
  static func runs(of graph: StageGraph, arm: String?) throws -> [StageRunSpec] {
    let arms = arms(of: graph)
    let chosen: String
    if let arm {
      guard arms.contains(arm) else { throw Failure.arm(given: arm, arms: arms) }
      chosen = arm
    } else {
      guard arms.count == 1, let only = arms.first else { throw Failure.arm(given: nil, arms: arms) }
      chosen = only
    }
    let prefix = chosen.isEmpty ? "" : chosen + "/"
    return graph.order.filter { $0.name.hasPrefix(prefix) && $0.name.dropFirst(prefix.count).split(separator: "/").count <= 3 }
  }

  /// The file inputs of `arm`'s runs as `--input` gives them, role → path (e.g. the recorded expert,
  /// `demonstrations_from`): inputs rather than params, so the document leaves them out and a script passes
  /// them itself (`amf-finetune --demonstrations-from PATH`).
  public static func files(graph: StageGraph, arm: String?) throws -> [String: String] {
    var files: [String: String] = [:]
    for run in try runs(of: graph, arm: arm) {
      for (role, file) in run.files { files[role] = file.path }
    }
    return files
  }

  /// The document of `arm` (nil: the only one) at `seed`, with the arm's report params.
  public static func document(graph: StageGraph, arm: String?, seed: UInt64) throws -> JSONValue {
    let runs = try runs(of: graph, arm: arm)
    let seeds = Array(Set(runs.filter { $0.kind != StageKind.report.rawValue }.map(\.seed))).sorted()
    guard seeds.contains(seed) else { throw Failure.seed(seed, seeds: seeds) }
    var document: [String: JSONValue] = [:]
    var origin: [String: String] = [:]
    for run in runs where run.seed == seed || run.kind == StageKind.report.rawValue {
      guard case .object(var members) = try JSONValue.parse(Data(run.paramsJSON.utf8)) else { continue }
      members["round"] = nil
      if case .object(let importance)? = members.removeValue(forKey: "importance") {
        members["select"] = .object(importance)
      }
      try merge(members, into: &document, path: "", run: run.name, origin: &origin)
    }
    return .object(document)
  }

  /// Merges `members` into `document`, recording which run set each leaf.
  static func merge(_ members: [String: JSONValue], into document: inout [String: JSONValue], path: String,
                    run: String, origin: inout [String: String]) throws {
    for (key, value) in members {
      let dotted = path.isEmpty ? key : "\(path).\(key)"
      switch (document[key], value) {
      case (nil, _):
        document[key] = value
        origin[dotted] = run
      case (.object(var existing)?, .object(let incoming)):
        try merge(incoming, into: &existing, path: dotted, run: run, origin: &origin)
        document[key] = .object(existing)
      case (let existing?, _) where existing == value:
        continue
      default:
        throw Failure.conflict(key: dotted, runs: [origin[dotted] ?? "an earlier run", run])
      }
    }
  }
}
