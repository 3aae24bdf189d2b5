import AMFArtifacts
import AMFCore

/// robomimic's HDF5 layout (robomimic.github.io, "Dataset Structure"), read and written.
///
/// `data` attributes `total` and `env_args` (JSON `{"env_name", "type", "env_kwargs"}`); `data/demo_N`
/// groups, sorted by N, with attribute `num_samples` and datasets `obs/<key>` (T × k), `actions` (T × a),
/// `rewards` (T), `dones` (T); `mask/<filter>` lists demo names. Observations are the `obs` keys concatenated
/// in name order (or `--obs-keys`); `next_obs` and `states` are not read. Success: the demo's `success`
/// attribute if it has one, else whether its last reward is positive (robomimic's sparse reward is 1 on success).
enum RobomimicLayout {
  static let format = "robomimic"

  /// The demos of `tree` in robomimic's order (by N), and the masks by demo position.
  static func episodes(_ tree: ArtifactGroup, file: String, options: ImportOptions)
    throws(InteropError) -> (episodes: [RecordedEpisode], masks: [String: [Int]])
  {
    guard let data = tree.groups["data"] else {
      throw InteropError.layout(file: file, object: "/data", format: format, reason: "missing group")
    }
    var numbered: [(Int, String)] = []
    for name in data.groups.keys {
      guard let index = ForeignTree.index(of: name, prefix: "demo_") else {
        throw InteropError.layout(
          file: file, object: "/data/\(name)", format: format, reason: "a group not named demo_<N>")
      }
      numbered.append((index, name))
    }
    let names = numbered.sorted { $0.0 < $1.0 }.map(\.1)
    var episodes: [RecordedEpisode] = []
    for name in names {
      if let group = data.groups[name] { episodes.append(try episode(group, name: name, file: file, options: options)) }
    }
    return (episodes, try masks(tree, names: names, file: file))
  }

  private static func episode(_ group: ArtifactGroup, name: String, file: String, options: ImportOptions)
    throws(InteropError) -> RecordedEpisode
  {
    let path = "/data/\(name)"
    func dataset(_ field: String) throws(InteropError) -> ArtifactArray {
      guard let array = group.datasets[field] else {
        throw InteropError.layout(file: file, object: "\(path)/\(field)", format: format, reason: "missing dataset")
      }
      return array
    }
    let actions = try Rows(try dataset("actions"), file: file, object: "\(path)/actions")
    let observed = try ForeignTree.observations(
      group, name: "obs", keys: options.observationKeys, file: file, object: "\(path)/obs")
    let rewards = try Rows(try dataset("rewards"), file: file, object: "\(path)/rewards")
    let dones = try ForeignTree.flags(try dataset("dones"), file: file, object: "\(path)/dones")
    let steps = actions.rows
    let lengths = [("obs", observed.rows.rows), ("rewards", rewards.rows), ("dones", dones.count)]
    for (field, found) in lengths where found != steps {
      throw InteropError.lengthMismatch(
        file: file, episode: path, field: field, found: found, expected: steps, reason: "one row per action")
    }
    if let samples = ForeignTree.number(group.attributes["num_samples"]), Int(samples) != steps {
      throw InteropError.lengthMismatch(
        file: file, episode: path, field: "@num_samples", found: Int(samples), expected: steps,
        reason: "num_samples is the number of actions")
    }
    let success = ForeignTree.number(group.attributes["success"]).map { $0 != 0 } ?? ((rewards.values.last ?? 0) > 0)
    return RecordedEpisode(
      name: name, observationKeys: observed.keys, observations: observed.rows, actions: actions,
      rewards: rewards.values, dones: dones, task: group.attributes[options.taskKey].flatMap(TaskLabel.init),
      isSuccess: success, source: ForeignTree.string(group.attributes["source"]),
      expertNoiseStd: ForeignTree.number(group.attributes["expert_noise_std"]))
  }

  /// `mask/<filter>` as demo positions (robomimic stores demo names, as bytes or strings).
  private static func masks(_ tree: ArtifactGroup, names: [String], file: String) throws(InteropError) -> [String: [Int]] {
    let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    var masks: [String: [Int]] = [:]
    for (filter, array) in tree.groups["mask"]?.datasets ?? [:] {
      guard case .string(let members) = array.elements else {
        throw InteropError.invalidValue(
          file: file, object: "/mask/\(filter)", reason: "is not a list of demo names", fix: "store demo names")
      }
      masks[filter] = try members.map { (member) throws(InteropError) -> Int in
        guard let index = position[member] else {
          throw InteropError.invalidValue(
            file: file, object: "/mask/\(filter)", reason: "names '\(member)', which is not a demo",
            fix: "list only demos under /data")
        }
        return index
      }
    }
    return masks
  }

  /// The robomimic tree of `set`: one observation key `obs/observation`, float32 actions and rewards,
  /// int64 dones, and amf's per-demo attributes (`task`, `success`, `source`, `expert_noise_std`).
  static func tree(of set: DemonstrationSet) throws -> ArtifactGroup {
    var tree = ArtifactGroup()
    // robomimic's env_args; type 2 is its EnvType.GYM_TYPE. env_kwargs are amf's env_args (canonical JSON).
    let envArgs =
      "{\"env_kwargs\":\(set.environmentArgumentsJSON),\"env_name\":\(try CanonicalJSON.string(set.environmentName)),"
      + "\"type\":2}"
    try tree.setAttribute("total", .scalar(Int64(set.demonstrations.reduce(0) { $0 + $1.stepCount })), onGroup: "/data")
    try tree.setAttribute("env_args", .scalar(envArgs), onGroup: "/data")
    for (index, demo) in set.demonstrations.enumerated() {
      let path = "/data/\(DemonstrationSet.demoName(index))"
      let steps = demo.stepCount
      try tree.setDataset(
        try .matrix(demo.observations, rows: steps, columns: set.observationDimension), at: "\(path)/obs/observation")
      try tree.setDataset(try .matrix(demo.actions, rows: steps, columns: set.actionDimension), at: "\(path)/actions")
      try tree.setDataset(.vector(demo.rewards), at: "\(path)/rewards")
      try tree.setDataset(.vector(demo.dones.map { $0 ? Int64(1) : 0 }), at: "\(path)/dones")
      try tree.setAttribute("num_samples", .scalar(Int64(steps)), onGroup: path)
      try EpisodeAttributes.write(demo, into: &tree, at: path)
    }
    for (split, indices) in set.masks {
      try tree.setDataset(.vector(indices.map(DemonstrationSet.demoName)), at: "/mask/\(split)")
    }
    return tree
  }
}

/// amf's per-episode attributes, written by both exports so that an import of the export is lossless.
enum EpisodeAttributes {
  static func write(_ demo: DemonstrationSet.Demonstration, into tree: inout ArtifactGroup, at path: String) throws {
    try tree.setAttribute("task", .scalar(Int64(demo.task)), onGroup: path)
    try tree.setAttribute("success", .scalar(demo.isSuccess), onGroup: path)
    try tree.setAttribute("source", .scalar(demo.source), onGroup: path)
    try tree.setAttribute("expert_noise_std", .scalar(demo.expertNoiseStd), onGroup: path)
  }
}
