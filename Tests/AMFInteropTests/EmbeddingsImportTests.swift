import AMFArtifacts
import AMFCore
import AMFNumerics
import AMFSelection
import AMFTestSupport
import Foundation
import Testing

@testable import AMFInterop

/// A hand-made bring-your-own embeddings file (3 tasks, 2 trajectories, φ 3 wide): what the import stores,
/// what it refuses, and that `amf-select` picks from it what AMF's math picks.
@Suite struct EmbeddingsImportTests {
  static let logWeights: [Double] = [  // (2 trajectories × 3 tasks), columns sum to 1 in exp
    Foundation.log(0.25), Foundation.log(0.5), Foundation.log(0.8),
    Foundation.log(0.75), Foundation.log(0.5), Foundation.log(0.2),
  ]

  /// Trajectory 7 (task 0, 2 steps) and 9 (task 2, 1 step); candidates: each relabelled with tasks 0, 1, 2;
  /// targets: trajectory 7 with task 0 and trajectory 9 with task 2; μ = (0.5, 0, 0.5).
  static func tree() throws -> ArtifactGroup {
    var tree = ArtifactGroup()
    try tree.setAttribute("byo_version", .scalar(Int64(1)))
    try tree.setAttribute("round", .scalar(Int64(2)))
    try tree.setDataset(.vector([Int64(7), 9]), at: "/trajectories/id")
    try tree.setDataset(.vector([Int64(0), 2]), at: "/trajectories/task")
    try tree.setDataset(try .matrix(logWeights, rows: 2, columns: 3), at: "/trajectories/log_weights")
    try tree.setDataset(.vector([0.5, 0.0, 0.5]), at: "/tasks/target_weight")
    var rows: [(task: Int64, trajectory: Int64, t: Int64)] = []
    for task in Int64(0)..<3 { rows += [(task, 7, 0), (task, 7, 1), (task, 9, 0)] }
    let phi = rows.flatMap { row -> [Double] in [Double(row.task == 0 ? 1 : 0), Double(row.t), row.trajectory == 9 ? 1 : 0] }
    try setPoints(&tree, "candidates", phi: phi, rows: rows)
    let targets: [(task: Int64, trajectory: Int64, t: Int64)] = [(0, 7, 0), (2, 9, 0)]
    try setPoints(&tree, "targets", phi: [1, 0, 0, 0, 0, 1], rows: targets)
    return tree
  }

  static func setPoints(
    _ tree: inout ArtifactGroup, _ name: String, phi: [Double], rows: [(task: Int64, trajectory: Int64, t: Int64)]
  ) throws {
    try tree.setDataset(try .matrix(phi, rows: rows.count, columns: 3), at: "/\(name)/phi")  // float64, narrowed
    try tree.setDataset(.vector(rows.map(\.task)), at: "/\(name)/task")
    try tree.setDataset(.vector(rows.map(\.trajectory)), at: "/\(name)/trajectory")
    try tree.setDataset(.vector(rows.map(\.t)), at: "/\(name)/t")
  }

  func imported(_ tree: ArtifactGroup) throws -> (file: String, set: () throws -> EmbeddingSet) {
    let folder = try TemporaryDirectory()
    let file = try InteropFixtures.write(tree, "byo.h5", in: folder)
    return (file, { try EmbeddingSet(EmbeddingsImport.artifact(from: URL(fileURLWithPath: file))) })
  }

  @Test func storesThePointsWeightsAndDiagnostics() throws {
    let set = try imported(Self.tree()).set()
    #expect(set.taskCount == 3 && set.poolCount == 2 && set.round == 2)
    #expect(set.poolTask == [0, 2])
    #expect(set.poolLength == [2, 1])
    #expect(set.poolSource == ["rollout", "rollout"])
    #expect(set.importanceWeights)
    #expect(set.logWeights == Self.logWeights)
    #expect(set.candidates.poolIndex == [0, 0, 1, 0, 0, 1, 0, 0, 1])  // ids 7, 9 → rows 0, 1
    #expect(set.candidates.phi.prefix(6) == [1, 0, 0, 1, 1, 0])
    #expect(set.targets.task == [0, 2])
    #expect(set.collected == [0, 0, 0])
    #expect(set.entropy == [Double](repeating: 0, count: 9))
    // ESS(c) = 1 / Σ w², own share = weight on the trajectories of task c.
    for (found, expected) in zip(set.ess, [1 / (0.0625 + 0.5625), 2, 1 / (0.64 + 0.04)]) {
      #expect(abs(found - expected) < 1e-12)
    }
    for (found, expected) in zip(set.ownShare, [0.25, 0, 0.2]) { #expect(abs(found - expected) < 1e-12) }
  }

  @Test func withoutLogWeightsThePoolIsUniform() throws {
    var tree = try Self.tree()
    tree.groups["trajectories"]?.datasets["log_weights"] = nil
    let set = try imported(tree).set()
    #expect(!set.importanceWeights)
    #expect(set.logWeights == [Double](repeating: -Foundation.log(2), count: 6))
    #expect(set.ess == [2, 2, 2])
  }

  @Test func badFilesAreOneErrorEach() throws {
    var noVersion = try Self.tree()
    noVersion.attributes["byo_version"] = nil
    var badMu = try Self.tree()
    try badMu.setDataset(.vector([0.5, 0.0, 0.6]), at: "/tasks/target_weight")
    var unknownID = try Self.tree()
    try unknownID.setDataset(.vector([Int64](repeating: 7, count: 8) + [8]), at: "/candidates/trajectory")
    var split = try Self.tree()
    try split.setDataset(.vector([Int64(0), 1, 0, 1, 1, 1, 2, 2, 2]), at: "/candidates/task")
    var unnormalized = try Self.tree()
    try unnormalized.setDataset(try .matrix([Double](repeating: 0, count: 6), rows: 2, columns: 3), at: "/trajectories/log_weights")
    let cases: [(ArtifactGroup, String, String)] = [
      (noVersion, "@byo_version", "is missing"),
      (badMu, "/tasks/target_weight", "is not a distribution over tasks (≥ 0, sum 1)"),
      (unknownID, "/candidates/trajectory[8]", "id 8 is not in /trajectories/id"),
      (split, "/candidates (row 3)", "task 1 with trajectory 7 appears in two separate runs"),
      (unnormalized, "/trajectories/log_weights[:, 0]", "exponentials sum to 2.0, not 1"),
    ]
    for (tree, object, reason) in cases {
      let (file, set) = try imported(tree)
      #expect {
        _ = try set()
      } throws: { error in
        guard case .invalidValue(let f, let o, let r, _) = error as? InteropError else { return false }
        return f == file && o == object && r == reason
      }
    }
  }

  /// `amf-pipeline stage select` on the imported file picks what `AMFStrategy` picks on the same problem.
  @Test func amfSelectPicksWhatTheMathPicks() throws {
    let (file, set) = try imported(Self.tree())
    let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    let artifact = folder.appendingPathComponent("embeddings.h5")
    try EmbeddingsImport.importFile(URL(fileURLWithPath: file), to: artifact)
    let selection = folder.appendingPathComponent("selection.h5")
    let result = try Executables.run(
      "amf-pipeline",
      ["stage", "select", "--input", "embeddings=\(artifact.path)", "--param", "task_count=3", "--param", "round=2",
       "--param", "target_weights=[0.5, 0, 0.5]", "--param", "batch=2", "--seed", "0", "--output", selection.path])
    #expect(result.status == 0, "\(result.standardError)")
    let record = try SelectionRecord(ArtifactFile.read(selection, expecting: .selection))
    let expected = try EmbeddingsSelection.amf(try set(), batch: 2, seed: 0)
    #expect(record.selected == expected.selected)
    #expect(record.scores.map { $0.map(\.bitPattern) } == expected.scores.map { $0.map(\.bitPattern) })
  }
}

/// The selection problem of an embeddings set, built with the library's types and select's defaults
/// (AMF.md §2: weight space, ρ² = 0.01, clip 30, min weight 1e-9, conditioning on the stored set).
enum EmbeddingsSelection {
  static func amf(_ set: EmbeddingSet, batch: Int, seed: UInt64) throws -> SelectionResult {
    func labels(_ points: EmbeddingSet.Points) -> [PointLabel] {
      points.task.indices.map { PointLabel(task: points.task[$0], pool: points.poolIndex[$0], step: points.step[$0]) }
    }
    func matrix(_ points: EmbeddingSet.Points) throws -> Matrix<Double> {
      try Matrix(rows: points.count, columns: points.width, values: points.phi.map { Double($0) })
    }
    var problem = SelectionProblem(
      taskCount: set.taskCount, candidates: Array(0..<set.taskCount), targetWeights: set.targetWeights, batch: batch,
      round: set.round, seed: Seed(seed), collectedCounts: set.collected, minWeight: 1e-9)
    problem.weights = ImportanceWeights(
      logRatios: try Matrix(rows: set.poolCount, columns: set.taskCount, values: set.logRatios),
      logWeights: try Matrix(rows: set.poolCount, columns: set.taskCount, values: set.logWeights),
      poolTasks: set.poolTask, clip: 30)
    problem.targets = labels(set.targets)
    problem.candidatePoints = labels(set.candidates)
    problem.entropies = set.entropy
    problem.poolIsCollected = set.poolSource.map { DemonstrationSource($0) != .rollout }
    problem.embeddings = .weightSpace(
      targets: try matrix(set.targets), candidates: try matrix(set.candidates), conditioning: try matrix(set.conditioning))
    return try AMFStrategy.select(problem)
  }
}
