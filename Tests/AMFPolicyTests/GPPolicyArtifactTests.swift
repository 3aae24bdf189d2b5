import AMFArtifacts
import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

@Suite struct GPPolicyArtifactTests {
  static func artifact(_ policy: GPPolicy) throws -> Artifact {
    Artifact(
      kind: .policy, provenance: Provenance(stage: "finetune", stageVersion: 1, projectVersion: "test"),
      content: try policy.artifactContent())
  }

  /// The layout of ARTIFACTS.md "policy" for the GP, with a pinned architecture record.
  @Test func contentFollowsLayout() throws {
    let content = try GPFixtures.policy().artifactContent()
    #expect(content.datasetPaths == ["/gp/inputs", "/gp/targets", "/normalizer/mean", "/normalizer/std"])
    #expect(try content.attribute("family").scalarString(object: "family") == "gp")
    #expect(try content.attribute("architecture").scalarString(object: "architecture") == """
      {"action_dimension":2,"kernel":"rbf","lengthscale":0.5,"noise_variance":0.01,"observation_dimension":2,\
      "point_count":6,"signal_variance":1,"task_feature_dimension":2}
      """)
    #expect(try content.dataset(at: "/gp/inputs").shape == [6, 4])
    #expect(try content.dataset(at: "/gp/targets").elementType == .float64)
  }

  @Test func sameInputsGiveByteIdenticalFiles() throws {
    let folder = try TemporaryDirectory("gp-artifact")
    defer { folder.remove() }
    try ArtifactFile.write(try Self.artifact(try GPFixtures.policy()), to: folder.file("a.h5"))
    try ArtifactFile.write(try Self.artifact(try GPFixtures.policy()), to: folder.file("b.h5"))
    let first = try Data(contentsOf: folder.file("a.h5"))
    let second = try Data(contentsOf: folder.file("b.h5"))
    #expect(!first.isEmpty)
    #expect(first == second)
  }

  /// Write, read, load: the same data bit for bit, and so the same actions bit for bit.
  @Test func roundTripIsExact() throws {
    let folder = try TemporaryDirectory("gp-artifact")
    defer { folder.remove() }
    let policy = try GPFixtures.policy()
    let url = folder.file("policy.h5")
    try ArtifactFile.write(try Self.artifact(policy), to: url)
    let read = try ArtifactFile.read(url, expecting: .policy)
    let loaded = try GPPolicy(artifactContent: read.content, file: url.path)
    #expect(read.content == (try policy.artifactContent()))
    #expect(loaded.inputs.storage.map(\.bitPattern) == policy.inputs.storage.map(\.bitPattern))
    #expect(loaded.targets.storage.map(\.bitPattern) == policy.targets.storage.map(\.bitPattern))
    #expect(loaded.architecture == policy.architecture)
    #expect(loaded.inputMean == policy.inputMean && loaded.inputScale == policy.inputScale)
    let queries = GPFixtures.data(4, seed: "gp-queries")
    let (observations, features) = (GPFixtures.narrowed(queries.0), GPFixtures.narrowed(queries.1))
    #expect(try loaded.distribution(observations: observations, taskFeatures: features)
      == policy.distribution(observations: observations, taskFeatures: features))
  }

  /// A policy without data (the prior) stores 0 × d and 0 × a datasets and loads back as the prior.
  @Test func priorPolicyRoundTrips() throws {
    let folder = try TemporaryDirectory("gp-artifact")
    defer { folder.remove() }
    let prior = try GPPolicy(
      observationDimension: 2, taskFeatureDimension: 2, actionDimension: 2, inputMean: [0, 0, 0, 0],
      inputScale: GPFixtures.scale)
    let url = folder.file("prior.h5")
    try ArtifactFile.write(try Self.artifact(prior), to: url)
    let loaded = try GPPolicy(artifactContent: try ArtifactFile.read(url).content, file: url.path)
    #expect(loaded.inputs.shape == Shape(0, 4) && loaded.targets.shape == Shape(0, 2))
    #expect(try loaded.artifactContent() == prior.artifactContent())
  }

  @Test func missingTargetsIsNamed() throws {
    let folder = try TemporaryDirectory("gp-artifact")
    defer { folder.remove() }
    var artifact = try Self.artifact(try GPFixtures.policy())
    artifact.content.groups["gp"]?.datasets["targets"] = nil
    let url = folder.file("broken.h5")
    try ArtifactFile.write(artifact, to: url)
    let read = try ArtifactFile.read(url, expecting: .policy)
    #expect(throws: ArtifactError.missingObject(file: url.path, object: "dataset /gp/targets")) {
      _ = try GPPolicy(artifactContent: read.content, file: url.path)
    }
  }

  @Test func wrongShapeIsNamed() throws {
    var content = try GPFixtures.policy().artifactContent()
    try content.setDataset(.matrix([Double](repeating: 0, count: 6), rows: 6, columns: 1), at: "/gp/targets")
    #expect(throws: ArtifactError.shapeMismatch(file: "p.h5", object: "/gp/targets", expected: "6×2", found: "6×1")) {
      _ = try GPPolicy(artifactContent: content, file: "p.h5")
    }
    var badScale = try GPFixtures.policy().artifactContent()
    try badScale.setDataset(.vector([1.0, 1, 1]), at: "/normalizer/std")
    #expect(throws: ArtifactError.shapeMismatch(file: "p.h5", object: "/normalizer/std", expected: "4", found: "3")) {
      _ = try GPPolicy(artifactContent: badScale, file: "p.h5")
    }
  }

  @Test func wrongFamilyAndArchitectureAreRejected() throws {
    var mlp = try GPFixtures.policy().artifactContent()
    try mlp.setAttribute("family", .scalar("mlp"))
    #expect(throws: ArtifactError.invalidValue(
      file: "p.h5", object: "attribute family", reason: "'mlp' is not a GP policy (expected 'gp')")) {
      _ = try GPPolicy(artifactContent: mlp, file: "p.h5")
    }
    var typo = try GPFixtures.policy().artifactContent()
    let json = try typo.attribute("architecture").scalarString(object: "architecture")
    try typo.setAttribute("architecture", .scalar(json.replacingOccurrences(of: "lengthscale", with: "length_scale")))
    #expect {
      _ = try GPPolicy(artifactContent: typo, file: "p.h5")
    } throws: { error in
      guard case ArtifactError.invalidValue(let file, let object, _) = error else { return false }
      return file == "p.h5" && object == "attribute architecture"
    }
  }
}
