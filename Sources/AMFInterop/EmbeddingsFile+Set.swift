import AMFArtifacts
import Foundation

extension EmbeddingsFile {
  /// The checked set: trajectories, μ, points, weights, conditioning (docs/BYO-EMBEDDINGS.md).
  func embeddingSet() throws -> EmbeddingSet {
    let ids = try integers("/trajectories/id")
    guard !ids.isEmpty, Set(ids).count == ids.count else {
      throw InteropError.invalidValue(
        file: file, object: "/trajectories/id", reason: ids.isEmpty ? "is empty" : "has repeated ids",
        fix: "give every candidate trajectory one unique id")
    }
    let poolTask = try integers("/trajectories/task", count: ids.count)
    let mu = try targetWeights()
    for (i, task) in poolTask.enumerated() { try checkTask(task, mu.count, "/trajectories/task[\(i)]") }
    let pool = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    let candidates = try points("candidates", width: nil, pool: pool, taskCount: mu.count)
    try checkContiguous(candidates, ids: ids)
    let targets = try points("targets", width: candidates.width, pool: pool, taskCount: mu.count)
    let (logWeights, isWeighted) = try weights(poolTask: poolTask, taskCount: mu.count)
    let weights = (0..<mu.count).map { c in (0..<ids.count).map { Foundation.exp(logWeights[$0 * mu.count + c]) } }
    return try EmbeddingSet(
      kind: EmbeddingsImport.kind, space: .weight, normalization: 1, importanceWeights: isWeighted,
      round: ForeignTree.number(tree.attributes["round"]).map { Int($0) } ?? 1,
      environmentName: ForeignTree.string(tree.attributes["env_name"]) ?? EmbeddingsImport.kind, kernel: nil,
      targetWeights: mu, collected: try optionalIntegers("/tasks/collected", count: mu.count),
      poolTask: poolTask, poolLength: lengths(candidates, poolCount: ids.count), poolSource: try sources(count: ids.count),
      logRatios: [Double](repeating: 0, count: ids.count * mu.count), logWeights: logWeights,
      ess: weights.map { 1 / $0.reduce(0) { $0 + $1 * $1 } },
      ownShare: weights.enumerated().map { c, w in zip(w, poolTask).filter { $0.1 == c }.reduce(0) { $0 + $1.0 } },
      clippedFraction: [Double](repeating: 0, count: mu.count), targets: targets, candidates: candidates,
      conditioning: try conditioning(width: candidates.width),
      entropy: tree.group(at: "/candidates")?.datasets["entropy"] == nil
        ? [Double](repeating: 0, count: candidates.count) : try doubles("/candidates/entropy", shape: [candidates.count]))
  }

  /// μ: non-negative, summing to 1.
  func targetWeights() throws(InteropError) -> [Double] {
    let count = try dataset("/tasks/target_weight").shape.first ?? 0
    let mu = try doubles("/tasks/target_weight", shape: [count])
    guard count > 0, mu.allSatisfy({ $0 >= 0 }), abs(mu.reduce(0, +) - 1) < 1e-6 else {
      throw InteropError.invalidValue(
        file: file, object: "/tasks/target_weight", reason: "is not a distribution over tasks (≥ 0, sum 1)",
        fix: "divide μ by its sum")
    }
    return mu
  }

  func checkTask(_ task: Int, _ taskCount: Int, _ object: String) throws(InteropError) {
    guard (0..<taskCount).contains(task) else {
      throw InteropError.taskOutOfRange(
        file: file, episode: object, field: "task", task: task, taskCount: taskCount,
        environment: "the file (|/tasks/target_weight| = \(taskCount))")
    }
  }

  /// The points of `/<group>/{phi, task, trajectory, t}`, trajectories as pool indices.
  func points(_ group: String, width: Int?, pool: [Int: Int], taskCount: Int) throws(InteropError) -> EmbeddingSet.Points {
    let phi = try phi(group, width: width)
    let tasks = try integers("/\(group)/task", count: phi.rows)
    let trajectories = try integers("/\(group)/trajectory", count: phi.rows)
    let steps = try integers("/\(group)/t", count: phi.rows)
    var poolIndex: [Int] = []
    for (row, id) in trajectories.enumerated() {
      try checkTask(tasks[row], taskCount, "/\(group)/task[\(row)]")
      guard let index = pool[id] else {
        throw InteropError.invalidValue(
          file: file, object: "/\(group)/trajectory[\(row)]", reason: "id \(id) is not in /trajectories/id",
          fix: "list every trajectory in /trajectories")
      }
      guard steps[row] >= 0 else {
        throw InteropError.invalidValue(file: file, object: "/\(group)/t[\(row)]", reason: "is negative", fix: "steps start at 0")
      }
      poolIndex.append(index)
    }
    return EmbeddingSet.Points(phi: phi.values, width: phi.width, task: tasks, poolIndex: poolIndex, step: steps)
  }

  /// Each (task, trajectory) pair of the candidates is one contiguous run of rows (a candidate block).
  func checkContiguous(_ points: EmbeddingSet.Points, ids: [Int]) throws(InteropError) {
    var seen = Set<[Int]>()
    for row in points.task.indices {
      let pair = [points.task[row], points.poolIndex[row]]
      if row > 0, pair == [points.task[row - 1], points.poolIndex[row - 1]] { continue }
      guard seen.insert(pair).inserted else {
        throw InteropError.invalidValue(
          file: file, object: "/candidates (row \(row))",
          reason: "task \(pair[0]) with trajectory \(ids[pair[1]]) appears in two separate runs",
          fix: "sort the candidate points by (task, trajectory, t)")
      }
    }
  }

  /// log w̄ (each task's column normalized) and whether they were given; uniform −log P otherwise.
  func weights(poolTask: [Int], taskCount: Int) throws(InteropError) -> ([Double], Bool) {
    let pool = poolTask.count
    guard tree.group(at: "/trajectories")?.datasets["log_weights"] != nil else {
      return ([Double](repeating: -Foundation.log(Double(pool)), count: pool * taskCount), false)
    }
    let values = try doubles("/trajectories/log_weights", shape: [pool, taskCount])
    for c in 0..<taskCount {
      let column = (0..<pool).map { values[$0 * taskCount + c] }
      let top = column.max() ?? 0
      let total = top + Foundation.log(column.reduce(0) { $0 + Foundation.exp($1 - top) })
      guard abs(total) < 1e-6 else {
        throw InteropError.invalidValue(
          file: file, object: "/trajectories/log_weights[:, \(c)]", reason: "exponentials sum to \(Foundation.exp(total)), not 1",
          fix: "subtract each task's logsumexp over trajectories")
      }
    }
    return (values, true)
  }

  func optionalIntegers(_ path: String, count: Int) throws(InteropError) -> [Int] {
    (try? tree.dataset(at: path)) == nil ? [Int](repeating: 0, count: count) : try integers(path, count: count)
  }

  /// `/trajectories/source`, default `rollout`; each `rollout` or `round_<r>`.
  func sources(count: Int) throws(InteropError) -> [String] {
    let values = strings("/trajectories/source") ?? [String](repeating: "rollout", count: count)
    for (i, value) in values.enumerated() where DemonstrationSource(value) == nil || DemonstrationSource(value) == .pretrain {
      throw InteropError.invalidValue(
        file: file, object: "/trajectories/source[\(i)]", reason: "'\(value)' is not rollout or round_<r>",
        fix: "write rollout for policy rollouts and round_<r> for collected demonstrations")
    }
    guard values.count == count else {
      throw InteropError.lengthMismatch(file: file, episode: "", field: "/trajectories/source", found: values.count, expected: count, reason: "one per trajectory")
    }
    return values
  }

  /// T of each trajectory: 1 + its largest candidate step (0 without candidate points).
  func lengths(_ points: EmbeddingSet.Points, poolCount: Int) -> [Int] {
    var lengths = [Int](repeating: 0, count: poolCount)
    for row in points.step.indices { lengths[points.poolIndex[row]] = max(lengths[points.poolIndex[row]], points.step[row] + 1) }
    return lengths
  }

  /// `/conditioning/phi`, when present, as points outside the pool (task, trajectory and step −1).
  func conditioning(width: Int) throws(InteropError) -> EmbeddingSet.Points {
    guard tree.group(at: "/conditioning")?.datasets["phi"] != nil else {
      return EmbeddingSet.Points(phi: [], width: width, task: [], poolIndex: [], step: [])
    }
    let phi = try phi("conditioning", width: width)
    let none = [Int](repeating: -1, count: phi.rows)
    return EmbeddingSet.Points(phi: phi.values, width: width, task: none, poolIndex: none, step: none)
  }
}
