/// The foreign demonstration layouts `amf-pipeline import/export demonstrations` read and write
/// (docs/INTEROP.md has each field mapping).
public enum DemonstrationFormat: String, CaseIterable, Sendable {
  /// robomimic's HDF5: `data/demo_N/{obs/<key>, actions, rewards, dones}`, `data.attrs["env_args"]`.
  case robomimic
  /// Minari's dataset folder: `data/main_data.hdf5` with `episode_N/{observations, actions, rewards,
  /// terminations, truncations, infos}` and `data/metadata.json`.
  case minari
}

/// How an import finds what amf needs in a foreign file.
public struct ImportOptions: Sendable, Equatable {
  /// The format of the file.
  public var format: DemonstrationFormat
  /// The per-episode attribute (or Minari `infos/<key>` dataset) holding the task.
  public var taskKey: String
  /// Task value (or episode name) → task id; nil: task values must be integer ids.
  public var taskMap: [String: Int]?
  /// The observation keys concatenated, in this order; nil: every key, sorted by name.
  public var observationKeys: [String]?

  /// The default task key: the attribute amf's own export writes.
  public static let defaultTaskKey = "task"

  /// Creates options.
  public init(
    format: DemonstrationFormat, taskKey: String = Self.defaultTaskKey, taskMap: [String: Int]? = nil,
    observationKeys: [String]? = nil
  ) {
    self.format = format
    self.taskKey = taskKey
    self.taskMap = taskMap
    self.observationKeys = observationKeys
  }
}
