import AMFCore
import AMFNumerics

/// The `task_isolation` mitigation (issue #16, H5c; a project option): every demonstrated task c acts with its
/// own network, fine-tuned from π₀ on c's demonstrations only; tasks without data act with π₀ unchanged.
///
/// One task's demonstrations can therefore never change another task's actions. Row r of a batch belongs to
/// network i when its feature vector equals (`==` per element) row i of `tasksWithData`; otherwise to π₀.
/// Each network evaluates only the rows it owns (gathered in batch order), so a row's outputs depend on its
/// own network and on the other rows of its own task only, never on another task's network.
public struct TaskIsolatedMLPPolicy<Scalar: MLPScalar>: Equatable, Sendable {
  /// The frozen pre-trained policy π₀.
  public var prior: MLPPolicy<Scalar>
  /// Network i, fine-tuned from π₀ on the demonstrations of the task whose f(c) is row i of `tasksWithData`.
  public var fineTuned: [MLPPolicy<Scalar>]
  /// f(c) of every task with at least one collected demonstration, all distinct. Shapes: (m × k).
  public var tasksWithData: Matrix<Scalar>

  /// A policy from its parts: one fine-tuned network per row of `tasksWithData`, all of π₀'s architecture and
  /// normalizer (fine-tuning keeps the normalizer frozen; the artifact stores it once).
  public init(prior: MLPPolicy<Scalar>, fineTuned: [MLPPolicy<Scalar>], tasksWithData: Matrix<Scalar>) {
    precondition(fineTuned.count == tasksWithData.rows, "\(fineTuned.count) networks for \(tasksWithData.rows) tasks")
    precondition(fineTuned.allSatisfy { $0.architecture == prior.architecture && $0.normalizer == prior.normalizer },
                 "every task network needs π₀'s architecture and normalizer")
    precondition(tasksWithData.columns == prior.architecture.taskFeatureDimension || tasksWithData.rows == 0,
                 "tasks with data \(tasksWithData.shape) for k = \(prior.architecture.taskFeatureDimension)")
    self.prior = prior
    self.fineTuned = fineTuned
    self.tasksWithData = tasksWithData
  }

  /// The architecture shared by every network.
  public var architecture: MLPArchitecture { prior.architecture }

  /// The index of each row's task network, or nil for a task without data (π₀). Shapes: `(n × k)` → n.
  public func owners(taskFeatures: Matrix<Scalar>) -> [Int?] {
    let k = taskFeatures.columns
    guard k == tasksWithData.columns else { return Array(repeating: nil, count: taskFeatures.rows) }
    return (0..<taskFeatures.rows).map { row in
      (0..<tasksWithData.rows).first { other in
        (0..<k).allSatisfy { taskFeatures.storage[row * k + $0] == tasksWithData.storage[other * k + $0] }
      }
    }
  }

  /// The acting networks with the rows each owns, π₀ first, then the task networks in `tasksWithData` order;
  /// networks that own no row are left out.
  func rowGroups(taskFeatures: Matrix<Scalar>) -> [(policy: MLPPolicy<Scalar>, rows: [Int])] {
    let owners = owners(taskFeatures: taskFeatures)
    let networks = [prior] + fineTuned
    var rows = [[Int]](repeating: [], count: networks.count)
    for (row, owner) in owners.enumerated() { rows[owner.map { $0 + 1 } ?? 0].append(row) }
    return zip(networks, rows).filter { !$0.1.isEmpty }.map { (policy: $0.0, rows: $0.1) }
  }

  /// μ and log σ of each row's acting network, and that network's features z (π₀'s for tasks without data).
  ///
  /// Shapes: as `MLPPolicy.evaluate`.
  /// Edge cases: rows of a task equal its network's outputs on those rows alone, bit for bit (rows of tasks
  /// without data: π₀'s); observations and task features of different row counts throw `ShapeError`.
  public func evaluate(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>) throws(ShapeError)
    -> (mean: Matrix<Scalar>, logStd: Matrix<Scalar>, features: Matrix<Scalar>)
  {
    try Self.checkRows(observations, taskFeatures)
    let (n, a) = (observations.rows, architecture.actionDimension)
    var mean = Matrix<Scalar>(rows: n, columns: a)  // (n × A)
    var logStd = Matrix<Scalar>(rows: n, columns: a)  // (n × A)
    var features = Matrix<Scalar>(rows: n, columns: architecture.featureDimension)  // (n × h)
    for (policy, rows) in rowGroups(taskFeatures: taskFeatures) {
      let part = try policy.evaluate(
        observations: observations.gatheringRows(rows), taskFeatures: taskFeatures.gatheringRows(rows))
      mean.scatterRows(part.mean, to: rows)
      logStd.scatterRows(part.logStd, to: rows)
      features.scatterRows(part.features, to: rows)
    }
    return (mean, logStd, features)
  }

  /// MC-dropout mean passes of each row's acting network on the rows it owns.
  ///
  /// Draws from `rng` network by network in `rowGroups` order (π₀ first, then the task networks in
  /// `tasksWithData` order), K passes each; shapes as `MLPPolicy.dropoutMeans`.
  public func dropoutMeans(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>, passes: Int,
                           dropProbability: Double, using rng: inout some RandomNumberGenerator)
    throws(ShapeError) -> [Matrix<Scalar>]
  {
    try Self.checkRows(observations, taskFeatures)
    var result = [Matrix<Scalar>](
      repeating: Matrix(rows: observations.rows, columns: architecture.actionDimension), count: passes)  // K × (n × A)
    for (policy, rows) in rowGroups(taskFeatures: taskFeatures) {
      let parts = try policy.dropoutMeans(
        observations: observations.gatheringRows(rows), taskFeatures: taskFeatures.gatheringRows(rows),
        passes: passes, dropProbability: dropProbability, using: &rng)
      for (k, part) in parts.enumerated() { result[k].scatterRows(part, to: rows) }
    }
    return result
  }

  private static func checkRows(_ observations: Matrix<Scalar>, _ taskFeatures: Matrix<Scalar>) throws(ShapeError) {
    guard taskFeatures.rows == observations.rows else {
      throw ShapeError.mismatch(operation: "task features", expected: Shape(observations.rows, taskFeatures.columns),
                                found: taskFeatures.shape)
    }
  }
}

extension TaskIsolatedMLPPolicy: MLPPolicyKind {}
extension TaskIsolatedMLPPolicy: GaussianPolicy where Scalar == Float {}

extension Matrix {
  /// Rows `indices` of this matrix, in that order. Shapes: `(n × c)` → `(indices.count × c)`.
  func gatheringRows(_ indices: [Int]) -> Matrix {
    var result = Matrix(rows: indices.count, columns: columns)  // (indices.count × c)
    for (target, source) in indices.enumerated() {
      for j in 0..<columns { result.storage[target * columns + j] = storage[source * columns + j] }
    }
    return result
  }

  /// Writes row i of `part` into row `indices[i]`. Shapes: `part: (indices.count × c)` into `(n × c)`.
  mutating func scatterRows(_ part: Matrix, to indices: [Int]) {
    precondition(part.rows == indices.count && part.columns == columns, "\(part.shape) into \(indices.count) rows")
    for (source, target) in indices.enumerated() {
      for j in 0..<columns { storage[target * columns + j] = part.storage[source * columns + j] }
    }
  }
}
