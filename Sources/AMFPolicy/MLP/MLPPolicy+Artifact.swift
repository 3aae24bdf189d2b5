import AMFArtifacts
import AMFCore
import AMFNumerics

extension MLPPolicy where Scalar == Float {
  /// The content of a `policy` artifact (ARTIFACTS.md): `/layers/<k>/{weight, bias}`,
  /// `/normalizer/{mean, std}`, root attributes `architecture` (see `MLPArtifactDescription`) and `family`.
  public func artifactContent() throws -> ArtifactGroup {
    var group = try MLPArtifactCoding.header(self, variant: .plain)
    try MLPArtifactCoding.write(network, under: "", into: &group)
    return group
  }

  /// Reads a plain MLP policy; throws `ArtifactError` naming the object that is missing or misshapen.
  public init(artifactContent group: ArtifactGroup, file: String) throws(ArtifactError) {
    let architecture = try MLPArtifactCoding.description(of: group, expecting: .plain, file: file).architecture
    self.init(network: try MLPArtifactCoding.network(in: group, under: "", architecture: architecture, file: file),
              normalizer: try MLPArtifactCoding.normalizer(in: group, architecture: architecture, file: file))
  }
}

extension IsolatedMLPPolicy where Scalar == Float {
  /// The content of a `policy` artifact: the fine-tuned network under `/layers`, π₀ under
  /// `/prior/layers`, the shared normalizer, and `/isolation/tasks_with_data` `(m × k)`.
  public func artifactContent() throws -> ArtifactGroup {
    var group = try MLPArtifactCoding.header(fineTuned, variant: .isolation)
    try MLPArtifactCoding.write(fineTuned.network, under: "", into: &group)
    try MLPArtifactCoding.write(prior.network, under: "/prior", into: &group)
    try group.setDataset(try .matrix(tasksWithData.storage, rows: tasksWithData.rows,
                                     columns: architecture.taskFeatureDimension), at: "/isolation/tasks_with_data")
    return group
  }

  /// Reads an isolation policy; throws `ArtifactError` naming the object that is missing or misshapen.
  public init(artifactContent group: ArtifactGroup, file: String) throws(ArtifactError) {
    let architecture = try MLPArtifactCoding.description(of: group, expecting: .isolation, file: file).architecture
    let normalizer = try MLPArtifactCoding.normalizer(in: group, architecture: architecture, file: file)
    let tuned = try MLPArtifactCoding.network(in: group, under: "", architecture: architecture, file: file)
    let prior = try MLPArtifactCoding.network(in: group, under: "/prior", architecture: architecture, file: file)
    let path = "/isolation/tasks_with_data"
    let rows: Int
    do {
      let array = try group.dataset(at: path)
      try array.checkShape([nil, architecture.taskFeatureDimension], object: path)
      rows = array.shape[0]
    } catch {
      throw error.inFile(file)
    }
    let tasks = try MLPArtifactCoding.matrix(path, shape: Shape(rows, architecture.taskFeatureDimension), in: group,
                                             file: file)
    self.init(prior: MLPPolicy(network: prior, normalizer: normalizer),
              fineTuned: MLPPolicy(network: tuned, normalizer: normalizer), tasksWithData: tasks)
  }
}

extension AdaptivePriorPolicy where Scalar == Float {
  /// The content of a `policy` artifact: the fine-tuned network under `/layers`, π₀ under
  /// `/prior/layers` (so the file is self-contained), `/mixing/{weight (k), bias (1)}`, and the root
  /// attribute `prior_content_sha256`.
  public func artifactContent() throws -> ArtifactGroup {
    var group = try MLPArtifactCoding.header(fineTuned, variant: .adaptivePrior)
    try MLPArtifactCoding.write(fineTuned.network, under: "", into: &group)
    try MLPArtifactCoding.write(prior.network, under: "/prior", into: &group)
    try group.setDataset(.vector(mixing.weight.storage), at: "/mixing/weight")
    try group.setDataset(.vector(mixing.bias.storage), at: "/mixing/bias")
    try group.setAttribute(MLPArtifactCoding.priorHashAttribute, .scalar(priorContentHash))
    return group
  }

  /// Reads an adaptive-prior policy; throws `ArtifactError` naming the object that is missing or misshapen.
  public init(artifactContent group: ArtifactGroup, file: String) throws(ArtifactError) {
    let architecture = try MLPArtifactCoding.description(of: group, expecting: .adaptivePrior, file: file)
      .architecture
    let normalizer = try MLPArtifactCoding.normalizer(in: group, architecture: architecture, file: file)
    let tuned = try MLPArtifactCoding.network(in: group, under: "", architecture: architecture, file: file)
    let prior = try MLPArtifactCoding.network(in: group, under: "/prior", architecture: architecture, file: file)
    let k = architecture.taskFeatureDimension
    let weight = try MLPArtifactCoding.vector("/mixing/weight", count: k, in: group, file: file)
    let bias = try MLPArtifactCoding.vector("/mixing/bias", count: 1, in: group, file: file)
    let hash: String
    do {
      hash = try group.attribute(MLPArtifactCoding.priorHashAttribute)
        .scalarString(object: "attribute \(MLPArtifactCoding.priorHashAttribute)")
    } catch {
      throw error.inFile(file)
    }
    self.init(prior: MLPPolicy(network: prior, normalizer: normalizer),
              fineTuned: MLPPolicy(network: tuned, normalizer: normalizer),
              mixing: DenseLayer(weight: Matrix(rows: k, columns: 1, converting: weight),
                                 bias: Matrix(rows: 1, columns: 1, converting: bias)),
              priorContentHash: hash)
  }
}
