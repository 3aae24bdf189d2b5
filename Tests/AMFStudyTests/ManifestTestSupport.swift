import AMFPipeline
import AMFTestSupport
import Foundation

import AMFStages
@testable import AMFStudy

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Writes `files` into a fresh folder, and runs `body` with a loader whose working directory is that folder.
func withManifests(
  _ files: [String: String], _ body: (TemporaryDirectory, ManifestLoader) throws -> Void
) throws {
  let folder = try TemporaryDirectory("amf-manifest")
  defer { folder.remove() }
  for (path, text) in files {
    let url = folder.file(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }
  try body(folder, ManifestLoader(workingDirectory: folder.url, pipelinesDirectory: folder.file("Pipelines")))
}

/// Decodes an arm manifest from YAML text.
func arm(_ yaml: String) throws -> ArmManifest {
  var result: ArmManifest?
  try withManifests(["arm.yaml": yaml]) { _, loader in
    guard case .arm(let arm) = try PipelineManifest.load("arm.yaml", loader: loader) else { return }
    result = arm
  }
  guard let result else { throw ManifestError.emptyDocument(file: "arm.yaml") }
  return result
}

/// The error decoding `yaml` as an arm throws, if any.
func armError(_ yaml: String) -> ManifestError? {
  do {
    _ = try arm(yaml)
    return nil
  } catch {
    return error as? ManifestError
  }
}
