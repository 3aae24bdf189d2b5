import AMFCore
import AMFPipeline
import AMFStages
import Foundation

/// An expanded plan: a name and its stage runs, from a YAML manifest or a `.plan.json` file (the same
/// type as the engine's plan file).
public typealias Plan = PlanFile

/// Finds and loads the plan a command names.
public enum PlanLoader {
  /// Resolves `path` against the working directory, then `<pipelines>`; returns the first that exists.
  public static func resolve(_ path: String, pipelinesFolder: URL) -> URL? {
    let candidates = path.hasPrefix("/")
      ? [URL(fileURLWithPath: path)]
      : [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path),
         pipelinesFolder.appendingPathComponent(path)]
    return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
  }

  /// Loads a YAML manifest (arm or study, expanded into stage runs) or a plan file
  /// (`*.json`: `{"name": …, "runs": [StageRunSpec…]}`, as `amf-pipeline dag --format json` prints).
  public static func load(_ url: URL, pipelinesFolder: URL) throws -> Plan {
    guard url.pathExtension == "json" else {
      let loader = ManifestLoader(
        workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        pipelinesDirectory: pipelinesFolder)
      let manifest = try PipelineManifest.load(url.path, loader: loader)
      return Plan(name: manifest.name, runs: try manifest.stageRuns())
    }
    return try PlanFile.read(url)
  }
}
