import Foundation

/// A plan file: `{"name": …, "runs": [StageRunSpec…]}`, what `amf-pipeline dag --format json` prints, what
/// `run` accepts in place of a manifest, and the `plan.json` a Slurm submission's jobs run from.
public struct PlanFile: Codable, Sendable {
  /// The plan's name (recorded in the lock).
  public var name: String
  /// The stage runs.
  public var runs: [StageRunSpec]

  /// Creates a plan file's content.
  public init(name: String, runs: [StageRunSpec]) {
    self.name = name
    self.runs = runs
  }

  /// Reads a plan file (a fast path through `JSONValue`, `JSONDecoder` for its error messages).
  public static func read(_ url: URL) throws -> PlanFile {
    do {
      let data = try Data(contentsOf: url)
      if case .object(let root)? = try? JSONValue.parse(data), case .string(let name)? = root["name"],
        case .array(let items)? = root["runs"]
      {
        let runs = items.compactMap(StageRunSpec.init(json:))
        if runs.count == items.count { return PlanFile(name: name, runs: runs) }
      }
      return try JSONDecoder().decode(PlanFile.self, from: data)
    } catch {
      throw PipelineError.unreadable(path: url.path, reason: "not a plan file: \(error)")
    }
  }
}
