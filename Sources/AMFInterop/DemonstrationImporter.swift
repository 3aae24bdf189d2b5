import AMFArtifacts

/// Checks recorded episodes against an environment and builds the demonstration set, one clear error per
/// problem: widths, lengths, tasks.
enum DemonstrationImporter {
  /// The set of `episodes` in file order; `masks` carry over.
  static func demonstrationSet(
    _ episodes: [RecordedEpisode], masks: [String: [Int]], target: DemonstrationTarget, options: ImportOptions,
    file: String
  ) throws -> DemonstrationSet {
    var demos: [DemonstrationSet.Demonstration] = []
    for episode in episodes {
      try check(episode, target: target, file: file)
      let task = try taskID(of: episode, target: target, options: options, file: file)
      let source = episode.source.flatMap(DemonstrationSource.init) ?? .pretrain
      demos.append(
        DemonstrationSet.Demonstration(
          task: task, taskFeatures: target.taskFeatures[task], source: source.description,
          isSuccess: episode.isSuccess, expertNoiseStd: episode.expertNoiseStd ?? target.expertNoiseStd[task],
          observations: episode.observations.values, actions: episode.actions.values, rewards: episode.rewards,
          dones: episode.dones))
    }
    return try DemonstrationSet(
      environmentName: target.environment.rawValue, environmentArgumentsJSON: try target.argumentsJSON(),
      observationDimension: target.observationDimension, actionDimension: target.actionDimension,
      demonstrations: demos, masks: masks)
  }

  /// Widths, finiteness and length against the environment.
  static func check(_ episode: RecordedEpisode, target: DemonstrationTarget, file: String) throws(InteropError) {
    let name = target.environment.rawValue
    guard episode.observations.width == target.observationDimension else {
      throw InteropError.observationWidth(
        file: file, episode: episode.name, keys: episode.observationKeys, found: episode.observations.width,
        expected: target.observationDimension, environment: name)
    }
    guard episode.actions.width == target.actionDimension else {
      throw InteropError.actionWidth(
        file: file, episode: episode.name, found: episode.actions.width, expected: target.actionDimension,
        environment: name)
    }
    let steps = episode.actions.rows
    guard (1...target.horizon).contains(steps) else {
      throw InteropError.episodeLength(
        file: file, episode: episode.name, steps: steps, horizon: target.horizon, environment: name)
    }
    let arrays = [("observations", episode.observations.values), ("actions", episode.actions.values),
                  ("rewards", episode.rewards)]
    for (field, values) in arrays where !values.allSatisfy(\.isFinite) {
      throw InteropError.invalidValue(
        file: file, object: "\(episode.name)/\(field)", reason: "has a NaN or infinite value",
        fix: "clean the recording or drop the episode")
    }
  }

  /// The task id of `episode`: its label (mapped through the task map when there is one), else the task
  /// map's entry for its name.
  static func taskID(of episode: RecordedEpisode, target: DemonstrationTarget, options: ImportOptions, file: String)
    throws(InteropError) -> Int
  {
    let task: Int
    switch (episode.task, options.taskMap) {
    case (.some(let label), .some(let map)):
      guard let mapped = map[label.text] ?? map[episode.name] else {
        throw InteropError.taskUnmapped(file: file, episode: episode.name, key: options.taskKey, value: label.text)
      }
      task = mapped
    case (.some(.id(let id)), nil): task = id
    case (.some(.name(let text)), nil):
      throw InteropError.taskUnmapped(file: file, episode: episode.name, key: options.taskKey, value: text)
    case (nil, .some(let map)):
      guard let mapped = map[episode.name] else {
        throw InteropError.taskMissing(file: file, episode: episode.name, key: options.taskKey)
      }
      task = mapped
    case (nil, nil): throw InteropError.taskMissing(file: file, episode: episode.name, key: options.taskKey)
    }
    guard (0..<target.taskCount).contains(task) else {
      throw InteropError.taskOutOfRange(
        file: file, episode: episode.name, field: options.taskKey, task: task, taskCount: target.taskCount,
        environment: target.environment.rawValue)
    }
    return task
  }
}
