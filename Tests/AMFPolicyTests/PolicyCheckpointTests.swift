import AMFArtifacts
import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// One reader for every policy kind: the artifact's `family` and `variant` pick the type.
@Suite struct PolicyCheckpointTests {
  private func reread(_ checkpoint: PolicyCheckpoint) throws -> PolicyCheckpoint {
    let folder = try TemporaryDirectory("amf-checkpoint")
    defer { folder.remove() }
    let url = folder.file("policy.h5")
    let artifact = Artifact(kind: .policy, provenance: Provenance(stage: "test", stageVersion: 1),
                            content: try checkpoint.artifactContent())
    try ArtifactFile.write(artifact, to: url)
    return try PolicyCheckpoint.read(url)
  }

  /// Each kind comes back as the same kind, acting identically on the same inputs.
  @Test func everyKindIsRecognized() throws {
    let prior = MLPArtifactTests.prior()
    let tuned = MLPArtifactTests.tuned()
    let tasks = Matrix<Float>([[1, 0]])
    let gp = try GPPolicy(
      observationDimension: 3, taskFeatureDimension: 2, actionDimension: 2, inputMean: [0, 0, 0, 0, 0],
      inputScale: [1, 1, 1, 1, 1], inputs: Matrix([[0.1, 0.2, 0.3, 1, 0]]), targets: Matrix([[0.5, -0.5]]))
    let cases: [(PolicyCheckpoint, String)] = [
      (.mlp(prior), "mlp"),
      (.isolation(IsolatedMLPPolicy(prior: prior, fineTuned: tuned, tasksWithData: tasks)), "isolation"),
      (.taskIsolation(TaskIsolatedMLPPolicy(prior: prior, fineTuned: [tuned], tasksWithData: tasks)), "taskIsolation"),
      (.adaptivePrior(AdaptivePriorPolicy(prior: prior, priorContentHash: String(repeating: "0", count: 64))),
       "adaptivePrior"),
      (.gp(gp), "gp"),
    ]
    let observations = Matrix<Float>([[0.3, -1, 2], [0, 0, 0]])
    let features = Matrix<Float>([[1, 0], [0, 1]])
    for (checkpoint, name) in cases {
      let read = try reread(checkpoint)
      #expect("\(read)".hasPrefix(name), "\(name) came back as \(read)")
      let before = try checkpoint.policy.distribution(observations: observations, taskFeatures: features)
      let after = try read.policy.distribution(observations: observations, taskFeatures: features)
      #expect(before == after)
      #expect(read.family == (name == "gp" ? .gp : .mlp))
    }
  }

  @Test func unknownFamilyIsNamed() throws {
    var content = try MLPArtifactTests.prior().artifactContent()
    content.attributes["family"] = .scalar("transformer")
    #expect {
      _ = try PolicyCheckpoint(artifactContent: content, file: "p.h5")
    } throws: { error in
      "\(error)".contains("unknown policy family 'transformer'") && "\(error)".contains("p.h5")
    }
  }
}
