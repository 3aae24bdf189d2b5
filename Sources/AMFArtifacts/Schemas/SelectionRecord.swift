/// The `selection` artifact (ARTIFACTS.md "Layouts"): the tasks chosen in one round and why.
///
/// Layout: `/selected` (B, int64: task ids in pick order), `/scores` (B × |C|, float64: every candidate's score
/// at each pick; NaN for a task that is not a candidate), `/candidates` (int64: the candidate task ids);
/// attributes `strategy` (string), `importance_weights` (uint8), `round` (int64), `task_count` (int64).
public struct SelectionRecord: Equatable, Sendable {
  /// The strategy's name (`amf`, `uncertainty`, `uniform`, `rebalancing`).
  public var strategy: String
  /// Whether importance weights were used.
  public var importanceWeights: Bool
  /// The round r ≥ 1.
  public var round: Int
  /// |C|.
  public var taskCount: Int
  /// The candidate task ids.
  public var candidates: [Int]
  /// The chosen tasks, in pick order (a task may repeat).
  public var selected: [Int]
  /// `scores[p][c]`: candidate c's score at pick p. Shapes: (B × |C|).
  public var scores: [[Double]]

  /// Creates a record after checking that shapes and task ids fit.
  public init(
    strategy: String, importanceWeights: Bool, round: Int, taskCount: Int, candidates: [Int], selected: [Int],
    scores: [[Double]]
  ) throws(ArtifactError) {
    self.strategy = strategy
    self.importanceWeights = importanceWeights
    self.round = round
    self.taskCount = taskCount
    self.candidates = candidates
    self.selected = selected
    self.scores = scores
    try validate()
  }

  /// Throws `invalidValue` or `shapeMismatch` naming the object that does not fit.
  public func validate() throws(ArtifactError) {
    guard taskCount >= 1 else {
      throw ArtifactError.invalidValue(file: "", object: "@task_count", reason: "\(taskCount) is not ≥ 1")
    }
    for task in candidates + selected where !(0..<taskCount).contains(task) {
      throw ArtifactError.invalidValue(
        file: "", object: "/selected", reason: "task \(task) is outside 0..<\(taskCount)")
    }
    guard scores.count == selected.count, scores.allSatisfy({ $0.count == taskCount }) else {
      throw ArtifactError.shapeMismatch(
        file: "", object: "/scores", expected: "\(selected.count)×\(taskCount)",
        found: "\(scores.count)×\(scores.first?.count ?? 0)")
    }
  }

  /// The content group of a `selection` artifact.
  public func contentGroup() throws(ArtifactError) -> ArtifactGroup {
    var group = ArtifactGroup()
    try group.setDataset(.vector(selected.map(Int64.init)), at: "/selected")
    try group.setDataset(.vector(candidates.map(Int64.init)), at: "/candidates")
    try group.setDataset(try .matrix(scores.flatMap { $0 }, rows: selected.count, columns: taskCount), at: "/scores")
    try group.setAttribute("strategy", .scalar(strategy))
    try group.setAttribute("importance_weights", .scalar(importanceWeights))
    try group.setAttribute("round", .scalar(Int64(round)))
    try group.setAttribute("task_count", .scalar(Int64(taskCount)))
    return group
  }

  /// Reads a record from a `selection` artifact, checking every object's type and shape.
  public init(_ artifact: Artifact) throws(ArtifactError) {
    guard artifact.kind == .selection else {
      throw ArtifactError.wrongKind(file: "", expected: "selection", found: artifact.kind.rawValue)
    }
    let content = artifact.content
    let taskCount = Int(try content.attribute("task_count").scalarInteger(object: "@task_count"))
    let selectedArray = try content.dataset(at: "/selected")
    try selectedArray.checkShape([nil], object: "/selected")
    let selected = try selectedArray.int64Values(object: "/selected").map { Int($0) }
    let candidatesArray = try content.dataset(at: "/candidates")
    try candidatesArray.checkShape([nil], object: "/candidates")
    let scoresArray = try content.dataset(at: "/scores")
    try scoresArray.checkShape([selected.count, taskCount], object: "/scores")
    let flat = try scoresArray.float64Values(object: "/scores")
    let flag = try content.attribute("importance_weights")
    try flag.checkShape([], object: "@importance_weights")
    try self.init(
      strategy: try content.attribute("strategy").scalarString(object: "@strategy"),
      importanceWeights: try flag.uint8Values(object: "@importance_weights")[0] != 0,
      round: Int(try content.attribute("round").scalarInteger(object: "@round")),
      taskCount: taskCount,
      candidates: try candidatesArray.int64Values(object: "/candidates").map { Int($0) },
      selected: selected,
      scores: (0..<selected.count).map { Array(flat[($0 * taskCount)..<(($0 + 1) * taskCount)]) })
  }
}
