import AMFArtifacts
import AMFCore
import AMFNumerics

extension TaskIsolatedMLPPolicy where Scalar == Float {
  /// Where the artifact keeps the per-task parts.
  static var group: String { "/task_isolation" }

  /// The content of a `policy` artifact (variant `task_isolation`): π₀ under `/prior/layers`, the shared
  /// normalizer, `/task_isolation/tasks_with_data` `(m × k)`, and network i under
  /// `/task_isolation/networks/<i>/layers` (i = 0…m−1, the row of its task in `tasks_with_data`).
  public func artifactContent() throws -> ArtifactGroup {
    var group = try MLPArtifactCoding.header(prior, variant: .taskIsolation)
    try MLPArtifactCoding.write(prior.network, under: "/prior", into: &group)
    try group.setDataset(
      try .matrix(tasksWithData.storage, rows: tasksWithData.rows, columns: architecture.taskFeatureDimension),
      at: "\(Self.group)/tasks_with_data")
    for (index, network) in fineTuned.enumerated() {
      try MLPArtifactCoding.write(network.network, under: "\(Self.group)/networks/\(index)", into: &group)
    }
    return group
  }

  /// Reads a task-isolation policy; throws `ArtifactError` naming the object that is missing or misshapen.
  public init(artifactContent group: ArtifactGroup, file: String) throws(ArtifactError) {
    let architecture = try MLPArtifactCoding.description(of: group, expecting: .taskIsolation, file: file)
      .architecture
    let normalizer = try MLPArtifactCoding.normalizer(in: group, architecture: architecture, file: file)
    let prior = try MLPArtifactCoding.network(in: group, under: "/prior", architecture: architecture, file: file)
    let k = architecture.taskFeatureDimension
    let path = "\(Self.group)/tasks_with_data"
    let rows: Int
    do {
      let array = try group.dataset(at: path)
      try array.checkShape([nil, k], object: path)
      rows = array.shape[0]
    } catch {
      throw error.inFile(file)
    }
    let tasks = try MLPArtifactCoding.matrix(path, shape: Shape(rows, k), in: group, file: file)
    let stored = group.group(at: "\(Self.group)/networks")?.groups.count ?? 0
    guard stored == rows else {
      throw ArtifactError.invalidValue(
        file: file, object: "\(Self.group)/networks",
        reason: "holds \(stored) task networks for the \(rows) rows of \(path); the file is inconsistent: rewrite it")
    }
    var networks: [MLPPolicy<Float>] = []
    for index in 0..<rows {
      let network = try MLPArtifactCoding.network(
        in: group, under: "\(Self.group)/networks/\(index)", architecture: architecture, file: file)
      networks.append(MLPPolicy(network: network, normalizer: normalizer))
    }
    self.init(prior: MLPPolicy(network: prior, normalizer: normalizer), fineTuned: networks, tasksWithData: tasks)
  }
}
