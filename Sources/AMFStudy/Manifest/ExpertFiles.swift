import AMFPipeline
import AMFStages
import Foundation

/// Finds, reads and checks the recorded demonstrations that a manifest's `expert.demonstrations` names, as
/// `PipelineManifest.load` does before anything is planned, so that a wrong file stops every command with one
/// line naming the manifest, the key and the fix (`ManifestError.invalidValue`, exit 65).
///
/// The path is relative to the folder of the manifest file that writes it (an arm, a file it extends, or a
/// study); each file is read once per load, then checked against every arm that uses it
/// (`RecordedExpert.check`: environment and enough demonstrations of every task for the arm's budget).
struct ExpertFiles {
  /// The files read so far, by absolute path.
  private var read: [URL: RecordedExpert] = [:]

  /// `arm` with its `expert` (its own, written in `armRoot`, or the study's `inherited`, written in
  /// `studyRoot`) resolved to a checked file; `arm` unchanged when neither names one.
  ///
  /// Edge cases: an arm naming another file than its study is an error at the study's key.
  mutating func resolve(
    _ arm: ArmManifest, armRoot: ManifestNode, inherited: ExpertSettings? = nil, studyRoot: ManifestNode? = nil
  ) throws -> ArmManifest {
    var arm = arm
    let own = arm.expert.map { ($0, Self.url($0, root: armRoot)) }
    let shared = inherited.map { ($0, Self.url($0, root: studyRoot ?? armRoot)) }
    if let (_, ownURL) = own, let (_, sharedURL) = shared, ownURL != sharedURL {
      throw ManifestError.invalidValue(
        Self.location(studyRoot ?? armRoot), path: ExpertSettings.path,
        reason: "arm '\(arm.name)' names another file (\(ownURL.path)) than this study (\(sharedURL.path)); remove "
          + "one of the two expert sections")
    }
    guard let (settings, url) = shared ?? own else { return arm }
    let root = shared == nil ? armRoot : studyRoot ?? armRoot
    let recorded = try self.recorded(url, root: root)
    do {
      try recorded.check(env: arm.env, scenario: arm.scenario, demos: arm.budget.demos)
    } catch {
      let prefix = studyRoot == nil ? "" : "for arm '\(arm.name)': "
      throw ManifestError.invalidValue(Self.location(root), path: ExpertSettings.path, reason: "\(prefix)\(error)")
    }
    var resolved = settings
    resolved.recorded = FileInput(path: url.path, contentHash: recorded.contentHash)
    arm.expert = resolved
    return arm
  }

  /// The file `url`, read once.
  private mutating func recorded(_ url: URL, root: ManifestNode) throws -> RecordedExpert {
    if let known = read[url] { return known }
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw ManifestError.invalidValue(
        Self.location(root), path: ExpertSettings.path,
        reason: "no such file \(url.path) (a relative path is taken from the folder of the manifest that writes "
          + "it); make it with `amf-pipeline import demonstrations … --output \(url.path)`, or correct the path")
    }
    do {
      let recorded = try RecordedExpert(url: url)
      read[url] = recorded
      return recorded
    } catch {
      throw ManifestError.invalidValue(
        Self.location(root), path: ExpertSettings.path,
        reason: "\(error) (it must be a complete, sealed demonstrations artifact, such as `amf-pipeline import "
          + "demonstrations` writes)")
    }
  }

  /// The absolute, standardized file `expert` names, relative to the folder of the file that writes it.
  static func url(_ expert: ExpertSettings, root: ManifestNode) -> URL {
    let path = expert.demonstrations
    guard !path.hasPrefix("/") else { return URL(fileURLWithPath: path).standardizedFileURL }
    let folder = URL(fileURLWithPath: location(root).file).deletingLastPathComponent()
    return folder.appendingPathComponent(path).standardizedFileURL
  }

  /// Where `expert.demonstrations` is written in the merged tree `root` (its value keeps the location of
  /// the file that wrote it, whatever extends it).
  static func location(_ root: ManifestNode) -> SourceLocation {
    let section = root[ExpertSettings.key]
    return (section?["demonstrations"] ?? section ?? root).location
  }
}
