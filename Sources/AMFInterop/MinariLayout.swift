import AMFArtifacts
import AMFCore
import Foundation

/// Minari's dataset layout (minari.farama.org, "Dataset Standards", format `hdf5`, Minari 0.5), read and written.
///
/// A dataset folder holds `data/main_data.hdf5` and `data/metadata.json`. The HDF5 file has one group
/// `episode_N` per episode, sorted by N, with datasets `observations` ((T+1) × d: the last row is the final
/// observation, which amf drops; or a group of keys, concatenated in name order or `--obs-keys`), `actions`
/// (T × a), `rewards`, `terminations`, `truncations` (T) and a group `infos`. amf's `dones` are the
/// terminations. Success: the episode's `success` attribute, else the last of `infos/success`, else its last
/// termination. The task: the episode attribute `--task-key`, else `infos/<task-key>` (constant per episode).
enum MinariLayout {
  static let format = "minari"
  /// The HDF5 file inside a dataset folder.
  static let dataFile = "data/main_data.hdf5"
  /// The metadata file inside a dataset folder.
  static let metadataFile = "data/metadata.json"

  /// The HDF5 file of `path`: a dataset folder, its `data` folder, or the HDF5 file itself.
  static func dataURL(_ path: String) -> URL {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
      return URL(fileURLWithPath: path)
    }
    let folder = URL(fileURLWithPath: path)
    let inData = folder.appendingPathComponent("main_data.hdf5")
    return FileManager.default.fileExists(atPath: inData.path) ? inData : folder.appendingPathComponent(dataFile)
  }

  /// The episodes of `tree` in Minari's order (by N).
  static func episodes(_ tree: ArtifactGroup, file: String, options: ImportOptions) throws(InteropError)
    -> [RecordedEpisode]
  {
    var numbered: [(Int, String)] = []
    for name in tree.groups.keys {
      guard let index = ForeignTree.index(of: name, prefix: "episode_") else {
        throw InteropError.layout(file: file, object: "/\(name)", format: format, reason: "a group not named episode_<N>")
      }
      numbered.append((index, name))
    }
    guard !numbered.isEmpty else {
      throw InteropError.layout(file: file, object: "/", format: format, reason: "no episode_<N> groups")
    }
    var episodes: [RecordedEpisode] = []
    for (_, name) in numbered.sorted(by: { $0.0 < $1.0 }) {
      if let group = tree.groups[name] { episodes.append(try episode(group, name: name, file: file, options: options)) }
    }
    return episodes
  }

  private static func episode(_ group: ArtifactGroup, name: String, file: String, options: ImportOptions)
    throws(InteropError) -> RecordedEpisode
  {
    let path = "/\(name)"
    func dataset(_ field: String) throws(InteropError) -> ArtifactArray {
      guard let array = group.datasets[field] else {
        throw InteropError.layout(file: file, object: "\(path)/\(field)", format: format, reason: "missing dataset")
      }
      return array
    }
    let actions = try Rows(try dataset("actions"), file: file, object: "\(path)/actions")
    let steps = actions.rows
    let observed = try ForeignTree.observations(
      group, name: "observations", keys: options.observationKeys, file: file, object: "\(path)/observations")
    let rewards = try Rows(try dataset("rewards"), file: file, object: "\(path)/rewards")
    let terminations = try ForeignTree.flags(try dataset("terminations"), file: file, object: "\(path)/terminations")
    let truncations = try ForeignTree.flags(try dataset("truncations"), file: file, object: "\(path)/truncations")
    let lengths = [
      ("observations", observed.rows.rows, steps + 1, "one row per action plus the final observation"),
      ("rewards", rewards.rows, steps, "one per action"), ("terminations", terminations.count, steps, "one per action"),
      ("truncations", truncations.count, steps, "one per action"),
    ]
    for (field, found, expected, reason) in lengths where found != expected {
      throw InteropError.lengthMismatch(
        file: file, episode: path, field: field, found: found, expected: expected, reason: reason)
    }
    if let total = ForeignTree.number(group.attributes["total_steps"]), Int(total) != steps {
      throw InteropError.lengthMismatch(
        file: file, episode: path, field: "@total_steps", found: Int(total), expected: steps,
        reason: "total_steps is the number of actions")
    }
    let infos = group.groups["infos"]?.datasets ?? [:]
    let successInfo = infos["success"].flatMap { try? ForeignTree.flags($0, file: file, object: "") }?.last
    let success =
      ForeignTree.number(group.attributes["success"]).map { $0 != 0 } ?? successInfo ?? (terminations.last ?? false)
    let task = group.attributes[options.taskKey].flatMap(TaskLabel.init) ?? infos[options.taskKey].flatMap(TaskLabel.init)
    return RecordedEpisode(
      name: name, observationKeys: observed.keys, observations: observed.rows.prefix(rows: steps), actions: actions,
      rewards: rewards.values, dones: terminations, task: task, isSuccess: success,
      source: ForeignTree.string(group.attributes["source"]),
      expertNoiseStd: ForeignTree.number(group.attributes["expert_noise_std"]))
  }

  /// The Minari HDF5 tree of `set`: `observations` with the last row repeated as the final observation
  /// (amf does not keep it), terminations = dones, truncations true only at a last step that is not done,
  /// flags as uint8 0/1, an empty `infos` group, and amf's per-episode attributes.
  static func tree(of set: DemonstrationSet) throws -> ArtifactGroup {
    var tree = ArtifactGroup()
    for (index, demo) in set.demonstrations.enumerated() {
      let path = "/episode_\(index)"
      let steps = demo.stepCount
      let width = set.observationDimension
      let final = steps > 0 ? Array(demo.observations[((steps - 1) * width)...]) : []
      try tree.setDataset(
        try .matrix(demo.observations + final, rows: steps + 1, columns: width), at: "\(path)/observations")
      try tree.setDataset(try .matrix(demo.actions, rows: steps, columns: set.actionDimension), at: "\(path)/actions")
      try tree.setDataset(.vector(demo.rewards.map { Double($0) }), at: "\(path)/rewards")
      try tree.setDataset(.vector(demo.dones.map { $0 ? UInt8(1) : 0 }), at: "\(path)/terminations")
      let truncated = demo.dones.indices.map { $0 == steps - 1 && !demo.dones[$0] ? UInt8(1) : 0 }
      try tree.setDataset(.vector(truncated), at: "\(path)/truncations")
      try tree.ensureGroup(at: "\(path)/infos")
      try tree.setAttribute("id", .scalar(Int64(index)), onGroup: path)
      try tree.setAttribute("total_steps", .scalar(Int64(steps)), onGroup: path)
      try EpisodeAttributes.write(demo, into: &tree, at: path)
    }
    return tree
  }

  /// `data/metadata.json` of `set` as Minari 0.5 reads it: Box spaces without bounds (amf records none).
  static func metadata(of set: DemonstrationSet, datasetID: String) throws -> String {
    func box(_ width: Int) -> String {
      let low = Array(repeating: "-Infinity", count: width).joined(separator: ", ")
      let high = Array(repeating: "Infinity", count: width).joined(separator: ", ")
      return "{\"type\": \"Box\", \"dtype\": \"float32\", \"shape\": [\(width)], \"low\": [\(low)], \"high\": [\(high)]}"
    }
    let fields: [(String, String)] = [
      ("action_space", try CanonicalJSON.string(box(set.actionDimension))),
      ("algorithm_name", try CanonicalJSON.string("amf-pipeline export")),
      ("amf_env_args", try CanonicalJSON.string(set.environmentArgumentsJSON)),
      ("amf_env_name", try CanonicalJSON.string(set.environmentName)),
      ("data_format", "\"hdf5\""), ("dataset_id", try CanonicalJSON.string(datasetID)),
      ("jpeg_encoding", "false"), ("minari_version", "\"0.5.4\""),
      ("observation_space", try CanonicalJSON.string(box(set.observationDimension))),
      ("total_episodes", String(set.demonstrations.count)),
      ("total_steps", String(set.demonstrations.reduce(0) { $0 + $1.stepCount })),
    ]
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}\n"
  }
}
