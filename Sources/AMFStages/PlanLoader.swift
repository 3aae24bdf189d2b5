import AMFCore
import AMFPipeline
import Foundation

/// An expanded plan: a name and its stage runs, from a YAML manifest or a `.plan.json` file.
public struct Plan: Codable, Sendable {
  /// The manifest's name (recorded in the lock).
  public var name: String
  /// The stage runs.
  public var runs: [StageRunSpec]

  /// Creates a plan.
  public init(name: String, runs: [StageRunSpec]) {
    self.name = name
    self.runs = runs
  }
}

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
    let file = try PlanFile.read(url)
    return Plan(name: file.name, runs: file.runs)
  }
}
