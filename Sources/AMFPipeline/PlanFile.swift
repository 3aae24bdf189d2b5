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
  ///
  /// Refuses, before parsing, anything but a regular file of at most `InputLimits.lockBytes`; then a
  /// plan of more than `InputLimits.stageRuns` runs, and output roles that are not plain names (they
  /// become file names in the store).
  public static func read(_ url: URL) throws -> PlanFile {
    let plan: PlanFile
    do {
      let data = try InputLimits.readRegularFile(url, limit: InputLimits.lockBytes, what: "a plan file")
      plan = try parse(data)
    } catch {
      throw PipelineError.unreadable(path: url.path, reason: "not a plan file: \(error)")
    }
    guard plan.runs.count <= InputLimits.stageRuns else {
      throw PipelineError.unreadable(
        path: url.path, reason: "the plan has \(plan.runs.count) stage runs, more than the limit of "
          + "\(InputLimits.stageRuns) (docs/stages.md, \"Limits\"); split it into several plans")
    }
    for run in plan.runs {
      guard run.seed <= InputLimits.maxSeed else {
        throw PipelineError.unreadable(
          path: url.path, reason: "run '\(run.name)' seed \(run.seed) is over 2^53 = \(InputLimits.maxSeed), the "
            + "largest seed a lock holds exactly (locks store it as a JSON number); use a smaller seed")
      }
      if let role = run.outputRoles.first(where: { !LockFile.isPlainName($0) }) {
        throw PipelineError.unreadable(
          path: url.path, reason: "run '\(run.name)' output role '\(role)' is not a plain name (letters, digits, "
            + "'_' and '-'; it becomes part of a file name in the store); rename it")
      }
    }
    return plan
  }

  private static func parse(_ data: Data) throws -> PlanFile {
    if case .object(let root)? = try? JSONValue.parse(data), case .string(let name)? = root["name"],
      case .array(let items)? = root["runs"]
    {
      let runs = items.compactMap(StageRunSpec.init(json:))
      if runs.count == items.count { return PlanFile(name: name, runs: runs) }
    }
    return try JSONDecoder().decode(PlanFile.self, from: data)
  }
}
