/// Writing and strictly reading `DemonstrationSet` as artifact content.
extension DemonstrationSet {
  /// The content group of a `demonstrations` artifact.
  public func contentGroup() throws(ArtifactError) -> ArtifactGroup {
    var group = ArtifactGroup()
    try group.ensureGroup(at: "/data")
    try group.setAttribute("total", .scalar(Int64(demonstrations.count)), onGroup: "/data")
    try group.setAttribute("env_name", .scalar(environmentName), onGroup: "/data")
    try group.setAttribute("env_args", .scalar(environmentArgumentsJSON), onGroup: "/data")
    for (index, demo) in demonstrations.enumerated() {
      let path = "/data/\(Self.demoName(index))"
      let steps = demo.stepCount
      let observations = try ArtifactArray.matrix(demo.observations, rows: steps, columns: observationDimension)
      try group.setDataset(observations, at: "\(path)/obs")
      try group.setDataset(try .matrix(demo.actions, rows: steps, columns: actionDimension), at: "\(path)/actions")
      try group.setDataset(.vector(demo.rewards), at: "\(path)/rewards")
      try group.setDataset(.vector(demo.dones.map { $0 ? UInt8(1) : 0 }), at: "\(path)/dones")
      try group.setAttribute("task", .scalar(Int64(demo.task)), onGroup: path)
      try group.setAttribute("task_features", .vector(demo.taskFeatures), onGroup: path)
      try group.setAttribute("source", .scalar(demo.source), onGroup: path)
      try group.setAttribute("success", .scalar(demo.isSuccess), onGroup: path)
      try group.setAttribute("expert_noise_std", .scalar(demo.expertNoiseStd), onGroup: path)
    }
    try group.ensureGroup(at: "/mask")
    for (split, indices) in masks {
      try group.setDataset(.vector(indices.map(Self.demoName)), at: "/mask/\(split)")
    }
    return group
  }

  /// A `demonstrations` artifact with this content.
  public func artifact(provenance: Provenance) throws(ArtifactError) -> Artifact {
    Artifact(kind: .demonstrations, provenance: provenance, content: try contentGroup())
  }

  /// Reads a set from a `demonstrations` artifact, checking every object's type and shape.
  ///
  /// Edge cases: throws `wrongKind` for another kind, `missingObject` for an absent object, `invalidValue`
  /// when `total` disagrees with the demo groups or a group is not named `demo_0 … demo_{n−1}`, and
  /// `shapeMismatch` naming the object whose shape does not fit the first demo's dimensions.
  public init(_ artifact: Artifact) throws(ArtifactError) {
    guard artifact.kind == .demonstrations else {
      throw ArtifactError.wrongKind(file: "", expected: "demonstrations", found: artifact.kind.rawValue)
    }
    let content = artifact.content
    guard let data = content.group(at: "/data") else {
      throw ArtifactError.missingObject(file: "", object: "group /data")
    }
    let total = Int(try content.attribute("total", onGroup: "/data").scalarInteger(object: "/data@total"))
    let names = data.groups.keys.sorted()
    guard names.count == total, Set(names) == Set((0..<total).map(Self.demoName)) else {
      throw ArtifactError.invalidValue(
        file: "", object: "/data", reason: "total is \(total) but the demo groups are \(names.prefix(5))…")
    }
    let first = total > 0 ? try content.dataset(at: "/data/demo_0/obs").shape : [0, 1]
    let firstActions = total > 0 ? try content.dataset(at: "/data/demo_0/actions").shape : [0, 1]
    guard first.count == 2, firstActions.count == 2 else {
      throw ArtifactError.shapeMismatch(file: "", object: "/data/demo_0/obs", expected: "T×d", found: "\(first)")
    }
    var demos: [Demonstration] = []
    for index in 0..<total {
      demos.append(try Self.readDemo(content, index: index, observationWidth: first[1], actionWidth: firstActions[1]))
    }
    var masks: [String: [Int]] = [:]
    for (split, array) in content.group(at: "/mask")?.datasets ?? [:] {
      let object = "/mask/\(split)"
      try array.checkShape([nil], object: object)
      masks[split] = try array.stringValues(object: object).map { (name) throws(ArtifactError) -> Int in
        guard name.hasPrefix("demo_"), let index = Int(name.dropFirst(5)), (0..<total).contains(index) else {
          throw ArtifactError.invalidValue(file: "", object: object, reason: "'\(name)' names no demo")
        }
        return index
      }
    }
    try self.init(
      environmentName: try content.attribute("env_name", onGroup: "/data").scalarString(object: "/data@env_name"),
      environmentArgumentsJSON: try content.attribute("env_args", onGroup: "/data")
        .scalarString(object: "/data@env_args"),
      observationDimension: first[1], actionDimension: firstActions[1], demonstrations: demos, masks: masks)
  }

  private static func readDemo(_ content: ArtifactGroup, index: Int, observationWidth: Int, actionWidth: Int)
    throws(ArtifactError) -> Demonstration
  {
    let path = "/data/\(demoName(index))"
    func array(_ name: String, _ shape: [Int?]) throws(ArtifactError) -> ArtifactArray {
      let value = try content.dataset(at: "\(path)/\(name)")
      try value.checkShape(shape, object: "\(path)/\(name)")
      return value
    }
    func attribute(_ name: String) throws(ArtifactError) -> ArtifactArray {
      try content.attribute(name, onGroup: path)
    }
    let rewards = try array("rewards", [nil]).float32Values(object: "\(path)/rewards")
    let steps = rewards.count
    let features = try attribute("task_features")
    try features.checkShape([nil], object: "\(path)@task_features")
    let success = try attribute("success")
    try success.checkShape([], object: "\(path)@success")
    let noise = try attribute("expert_noise_std")
    try noise.checkShape([], object: "\(path)@expert_noise_std")
    return Demonstration(
      task: Int(try attribute("task").scalarInteger(object: "\(path)@task")),
      taskFeatures: try features.float64Values(object: "\(path)@task_features"),
      source: try attribute("source").scalarString(object: "\(path)@source"),
      isSuccess: try success.uint8Values(object: "\(path)@success")[0] != 0,
      expertNoiseStd: try noise.float64Values(object: "\(path)@expert_noise_std")[0],
      observations: try array("obs", [steps, observationWidth]).float32Values(object: "\(path)/obs"),
      actions: try array("actions", [steps, actionWidth]).float32Values(object: "\(path)/actions"),
      rewards: rewards,
      dones: try array("dones", [steps]).uint8Values(object: "\(path)/dones").map { $0 != 0 })
  }
}
