/// Everything that can be wrong with a robomimic or Minari file, or a bring-your-own embeddings file, being
/// imported or exported: each case names the file, the object or field, and the fix (exit status 65).
public enum InteropError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file does not have the format's layout (a missing group or dataset, a stray group).
  case layout(file: String, object: String, format: String, reason: String)
  /// An episode's observation rows are not as wide as the environment's observations.
  case observationWidth(file: String, episode: String, keys: [String], found: Int, expected: Int, environment: String)
  /// An episode's action rows are not as wide as the environment's actions.
  case actionWidth(file: String, episode: String, found: Int, expected: Int, environment: String)
  /// Two per-step arrays of one episode disagree on its length.
  case lengthMismatch(file: String, episode: String, field: String, found: Int, expected: Int, reason: String)
  /// An episode is empty or longer than the environment's horizon.
  case episodeLength(file: String, episode: String, steps: Int, horizon: Int, environment: String)
  /// No task could be found for an episode.
  case taskMissing(file: String, episode: String, key: String)
  /// The task value found is not an integer task id and the task map does not name it.
  case taskUnmapped(file: String, episode: String, key: String, value: String)
  /// The task id is not a task of the environment.
  case taskOutOfRange(file: String, episode: String, field: String, task: Int, taskCount: Int, environment: String)
  /// The task map file is not a JSON object of integers.
  case taskMap(file: String, reason: String)
  /// A value is present but not usable (a NaN, a negative count, a wrong type), with what to do.
  case invalidValue(file: String, object: String, reason: String, fix: String)
  /// The output exists and is not overwritten.
  case outputExists(path: String)

  public var description: String {
    switch self {
    case .layout(let file, let object, let format, let reason):
      "\(file): \(object): \(reason); this is not a \(format) file in the layout docs/INTEROP.md describes"
    case .observationWidth(let file, let episode, let keys, let found, let expected, let environment):
      "\(file): \(episode): observations [\(keys.joined(separator: ", "))] are \(found) wide, but \(environment) "
        + "observations are \(expected) wide; pick the keys with --obs-keys, or import with the --env the data was "
        + "recorded in"
    case .actionWidth(let file, let episode, let found, let expected, let environment):
      "\(file): \(episode)/actions: actions are \(found) wide, but \(environment) actions are \(expected) wide; "
        + "import with the --env the data was recorded in"
    case .lengthMismatch(let file, let episode, let field, let found, let expected, let reason):
      "\(file): \(episode)/\(field): has \(found) rows, expected \(expected) (\(reason)); the episode is "
        + "inconsistent: re-record or drop it"
    case .episodeLength(let file, let episode, let steps, let horizon, let environment):
      "\(file): \(episode): \(steps) steps, but \(environment) episodes have 1 … \(horizon) steps; drop or cut the "
        + "episode, or import with the --env the data was recorded in"
    case .taskMissing(let file, let episode, let key):
      "\(file): \(episode): no task: neither an attribute '\(key)' nor infos/\(key) nor a --task-map entry for "
        + "\(episode); name where the task is with --task-key, or map episodes to tasks with --task-map FILE"
    case .taskUnmapped(let file, let episode, let key, let value):
      "\(file): \(episode)@\(key): task value '\(value)' is not an integer task id; pass --task-map FILE with "
        + "{\"\(value)\": <task id>, …}"
    case .taskOutOfRange(let file, let episode, let field, let task, let taskCount, let environment):
      "\(file): \(episode)@\(field): task \(task) is not a task of \(environment) (tasks 0 … \(taskCount - 1)); "
        + "fix the ids, or map them with --task-map FILE"
    case .taskMap(let file, let reason):
      "\(file): task map: \(reason); write a JSON object like {\"pick\": 0, \"demo_3\": 1} (values are task ids)"
    case .invalidValue(let file, let object, let reason, let fix):
      "\(file): \(object): \(reason); \(fix)"
    case .outputExists(let path):
      "\(path): exists and is not overwritten; remove it or choose another --output"
    }
  }
}
