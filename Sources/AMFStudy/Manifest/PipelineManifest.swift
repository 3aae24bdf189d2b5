import AMFPipeline
import AMFStages
import Foundation

/// A loaded AMF manifest: one arm, or a study with its arms loaded.
public enum PipelineManifest: Hashable, Sendable {
  /// An arm manifest.
  case arm(ArmManifest)
  /// A study and its arms, in the order listed.
  case study(StudyManifest, arms: [ArmManifest])

  /// Loads `path` (cwd first, then `Pipelines/`), resolves `extends:`, decodes strictly and, for a study, loads
  /// every arm relative to the study file. A file with `arms:` is a study. The stage runs it expands to are
  /// counted (not made) and limited to `InputLimits.stageRuns`. Then a recorded expert
  /// (`expert.demonstrations`, a study's for every arm) is found, read and checked against each arm that
  /// uses it (`ExpertFiles`).
  ///
  /// Throws `ManifestError` located at the offending node.
  public static func load(_ path: String, loader: ManifestLoader) throws -> PipelineManifest {
    let loaded = try loader.load(path)
    var experts = ExpertFiles()
    guard loaded.root["arms"] != nil else {
      let arm = try loaded.decode(ArmManifest.self)
      try PipelineManifest.arm(arm).checkStageRunCount(at: loaded.root.location)
      return .arm(try experts.resolve(arm, armRoot: loaded.root))
    }
    let study = try loaded.decode(StudyManifest.self)
    var arms: [(arm: ArmManifest, root: ManifestNode)] = []
    for (index, armPath) in study.arms.enumerated() {
      let location = armLocation(index, in: loaded.root)
      let armFile = try loader.load(
        armPath, relativeTo: loaded.url.deletingLastPathComponent(), referencedFrom: location)
      guard armFile.root["arms"] == nil else {
        throw ManifestError.invalidValue(
          location, path: "arms[\(index)]", reason: "'\(armPath)' is a study, not an arm")
      }
      let arm = try armFile.decode(ArmManifest.self)
      if arms.contains(where: { $0.arm.name == arm.name }) {
        throw ManifestError.invalidValue(
          location, path: "arms[\(index)]", reason: "two arms are named '\(arm.name)'; arm names must be unique")
      }
      arms.append((arm, armFile.root))
    }
    try PipelineManifest.study(study, arms: arms.map(\.arm)).checkStageRunCount(at: loaded.root.location)
    let resolved = try arms.map { arm, root in
      try experts.resolve(arm, armRoot: root, inherited: study.expert, studyRoot: loaded.root)
    }
    return .study(study, arms: resolved)
  }

  /// The manifest's `name`.
  public var name: String {
    switch self {
    case .arm(let arm): arm.name
    case .study(let study, _): study.name
    }
  }

  /// The stage runs, in a deterministic order (see `ArmManifest.stageRuns(prefix:)`).
  public func stageRuns() throws -> [StageRunSpec] {
    switch self {
    case .arm(let arm): try arm.stageRuns()
    case .study(let study, let arms): try study.stageRuns(arms: arms)
    }
  }

  private static func armLocation(_ index: Int, in root: ManifestNode) -> SourceLocation {
    guard let arms = root["arms"] else { return root.location }
    if case .sequence(let items) = arms.content, items.indices.contains(index) { return items[index].location }
    return arms.location
  }
}
