import AMFCore
import AMFNumerics

/// The `isolation` mitigation: tasks with no collected demonstration act with π₀ unchanged, the others
/// with one network fine-tuned from π₀ on all collected demonstrations (AMF.md §5, project definition).
///
/// A row's task "has data" when its feature vector equals (`==` per element) a row of `tasksWithData`.
public struct IsolatedMLPPolicy<Scalar: MLPScalar>: Equatable, Sendable {
  /// The frozen pre-trained policy π₀.
  public var prior: MLPPolicy<Scalar>
  /// The network fine-tuned from π₀ on every collected demonstration.
  public var fineTuned: MLPPolicy<Scalar>
  /// f(c) of every task with at least one collected demonstration. Shapes: (m × k).
  public var tasksWithData: Matrix<Scalar>

  /// A policy from its parts; both networks share one architecture.
  public init(prior: MLPPolicy<Scalar>, fineTuned: MLPPolicy<Scalar>, tasksWithData: Matrix<Scalar>) {
    precondition(prior.architecture == fineTuned.architecture, "prior and fine-tuned architectures differ")
    precondition(tasksWithData.columns == prior.architecture.taskFeatureDimension || tasksWithData.rows == 0,
                 "tasks with data \(tasksWithData.shape) for k = \(prior.architecture.taskFeatureDimension)")
    self.prior = prior
    self.fineTuned = fineTuned
    self.tasksWithData = tasksWithData
  }

  /// The architecture shared by both networks.
  public var architecture: MLPArchitecture { prior.architecture }

  /// Whether each row's task has collected data. Shapes: `(n × k)` → n.
  public func hasData(taskFeatures: Matrix<Scalar>) -> [Bool] {
    let k = taskFeatures.columns
    guard k == tasksWithData.columns else { return Array(repeating: false, count: taskFeatures.rows) }
    return (0..<taskFeatures.rows).map { row in
      (0..<tasksWithData.rows).contains { other in matches(taskFeatures, row, tasksWithData, other) }
    }
  }

  private func matches(_ a: Matrix<Scalar>, _ rowA: Int, _ b: Matrix<Scalar>, _ rowB: Int) -> Bool {
    let k = a.columns
    for j in 0..<k where a.storage[rowA * k + j] != b.storage[rowB * k + j] { return false }
    return true
  }

  /// μ and log σ of the acting network of each row, and the fine-tuned network's features z.
  ///
  /// Shapes: as `MLPPolicy.evaluate`.
  /// Edge cases: rows of tasks without data equal π₀'s outputs bit for bit.
  public func evaluate(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>) throws(ShapeError)
    -> (mean: Matrix<Scalar>, logStd: Matrix<Scalar>, features: Matrix<Scalar>)
  {
    let base = try prior.evaluate(observations: observations, taskFeatures: taskFeatures)
    let tuned = try fineTuned.evaluate(observations: observations, taskFeatures: taskFeatures)
    let useTuned = hasData(taskFeatures: taskFeatures)
    return (Self.select(tuned.mean, base.mean, useTuned), Self.select(tuned.logStd, base.logStd, useTuned),
            tuned.features)
  }

  /// Row r of `first` where `useFirst[r]`, else row r of `second`. Shapes: `(n × c)`, `(n × c)` → `(n × c)`.
  static func select(_ first: Matrix<Scalar>, _ second: Matrix<Scalar>, _ useFirst: [Bool]) -> Matrix<Scalar> {
    var result = second  // (n × c)
    let c = first.columns
    for (row, pick) in useFirst.enumerated() where pick {
      for j in 0..<c { result.storage[row * c + j] = first.storage[row * c + j] }
    }
    return result
  }
}

extension IsolatedMLPPolicy: MLPPolicyKind {}
extension IsolatedMLPPolicy: GaussianPolicy where Scalar == Float {}

extension IsolatedMLPPolicy {
  /// Fine-tunes a copy of π₀ on all collected demonstrations; the tasks with data are the distinct
  /// feature rows of `data` (AMF.md §5 `isolation`: restarts from π₀ every round).
  ///
  /// Edge cases: throws `PolicyError.diverged` naming the step at the first non-finite loss.
  public static func fineTuning(
    _ prior: MLPPolicy<Scalar>, on data: BehaviorCloningData<Scalar>, steps: Int,
    settings: BehaviorCloningSettings = BehaviorCloningSettings(), seed: Seed
  ) throws(PolicyError) -> IsolatedMLPPolicy {
    let tuned = try prior.trained(on: data, steps: steps, settings: settings, seed: seed)
    let k = data.taskFeatures.columns
    var distinct: [[Scalar]] = []
    for row in 0..<data.count {
      let features = data.taskFeatures.row(row)
      if !distinct.contains(features) { distinct.append(features) }
    }
    var tasks = Matrix<Scalar>(rows: distinct.count, columns: k)  // (m × k)
    for (row, features) in distinct.enumerated() {
      for j in 0..<k { tasks.storage[row * k + j] = features[j] }
    }
    return IsolatedMLPPolicy(prior: prior, fineTuned: tuned, tasksWithData: tasks)
  }
}
