import AMFCore

/// The `embeddings` artifact (ARTIFACTS.md "Layouts"): the proxy pool of one round, its importance weights,
/// and the kernel inputs of AMF at the target, candidate and conditioning points (AMF.md §2).
///
/// Layout: `/pool/{task, length (int64), source (string)}` (P), `/pool/log_ratios` and `/pool/log_weights`
/// (P × |C|, float64: raw log-ratios l_i(c) and normalized log w̄_i(c)), `/pool/{ess, own_share,
/// clipped_fraction}` (|C|, float64); `/tasks/{target_weight (float64), collected (int64)}` (|C|);
/// `/targets/{phi (n_T × p, float32), task, pool_index, t (int64)}`, the same under `/candidates`, and
/// `/conditioning/{phi, task}`; `/entropy` (n_C, float64: the policy's entropy at each candidate point).
/// Attributes: `kind` (`loss_gradient`, `nll_gradient`, `last_layer`, `dropout`, or `gp_rbf` for a GP
/// policy, whose "phi" are standardized inputs), `space` (`weight` or `function`), `normalization` (the
/// factor φ was multiplied by), `importance_weights` (uint8), `round`, `task_count`, `env_name`, and for
/// `function` space `lengthscale`, `signal_variance`, `noise_variance`.
public struct EmbeddingSet: Equatable, Sendable {
  /// Points `(s^i_t, c)` and their kernel inputs.
  public struct Points: Equatable, Sendable {
    /// φ (or standardized inputs), row-major. Shapes: (n × width).
    public var phi: [Float]
    /// Width p of φ.
    public var width: Int
    /// Task c of each point. Shapes: (n).
    public var task: [Int]
    /// Pool trajectory i of each point. Shapes: (n).
    public var poolIndex: [Int]
    /// Step t of each point. Shapes: (n).
    public var step: [Int]

    /// Creates points.
    public init(phi: [Float], width: Int, task: [Int], poolIndex: [Int], step: [Int]) {
      self.phi = phi
      self.width = width
      self.task = task
      self.poolIndex = poolIndex
      self.step = step
    }

    /// n.
    public var count: Int { task.count }
  }

  /// `kind` attribute.
  public var kind: String
  /// The `space` attribute: which kernel the points are inputs of.
  public var space: EmbeddingSpace
  /// The factor φ was scaled by (1 for function space).
  public var normalization: Double
  /// Whether the pool's weights are importance weights (false: uniform, the no-IS ablation).
  public var importanceWeights: Bool
  /// The round r ≥ 1.
  public var round: Int
  /// The environment's registry name.
  public var environmentName: String
  /// Kernel hyperparameters (function space): ℓ, σ_f², ρ².
  public var kernel: (lengthscale: Double, signalVariance: Double, noiseVariance: Double)?
  /// μ(c). Shapes: (|C|).
  public var targetWeights: [Double]
  /// Collected demonstrations per task. Shapes: (|C|).
  public var collected: [Int]
  /// c_i of each pool trajectory. Shapes: (P).
  public var poolTask: [Int]
  /// T of each pool trajectory. Shapes: (P).
  public var poolLength: [Int]
  /// `round_<r>` for collected demonstrations, `rollout` for the policy's rollouts. Shapes: (P).
  public var poolSource: [String]
  /// l_i(c), row-major. Shapes: (P × |C|).
  public var logRatios: [Double]
  /// log w̄_i(c), row-major. Shapes: (P × |C|).
  public var logWeights: [Double]
  /// ESS(c). Shapes: (|C|).
  public var ess: [Double]
  /// Own-task share per task. Shapes: (|C|).
  public var ownShare: [Double]
  /// Fraction of clipped log-ratios per task. Shapes: (|C|).
  public var clippedFraction: [Double]
  /// The target points.
  public var targets: Points
  /// The candidate points.
  public var candidates: Points
  /// The conditioning points (task, pool index and step −1 for points outside the pool: a GP's data).
  public var conditioning: Points
  /// Entropy at each candidate point. Shapes: (n_C).
  public var entropy: [Double]

  /// |C|.
  public var taskCount: Int { targetWeights.count }
  /// P.
  public var poolCount: Int { poolTask.count }

  /// Creates a set after checking shapes.
  public init(
    kind: String, space: EmbeddingSpace, normalization: Double, importanceWeights: Bool, round: Int, environmentName: String,
    kernel: (lengthscale: Double, signalVariance: Double, noiseVariance: Double)?, targetWeights: [Double],
    collected: [Int], poolTask: [Int], poolLength: [Int], poolSource: [String], logRatios: [Double],
    logWeights: [Double], ess: [Double], ownShare: [Double], clippedFraction: [Double], targets: Points,
    candidates: Points, conditioning: Points, entropy: [Double]
  ) throws(ArtifactError) {
    self.kind = kind
    self.space = space
    self.normalization = normalization
    self.importanceWeights = importanceWeights
    self.round = round
    self.environmentName = environmentName
    self.kernel = kernel
    self.targetWeights = targetWeights
    self.collected = collected
    self.poolTask = poolTask
    self.poolLength = poolLength
    self.poolSource = poolSource
    self.logRatios = logRatios
    self.logWeights = logWeights
    self.ess = ess
    self.ownShare = ownShare
    self.clippedFraction = clippedFraction
    self.targets = targets
    self.candidates = candidates
    self.conditioning = conditioning
    self.entropy = entropy
    try validate()
  }

  public static func == (lhs: EmbeddingSet, rhs: EmbeddingSet) -> Bool {
    lhs.kind == rhs.kind && lhs.space == rhs.space && lhs.normalization == rhs.normalization
      && lhs.importanceWeights == rhs.importanceWeights && lhs.round == rhs.round
      && lhs.environmentName == rhs.environmentName && lhs.kernel?.lengthscale == rhs.kernel?.lengthscale
      && lhs.kernel?.signalVariance == rhs.kernel?.signalVariance
      && lhs.kernel?.noiseVariance == rhs.kernel?.noiseVariance && lhs.targetWeights == rhs.targetWeights
      && lhs.collected == rhs.collected && lhs.poolTask == rhs.poolTask && lhs.poolLength == rhs.poolLength
      && lhs.poolSource == rhs.poolSource && lhs.logRatios == rhs.logRatios && lhs.logWeights == rhs.logWeights
      && lhs.ess == rhs.ess && lhs.ownShare == rhs.ownShare && lhs.clippedFraction == rhs.clippedFraction
      && lhs.targets == rhs.targets && lhs.candidates == rhs.candidates && lhs.conditioning == rhs.conditioning
      && lhs.entropy == rhs.entropy
  }

  /// Throws `shapeMismatch` or `invalidValue` naming the object that does not fit.
  public func validate() throws(ArtifactError) {
    let (tasks, pool) = (taskCount, poolCount)
    func check(_ count: Int, _ expected: Int, _ object: String) throws(ArtifactError) {
      guard count == expected else {
        throw ArtifactError.shapeMismatch(file: "", object: object, expected: "\(expected)", found: "\(count)")
      }
    }
    guard pool > 0 else {
      throw ArtifactError.invalidValue(file: "", object: "/pool/task", reason: "the proxy pool is empty")
    }
    try check(collected.count, tasks, "/tasks/collected")
    try check(poolLength.count, pool, "/pool/length")
    try check(poolSource.count, pool, "/pool/source")
    try check(logRatios.count, pool * tasks, "/pool/log_ratios")
    try check(logWeights.count, pool * tasks, "/pool/log_weights")
    try check(ess.count, tasks, "/pool/ess")
    try check(ownShare.count, tasks, "/pool/own_share")
    try check(clippedFraction.count, tasks, "/pool/clipped_fraction")
    try check(entropy.count, candidates.count, "/entropy")
    for (name, points) in [("targets", targets), ("candidates", candidates), ("conditioning", conditioning)] {
      try check(points.phi.count, points.count * points.width, "/\(name)/phi")
      try check(points.poolIndex.count, points.count, "/\(name)/pool_index")
      try check(points.step.count, points.count, "/\(name)/t")
      for task in points.task where !(0..<tasks).contains(task) && !(name == "conditioning" && task == -1) {
        throw ArtifactError.invalidValue(file: "", object: "/\(name)/task", reason: "task \(task) outside 0..<\(tasks)")
      }
    }
    guard targets.width == candidates.width, conditioning.count == 0 || conditioning.width == targets.width else {
      throw ArtifactError.shapeMismatch(
        file: "", object: "/candidates/phi", expected: "width \(targets.width)", found: "\(candidates.width)")
    }
  }

  /// The content group of an `embeddings` artifact.
  public func contentGroup() throws(ArtifactError) -> ArtifactGroup {
    var group = ArtifactGroup()
    let tasks = taskCount
    try group.setDataset(.vector(poolTask.map(Int64.init)), at: "/pool/task")
    try group.setDataset(.vector(poolLength.map(Int64.init)), at: "/pool/length")
    try group.setDataset(.vector(poolSource), at: "/pool/source")
    try group.setDataset(try .matrix(logRatios, rows: poolCount, columns: tasks), at: "/pool/log_ratios")
    try group.setDataset(try .matrix(logWeights, rows: poolCount, columns: tasks), at: "/pool/log_weights")
    try group.setDataset(.vector(ess), at: "/pool/ess")
    try group.setDataset(.vector(ownShare), at: "/pool/own_share")
    try group.setDataset(.vector(clippedFraction), at: "/pool/clipped_fraction")
    try group.setDataset(.vector(targetWeights), at: "/tasks/target_weight")
    try group.setDataset(.vector(collected.map(Int64.init)), at: "/tasks/collected")
    for (name, points) in [("targets", targets), ("candidates", candidates), ("conditioning", conditioning)] {
      try group.setDataset(try .matrix(points.phi, rows: points.count, columns: points.width), at: "/\(name)/phi")
      try group.setDataset(.vector(points.task.map(Int64.init)), at: "/\(name)/task")
      try group.setDataset(.vector(points.poolIndex.map(Int64.init)), at: "/\(name)/pool_index")
      try group.setDataset(.vector(points.step.map(Int64.init)), at: "/\(name)/t")
    }
    try group.setDataset(.vector(entropy), at: "/entropy")
    try group.setAttribute("kind", .scalar(kind))
    try group.setAttribute("space", .scalar(space.rawValue))
    try group.setAttribute("normalization", .scalar(normalization))
    try group.setAttribute("importance_weights", .scalar(importanceWeights))
    try group.setAttribute("round", .scalar(Int64(round)))
    try group.setAttribute("task_count", .scalar(Int64(tasks)))
    try group.setAttribute("env_name", .scalar(environmentName))
    if let kernel {
      try group.setAttribute("lengthscale", .scalar(kernel.lengthscale))
      try group.setAttribute("signal_variance", .scalar(kernel.signalVariance))
      try group.setAttribute("noise_variance", .scalar(kernel.noiseVariance))
    }
    return group
  }

  /// Reads a set from an `embeddings` artifact, checking every object's type and shape.
  public init(_ artifact: Artifact) throws(ArtifactError) {
    guard artifact.kind == .embeddings else {
      throw ArtifactError.wrongKind(file: "", expected: "embeddings", found: artifact.kind.rawValue)
    }
    let content = artifact.content
    func vector(_ path: String) throws(ArtifactError) -> ArtifactArray {
      let array = try content.dataset(at: path)
      try array.checkShape([nil], object: path)
      return array
    }
    func integers(_ path: String) throws(ArtifactError) -> [Int] {
      try vector(path).int64Values(object: path).map { Int($0) }
    }
    func doubles(_ path: String) throws(ArtifactError) -> [Double] { try vector(path).float64Values(object: path) }
    func attribute(_ name: String) throws(ArtifactError) -> ArtifactArray { try content.attribute(name) }
    func points(_ name: String) throws(ArtifactError) -> Points {
      let phi = try content.dataset(at: "/\(name)/phi")
      try phi.checkShape([nil, nil], object: "/\(name)/phi")
      return Points(
        phi: try phi.float32Values(object: "/\(name)/phi"), width: phi.shape[1], task: try integers("/\(name)/task"),
        poolIndex: try integers("/\(name)/pool_index"), step: try integers("/\(name)/t"))
    }
    let tasks = Int(try attribute("task_count").scalarInteger(object: "@task_count"))
    let logRatios = try content.dataset(at: "/pool/log_ratios")
    try logRatios.checkShape([nil, tasks], object: "/pool/log_ratios")
    let logWeights = try content.dataset(at: "/pool/log_weights")
    try logWeights.checkShape([nil, tasks], object: "/pool/log_weights")
    let spaceName = try attribute("space").scalarString(object: "@space")
    guard let space = EmbeddingSpace(rawValue: spaceName) else {
      throw ArtifactError.invalidValue(file: "", object: "@space", reason: EmbeddingSpace.unknownValueReason(spaceName))
    }
    var kernel: (Double, Double, Double)?
    if space == .function {
      func scalar(_ name: String) throws(ArtifactError) -> Double {
        let value = try attribute(name)
        try value.checkShape([], object: "@\(name)")
        return try value.float64Values(object: "@\(name)")[0]
      }
      kernel = (try scalar("lengthscale"), try scalar("signal_variance"), try scalar("noise_variance"))
    }
    let normalization = try attribute("normalization")
    try normalization.checkShape([], object: "@normalization")
    let flag = try attribute("importance_weights")
    try flag.checkShape([], object: "@importance_weights")
    try self.init(
      kind: try attribute("kind").scalarString(object: "@kind"), space: space,
      normalization: try normalization.float64Values(object: "@normalization")[0],
      importanceWeights: try flag.uint8Values(object: "@importance_weights")[0] != 0,
      round: Int(try attribute("round").scalarInteger(object: "@round")),
      environmentName: try attribute("env_name").scalarString(object: "@env_name"), kernel: kernel,
      targetWeights: try doubles("/tasks/target_weight"), collected: try integers("/tasks/collected"),
      poolTask: try integers("/pool/task"), poolLength: try integers("/pool/length"),
      poolSource: try vector("/pool/source").stringValues(object: "/pool/source"),
      logRatios: try logRatios.float64Values(object: "/pool/log_ratios"),
      logWeights: try logWeights.float64Values(object: "/pool/log_weights"), ess: try doubles("/pool/ess"),
      ownShare: try doubles("/pool/own_share"), clippedFraction: try doubles("/pool/clipped_fraction"),
      targets: try points("targets"), candidates: try points("candidates"), conditioning: try points("conditioning"),
      entropy: try doubles("/entropy"))
  }
}

/// Which kernel an `EmbeddingSet`'s points are inputs of (its `space` attribute, AMF.md §2.1).
public enum EmbeddingSpace: String, ManifestChoice {
  /// φ are features of a linear kernel (AMF-NN): the posterior lives on the weights.
  case weight
  /// φ are standardized inputs of the stored RBF kernel (AMF-GP): the posterior lives on functions.
  case function
}
