/// The `evaluation` artifact (ARTIFACTS.md "Layouts"): one policy's per-task success and return.
///
/// Layout: `/per_task/success` (|C|, float64: fraction of episodes solved), `/per_task/return` (|C|, float64:
/// mean return), `/per_task/episodes` (|C|, int64), `/per_task/target_weight` (|C|, float64: μ(c)),
/// `/per_task/episode_success` (|C| × E, uint8) and `/per_task/episode_return` (|C| × E, float64) per fixed start
/// state, `/demos_per_task` (|C|, int64: collected demonstrations the policy was fine-tuned on); attributes `round`
/// (int64), `demos_used` (int64), `multitask_success` (float64, Σ_c μ(c) success_c), `mean_return` (float64,
/// Σ_c μ(c) return_c), `env_name` (string).
public struct EvaluationRecord: Equatable, Sendable {
  /// The environment's registry name.
  public var environmentName: String
  /// The round r ≥ 0 (0 is π₀).
  public var round: Int
  /// μ(c) per task (sums to 1). Shapes: (|C|).
  public var targetWeights: [Double]
  /// Per task and episode: solved? Shapes: (|C| × E).
  public var episodeSuccess: [[Bool]]
  /// Per task and episode: the return. Shapes: (|C| × E).
  public var episodeReturns: [[Double]]
  /// Collected demonstrations per task. Shapes: (|C|).
  public var demosPerTask: [Int]

  /// Creates a record after checking shapes and weights.
  public init(
    environmentName: String, round: Int, targetWeights: [Double], episodeSuccess: [[Bool]],
    episodeReturns: [[Double]], demosPerTask: [Int]
  ) throws(ArtifactError) {
    self.environmentName = environmentName
    self.round = round
    self.targetWeights = targetWeights
    self.episodeSuccess = episodeSuccess
    self.episodeReturns = episodeReturns
    self.demosPerTask = demosPerTask
    try validate()
  }

  /// |C|.
  public var taskCount: Int { targetWeights.count }
  /// E, episodes per task.
  public var episodesPerTask: Int { episodeSuccess.first?.count ?? 0 }
  /// Per-task success rate.
  public var success: [Double] {
    episodeSuccess.map { row in row.isEmpty ? 0 : Double(row.filter { $0 }.count) / Double(row.count) }
  }
  /// Per-task mean return.
  public var returns: [Double] {
    episodeReturns.map { row in row.isEmpty ? 0 : row.reduce(0, +) / Double(row.count) }
  }
  /// Σ_c μ(c) · success_c.
  public var multitaskSuccess: Double { zip(targetWeights, success).reduce(0) { $0 + $1.0 * $1.1 } }
  /// Σ_c μ(c) · return_c.
  public var meanReturn: Double { zip(targetWeights, returns).reduce(0) { $0 + $1.0 * $1.1 } }
  /// Σ_c demos_c.
  public var demosUsed: Int { demosPerTask.reduce(0, +) }

  /// Throws `shapeMismatch` or `invalidValue` naming the object that does not fit.
  public func validate() throws(ArtifactError) {
    let tasks = targetWeights.count
    let episodes = episodesPerTask
    guard episodeSuccess.count == tasks, episodeSuccess.allSatisfy({ $0.count == episodes }) else {
      throw ArtifactError.shapeMismatch(
        file: "", object: "/per_task/episode_success", expected: "\(tasks)×\(episodes)",
        found: "\(episodeSuccess.count)×…")
    }
    guard episodeReturns.count == tasks, episodeReturns.allSatisfy({ $0.count == episodes }) else {
      throw ArtifactError.shapeMismatch(
        file: "", object: "/per_task/episode_return", expected: "\(tasks)×\(episodes)",
        found: "\(episodeReturns.count)×…")
    }
    guard demosPerTask.count == tasks else {
      throw ArtifactError.shapeMismatch(
        file: "", object: "/demos_per_task", expected: "\(tasks)", found: "\(demosPerTask.count)")
    }
    let total = targetWeights.reduce(0, +)
    guard targetWeights.allSatisfy({ $0 >= 0 }), abs(total - 1) < 1e-9 else {
      throw ArtifactError.invalidValue(
        file: "", object: "/per_task/target_weight", reason: "must be ≥ 0 and sum to 1 (sum is \(total))")
    }
  }

  /// The content group of an `evaluation` artifact.
  public func contentGroup() throws(ArtifactError) -> ArtifactGroup {
    var group = ArtifactGroup()
    let (tasks, episodes) = (taskCount, episodesPerTask)
    try group.setDataset(.vector(success), at: "/per_task/success")
    try group.setDataset(.vector(returns), at: "/per_task/return")
    try group.setDataset(.vector([Int64](repeating: Int64(episodes), count: tasks)), at: "/per_task/episodes")
    try group.setDataset(.vector(targetWeights), at: "/per_task/target_weight")
    try group.setDataset(
      ArtifactArray(shape: [tasks, episodes], elements: .uint8(episodeSuccess.flatMap { $0.map { $0 ? 1 : 0 } })),
      at: "/per_task/episode_success")
    try group.setDataset(
      try .matrix(episodeReturns.flatMap { $0 }, rows: tasks, columns: episodes), at: "/per_task/episode_return")
    try group.setDataset(.vector(demosPerTask.map(Int64.init)), at: "/demos_per_task")
    try group.setAttribute("env_name", .scalar(environmentName))
    try group.setAttribute("round", .scalar(Int64(round)))
    try group.setAttribute("demos_used", .scalar(Int64(demosUsed)))
    try group.setAttribute("multitask_success", .scalar(multitaskSuccess))
    try group.setAttribute("mean_return", .scalar(meanReturn))
    return group
  }

  /// Reads a record from an `evaluation` artifact, checking every object's type and shape.
  public init(_ artifact: Artifact) throws(ArtifactError) {
    guard artifact.kind == .evaluation else {
      throw ArtifactError.wrongKind(file: "", expected: "evaluation", found: artifact.kind.rawValue)
    }
    let content = artifact.content
    let weights = try content.dataset(at: "/per_task/target_weight")
    try weights.checkShape([nil], object: "/per_task/target_weight")
    let tasks = weights.shape[0]
    let successArray = try content.dataset(at: "/per_task/episode_success")
    try successArray.checkShape([tasks, nil], object: "/per_task/episode_success")
    let episodes = successArray.shape[1]
    let returnsArray = try content.dataset(at: "/per_task/episode_return")
    try returnsArray.checkShape([tasks, episodes], object: "/per_task/episode_return")
    let demos = try content.dataset(at: "/demos_per_task")
    try demos.checkShape([tasks], object: "/demos_per_task")
    let flatSuccess = try successArray.uint8Values(object: "/per_task/episode_success")
    let flatReturns = try returnsArray.float64Values(object: "/per_task/episode_return")
    try self.init(
      environmentName: try content.attribute("env_name").scalarString(object: "@env_name"),
      round: Int(try content.attribute("round").scalarInteger(object: "@round")),
      targetWeights: try weights.float64Values(object: "/per_task/target_weight"),
      episodeSuccess: (0..<tasks).map { t in (0..<episodes).map { flatSuccess[t * episodes + $0] != 0 } },
      episodeReturns: (0..<tasks).map { t in Array(flatReturns[(t * episodes)..<((t + 1) * episodes)]) },
      demosPerTask: try demos.int64Values(object: "/demos_per_task").map { Int($0) })
  }
}
