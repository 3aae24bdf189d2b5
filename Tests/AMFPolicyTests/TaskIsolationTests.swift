import AMFArtifacts
import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// `task_isolation` (issue #16, H5c): each demonstrated task acts with its own network fine-tuned from π₀ on
/// its rows alone, tasks without data with π₀; one task's data never reaches another task's actions.
@Suite struct TaskIsolationTests {
  static let architecture = MLPArchitecture(observationDimension: 2, taskFeatureDimension: 1, actionDimension: 2,
                                            hiddenWidths: [6])

  /// π₀ and two task networks (Double, hand-sized weights), all on one normalizer.
  static func networks() -> (prior: MLPPolicy<Double>, tuned: [MLPPolicy<Double>]) {
    let normalizer = ObservationNormalizer<Double>(mean: [0.5, -0.5], std: [2, 1])
    let policies = (1...3).map { MLPPolicy(network: MLPFixtures.network(architecture, seed: UInt64($0)), normalizer: normalizer) }
    return (policies[0], Array(policies[1...]))
  }

  /// Rows of task f = 1 (network 0) and f = 0.5 (network 1); f = −1 and f = 2 have no data (π₀).
  static let features = Matrix<Double>([[1], [-1], [0.5], [1], [2]])
  static let observations: Matrix<Double> = MLPFixtures.random(5, 2, scale: 2, seed: 3)

  static func rows(_ indices: [Int]) -> (Matrix<Double>, Matrix<Double>) {
    (observations.gatheringRows(indices), features.gatheringRows(indices))
  }

  /// Each row's μ, log σ and z are those of its own network evaluated on that network's rows alone.
  @Test func rowsActWithTheirOwnTaskNetwork() throws {
    let (prior, tuned) = Self.networks()
    let policy = TaskIsolatedMLPPolicy(prior: prior, fineTuned: tuned, tasksWithData: Matrix([[1], [0.5]]))
    #expect(policy.owners(taskFeatures: Self.features) == [0, nil, 1, 0, nil])
    let acting = try policy.evaluate(observations: Self.observations, taskFeatures: Self.features)
    for (network, indices) in [(prior, [1, 4]), (tuned[0], [0, 3]), (tuned[1], [2])] {
      let (s, f) = Self.rows(indices)
      let own = try network.evaluate(observations: s, taskFeatures: f)
      for (part, row) in indices.enumerated() {
        #expect(acting.mean.row(row) == own.mean.row(part) && acting.logStd.row(row) == own.logStd.row(part))
        #expect(acting.features.row(row) == own.features.row(part))
      }
    }
    let empty = try policy.evaluate(observations: Matrix(rows: 0, columns: 2), taskFeatures: Matrix(rows: 0, columns: 1))
    #expect(empty.mean.shape == Shape(0, 2) && empty.features.shape == Shape(0, 6))
    #expect(throws: ShapeError.self) {
      _ = try policy.evaluate(observations: Self.observations, taskFeatures: Matrix([[1]]))
    }
  }

  /// MC dropout draws network by network, π₀ first, each on its own rows.
  @Test func dropoutDrawsThePriorThenEachTaskNetwork() throws {
    let (prior, tuned) = Self.networks()
    let policy = TaskIsolatedMLPPolicy(prior: prior, fineTuned: tuned, tasksWithData: Matrix([[1], [0.5]]))
    var rng = Seed(9).generator("dropout")
    let passes = try policy.dropoutMeans(observations: Self.observations, taskFeatures: Self.features, passes: 3,
                                         dropProbability: 0.2, using: &rng)
    var replay = Seed(9).generator("dropout")
    for (network, indices) in [(prior, [1, 4]), (tuned[0], [0, 3]), (tuned[1], [2])] {
      let (s, f) = Self.rows(indices)
      let own = try network.dropoutMeans(observations: s, taskFeatures: f, passes: 3, dropProbability: 0.2,
                                         using: &replay)
      for k in 0..<3 {
        for (part, row) in indices.enumerated() { #expect(passes[k].row(row) == own[k].row(part)) }
      }
    }
    #expect(rng == replay)
  }
}

/// Fine-tuning per task, on the linear-Gaussian rows of `BehaviorCloningTests` split by f.
@Suite struct TaskIsolationFineTuningTests {
  static let settings = BehaviorCloningSettings(batchSize: 32, learningRate: 1e-3)

  /// Task A (index 2, f = +1) and task B (index 5, f = −1), 200 rows each, and π₀ fitted to all of them.
  static func setUp() throws -> (prior: MLPPolicy<Float>, a: BehaviorCloningData<Float>, b: BehaviorCloningData<Float>) {
    let all = try BehaviorCloningTests.linearGaussian(rows: 400, seed: 2)
    let prior = MLPPolicy(architecture: BehaviorCloningTests.architecture, fittingNormalizerTo: all.observations,
                          seed: Seed(1))
    let a = try all.selectingRows((0..<all.count).filter { all.taskFeatures[$0, 0] == 1 })
    let b = try all.selectingRows((0..<all.count).filter { all.taskFeatures[$0, 0] == -1 })
    return (prior, a, b)
  }

  /// The networks are ordered by task index whatever the input order; A's network is π₀ trained on A's rows
  /// alone for the same steps with `Seed(4).derived("task-2")`, bit for bit, and so are A's actions; a task
  /// without data (f = 0.25) acts exactly as π₀.
  @Test func eachTaskNetworkIsThePriorTrainedOnItsOwnRows() throws {
    let (prior, a, b) = try Self.setUp()
    let policy = try TaskIsolatedMLPPolicy.fineTuning(
      prior, tasks: [TaskDemonstrations(task: 5, data: b), TaskDemonstrations(task: 2, data: a)], steps: 60,
      settings: Self.settings, seed: Seed(4), chunk: 25)
    #expect(policy.tasksWithData == Matrix([[1], [-1]]) && policy.prior == prior)
    #expect(TaskIsolatedMLPPolicy<Float>.taskSeed(Seed(4), task: 2) == Seed(4).derived("task-2"))
    let alone = try prior.trained(on: a, steps: 60, settings: Self.settings, seed: Seed(4).derived("task-2"))
    #expect(policy.fineTuned[0] == alone && policy.fineTuned[0] != prior)
    let s: Matrix<Float> = MLPFixtures.random(3, 2, seed: 5)
    let onA = Matrix<Float>([[1], [1], [1]])
    #expect(try policy.evaluate(observations: s, taskFeatures: onA).mean.storage.map(\.bitPattern)
      == alone.evaluate(observations: s, taskFeatures: onA).mean.storage.map(\.bitPattern))
    let onC = Matrix<Float>([[0.25], [0.25], [0.25]])
    let acting = try policy.distribution(observations: s, taskFeatures: onC)
    #expect(acting == (try prior.distribution(observations: s, taskFeatures: onC)))
  }

  /// Changing B's demonstrations (half of its rows, actions shifted) changes B's actions and leaves A's network
  /// and A's actions bit-identical.
  @Test func anotherTasksDataLeavesActionsBitIdentical() throws {
    let (prior, a, b) = try Self.setUp()
    var other = try b.selectingRows(Array(0..<(b.count / 2)))
    for i in other.actions.storage.indices { other.actions.storage[i] += 0.5 }
    func tuned(_ data: BehaviorCloningData<Float>) throws -> TaskIsolatedMLPPolicy<Float> {
      try TaskIsolatedMLPPolicy.fineTuning(
        prior, tasks: [TaskDemonstrations(task: 2, data: a), TaskDemonstrations(task: 5, data: data)], steps: 40,
        settings: Self.settings, seed: Seed(7))
    }
    let (first, second) = (try tuned(b), try tuned(other))
    #expect(first.fineTuned[0] == second.fineTuned[0] && first.fineTuned[1] != second.fineTuned[1])
    let s: Matrix<Float> = MLPFixtures.random(4, 2, seed: 6)
    let f = Matrix<Float>([[1], [-1], [1], [-1]])
    let (x, y) = (try first.evaluate(observations: s, taskFeatures: f), try second.evaluate(observations: s, taskFeatures: f))
    for row in [0, 2] {
      #expect(x.mean.row(row).map(\.bitPattern) == y.mean.row(row).map(\.bitPattern))
      #expect(x.logStd.row(row).map(\.bitPattern) == y.logStd.row(row).map(\.bitPattern))
    }
    #expect(x.mean.row(1) != y.mean.row(1))
  }

  /// Two entries of one task, two tasks sharing f(c), and a task whose rows disagree on f(c) are refused.
  @Test func ambiguousTasksAreRefused() throws {
    let (prior, a, b) = try Self.setUp()
    let mixed = try BehaviorCloningData<Float>(
      observations: Matrix([[0, 0], [1, 1]]), taskFeatures: Matrix([[1], [-1]]), actions: Matrix([[0, 0], [0, 0]]))
    let cases: [[TaskDemonstrations<Float>]] = [
      [TaskDemonstrations(task: 2, data: a), TaskDemonstrations(task: 2, data: b)],
      [TaskDemonstrations(task: 2, data: a), TaskDemonstrations(task: 3, data: a)],
      [TaskDemonstrations(task: 4, data: mixed)],
    ]
    for tasks in cases {
      #expect(throws: PolicyError.self) {
        _ = try TaskIsolatedMLPPolicy.fineTuning(prior, tasks: tasks, steps: 1, seed: Seed(0))
      }
    }
  }
}

/// The `task_isolation` artifact: a new variant; round trips bit for bit and rewrites to identical bytes.
extension MLPArtifactTests {
  static func taskIsolated() -> TaskIsolatedMLPPolicy<Float> {
    var second = tuned()
    second.network = MLPNetwork(architecture: architecture, seed: Seed(3))
    return TaskIsolatedMLPPolicy(prior: prior(), fineTuned: [tuned(), second],
                                 tasksWithData: Matrix([[1, 0], [0.5, -0.25]]))
  }

  /// Layout pinned; read back equal (every network bit for bit) and acting identically; written again, the
  /// file's bytes are identical.
  @Test func taskIsolationPolicyRoundTripsBitExactly() throws {
    let policy = Self.taskIsolated()
    let content = try policy.artifactContent()
    #expect(content.datasetPaths.filter { !$0.contains("/layers/") } == [
      "/normalizer/mean", "/normalizer/std", "/task_isolation/tasks_with_data",
    ])
    #expect(content.datasetPaths.contains("/task_isolation/networks/1/layers/2/weight"))
    #expect(content.datasetPaths.contains("/prior/layers/0/bias") && !content.datasetPaths.contains("/layers/0/bias"))
    let text = try content.attribute("architecture").scalarString(object: "architecture")
    #expect(text.contains(#""variant":"task_isolation""#))
    let folder = try TemporaryDirectory("amf-task-isolation-artifact")
    defer { folder.remove() }
    let provenance = Provenance(stage: "test", stageVersion: 1)
    try ArtifactFile.write(Artifact(kind: .policy, provenance: provenance, content: content), to: folder.file("a.h5"))
    let loaded = try TaskIsolatedMLPPolicy<Float>(
      artifactContent: try ArtifactFile.read(folder.file("a.h5"), expecting: .policy).content, file: "a.h5")
    #expect(loaded == policy)
    #expect(zip(loaded.fineTuned, policy.fineTuned).allSatisfy { Self.bits($0.network) == Self.bits($1.network) })
    #expect(Self.bits(loaded.prior.network) == Self.bits(policy.prior.network))
    let s = Matrix<Float>([[0.3, -1, 2], [0, 0, 0], [1, 2, 3]])
    let f = Matrix<Float>([[1, 0], [0.5, -0.25], [0, 1]])
    #expect(try loaded.distribution(observations: s, taskFeatures: f) == policy.distribution(observations: s, taskFeatures: f))
    try ArtifactFile.write(
      Artifact(kind: .policy, provenance: provenance, content: try loaded.artifactContent()), to: folder.file("b.h5"))
    #expect(try Data(contentsOf: folder.file("a.h5")) == Data(contentsOf: folder.file("b.h5")))
  }

  /// A file whose network count disagrees with its task rows is refused, naming the group.
  @Test func taskIsolationNetworkCountIsChecked() throws {
    var content = try Self.taskIsolated().artifactContent()
    content.groups["task_isolation"]?.groups["networks"]?.groups["1"] = nil
    #expect(throws: ArtifactError.self) {
      _ = try TaskIsolatedMLPPolicy<Float>(artifactContent: content, file: "p.h5")
    }
    #expect(throws: ArtifactError.self) {
      _ = try IsolatedMLPPolicy<Float>(artifactContent: try Self.taskIsolated().artifactContent(), file: "p.h5")
    }
  }
}
