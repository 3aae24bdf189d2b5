import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// The `embeddings` schema: both spaces round trip through files; validation and reading name the object.
@Suite struct EmbeddingSetTests {
  static let provenance = Provenance(stage: "embed", stageVersion: 4, seed: 1, projectVersion: "fixture")

  /// 2 tasks, a pool of 3, width 3: 2 target points, 4 candidate points, 1 conditioning point of a GP's data
  /// (task −1). Non-square everywhere so a swapped axis cannot pass.
  static func set(space: EmbeddingSpace = .weight, kernel: (Double, Double, Double)? = nil) throws -> EmbeddingSet {
    let targets = EmbeddingSet.Points(phi: [1, 2, 3, 4, 5, 6], width: 3, task: [0, 1], poolIndex: [0, 2], step: [0, 5])
    let candidates = EmbeddingSet.Points(
      phi: (0..<12).map { Float($0) * 0.5 }, width: 3, task: [0, 0, 1, 1], poolIndex: [1, 1, 2, 2], step: [0, 1, 0, 1])
    let conditioning = EmbeddingSet.Points(phi: [-1, 0, 1], width: 3, task: [-1], poolIndex: [-1], step: [-1])
    return try EmbeddingSet(
      kind: space == .weight ? "loss_gradient" : "gp_rbf", space: space, normalization: 0.75, importanceWeights: true,
      round: 2, environmentName: "reacher", kernel: kernel, targetWeights: [0.5, 0.5], collected: [1, 0],
      poolTask: [0, 1, 1], poolLength: [60, 60, 45], poolSource: ["round_1", "rollout", "rollout"],
      logRatios: [0, -1, 2, 0, -3, 0], logWeights: [-0.1, -2, -3, -0.5, -0.2, -1.5], ess: [1.2, 2.5],
      ownShare: [0.9, 0.8], clippedFraction: [0, 1.0 / 3], targets: targets, candidates: candidates,
      conditioning: conditioning, entropy: [0.1, 0.2, 0.3, 0.4])
  }

  static func roundTrip(_ set: EmbeddingSet) throws -> (EmbeddingSet, Artifact) {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("embeddings.h5")
    try ArtifactFile.write(Artifact(kind: .embeddings, provenance: Self.provenance, content: try set.contentGroup()), to: url)
    let artifact = try ArtifactFile.read(url, expecting: .embeddings)
    return (try EmbeddingSet(artifact), artifact)
  }

  @Test func weightSpaceRoundTripsWithoutKernelAttributes() throws {
    let set = try Self.set()
    let (read, artifact) = try Self.roundTrip(set)
    #expect(read == set && read.kernel == nil)
    #expect(artifact.content.attributes["lengthscale"] == nil)
    #expect(try artifact.content.dataset(at: "/pool/log_weights").shape == [3, 2])
    #expect(try artifact.content.dataset(at: "/candidates/phi").shape == [4, 3])
    #expect(try artifact.content.dataset(at: "/conditioning/task") == .vector([Int64]([-1])))
    #expect(read.taskCount == 2 && read.poolCount == 3 && read.candidates.count == 4)
  }

  @Test func functionSpaceKeepsItsKernel() throws {
    let set = try Self.set(space: .function, kernel: (0.5, 1, 0.01))
    let (read, artifact) = try Self.roundTrip(set)
    #expect(read == set)
    #expect(read.kernel?.lengthscale == 0.5 && read.kernel?.signalVariance == 1 && read.kernel?.noiseVariance == 0.01)
    #expect(try artifact.content.attribute("noise_variance") == .scalar(0.01))
    var missing = artifact.content
    missing.attributes["signal_variance"] = nil
    #expect(throws: ArtifactError.missingObject(file: "", object: "attribute signal_variance of /")) {
      try EmbeddingSet(Artifact(kind: .embeddings, provenance: Self.provenance, content: missing))
    }
  }

  /// Each inconsistency is named by the object a reader would look at.
  @Test func validationNamesEveryObject() throws {
    let good = try Self.set()
    func check(_ expected: ArtifactError, _ edit: (inout EmbeddingSet) -> Void) {
      var set = good
      edit(&set)
      #expect(throws: expected) { try set.validate() }
    }
    check(.invalidValue(file: "", object: "/pool/task", reason: "the proxy pool is empty")) { $0.poolTask = [] }
    check(.shapeMismatch(file: "", object: "/pool/log_weights", expected: "6", found: "5")) { $0.logWeights.removeLast() }
    check(.shapeMismatch(file: "", object: "/pool/source", expected: "3", found: "2")) { $0.poolSource = ["a", "b"] }
    check(.shapeMismatch(file: "", object: "/entropy", expected: "4", found: "3")) { $0.entropy = [0, 0, 0] }
    check(.shapeMismatch(file: "", object: "/targets/phi", expected: "6", found: "5")) { $0.targets.phi.removeLast() }
    check(.shapeMismatch(file: "", object: "/candidates/t", expected: "4", found: "1")) { $0.candidates.step = [0] }
    check(.invalidValue(file: "", object: "/targets/task", reason: "task 2 outside 0..<2")) { $0.targets.task = [0, 2] }
    check(.invalidValue(file: "", object: "/candidates/task", reason: "task -1 outside 0..<2")) {
      $0.candidates.task = [0, 0, -1, 1]
    }
    check(.shapeMismatch(file: "", object: "/candidates/phi", expected: "width 3", found: "4")) {
      $0.candidates = EmbeddingSet.Points(phi: [Float](repeating: 0, count: 16), width: 4, task: [0, 0, 1, 1],
                                          poolIndex: [1, 1, 2, 2], step: [0, 1, 0, 1])
    }
  }

  @Test func readingChecksKindAndShapes() throws {
    let content = try Self.set().contentGroup()
    #expect(throws: ArtifactError.wrongKind(file: "", expected: "embeddings", found: "policy")) {
      try EmbeddingSet(Artifact(kind: .policy, provenance: Self.provenance, content: content))
    }
    var wide = content
    try wide.setDataset(try .matrix([Double](repeating: 0, count: 9), rows: 3, columns: 3), at: "/pool/log_ratios")
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/pool/log_ratios", expected: "N×2", found: "3×3")) {
      try EmbeddingSet(Artifact(kind: .embeddings, provenance: Self.provenance, content: wide))
    }
    var doublePhi = content
    try doublePhi.setDataset(try .matrix([Double](repeating: 0, count: 6), rows: 2, columns: 3), at: "/targets/phi")
    #expect(throws: ArtifactError.typeMismatch(file: "", object: "/targets/phi", expected: "float32", found: "float64")) {
      try EmbeddingSet(Artifact(kind: .embeddings, provenance: Self.provenance, content: doublePhi))
    }
  }
}
