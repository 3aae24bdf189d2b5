import AMFArtifacts
import AMFCore
import AMFNumerics
import AMFTestSupport
import Foundation
import Testing

@testable import AMFPolicy

/// Every MLP policy kind round-trips bit for bit through an HDF5 `policy` artifact; bad files fail
/// with errors naming the object.
@Suite struct MLPArtifactTests {
  static let architecture = MLPArchitecture(observationDimension: 3, taskFeatureDimension: 2, actionDimension: 2,
                                            hiddenWidths: [5, 4], activation: .relu)

  static func prior() -> MLPPolicy<Float> {
    var network = MLPNetwork<Float>(architecture: architecture, seed: Seed(1))
    network.layers[0].bias.storage[1] = -0.0  // signed zero must survive
    network.layers[2].bias.storage[3] = Float.leastNonzeroMagnitude  // and subnormals
    return MLPPolicy(network: network, normalizer: ObservationNormalizer(mean: [0.1, -2, 3e-5], std: [1, 0.1, 7]))
  }

  static func tuned() -> MLPPolicy<Float> {
    var policy = prior()
    policy.network = MLPNetwork(architecture: architecture, seed: Seed(2))
    return policy
  }

  /// Writes `content` as a policy artifact, reads it back, and returns what was read.
  static func roundTrip(_ content: ArtifactGroup) throws -> (ArtifactGroup, String) {
    let folder = try TemporaryDirectory("amf-mlp-artifact")
    defer { folder.remove() }
    let url = folder.file("policy.h5")
    let artifact = Artifact(kind: .policy, provenance: Provenance(stage: "test", stageVersion: 1), content: content)
    try ArtifactFile.write(artifact, to: url)
    let read = try ArtifactFile.read(url, expecting: .policy)
    #expect(read.content == content)
    return (read.content, url.path)
  }

  static func bits(_ network: MLPNetwork<Float>) -> [UInt32] {
    network.layers.flatMap { ($0.weight.storage + $0.bias.storage).map(\.bitPattern) }
  }

  @Test func plainPolicyRoundTripsBitExactly() throws {
    let policy = Self.prior()
    let content = try policy.artifactContent()
    #expect(content.datasetPaths == [
      "/layers/0/bias", "/layers/0/weight", "/layers/1/bias", "/layers/1/weight", "/layers/2/bias",
      "/layers/2/weight", "/normalizer/mean", "/normalizer/std",
    ])
    #expect(try content.dataset(at: "/layers/0/weight").shape == [5, 5])
    #expect(try content.attribute("family") == .scalar("mlp"))
    let (read, file) = try Self.roundTrip(content)
    let loaded = try MLPPolicy<Float>(artifactContent: read, file: file)
    #expect(Self.bits(loaded.network) == Self.bits(policy.network))
    #expect(loaded.normalizer == policy.normalizer && loaded.architecture == policy.architecture)
  }

  /// The architecture attribute is canonical JSON (sorted keys), pinned here.
  @Test func architectureAttributeIsCanonicalJSON() throws {
    let text = try Self.prior().artifactContent().attribute("architecture").scalarString(object: "architecture")
    #expect(text == #"{"architecture":{"action_dimension":2,"activation":"relu","hidden_widths":[5,4],"#
      + #""log_std_max":1,"log_std_min":-5,"observation_dimension":3,"task_feature_dimension":2},"#
      + #""output_layout":"mean_then_log_std","variant":"plain","weight_layout":"fan_in_by_fan_out"}"#)
  }

  @Test func isolationPolicyRoundTripsBitExactly() throws {
    let policy = IsolatedMLPPolicy(prior: Self.prior(), fineTuned: Self.tuned(),
                                   tasksWithData: Matrix([[1, 0], [0.5, -0.25]]))
    let (read, file) = try Self.roundTrip(try policy.artifactContent())
    let loaded = try IsolatedMLPPolicy<Float>(artifactContent: read, file: file)
    #expect(loaded == policy)
    #expect(Self.bits(loaded.prior.network) == Self.bits(policy.prior.network))
  }

  @Test func adaptivePriorRoundTripsBitExactly() throws {
    var policy = AdaptivePriorPolicy(prior: Self.prior(), priorContentHash: String(repeating: "ab", count: 32))
    policy.fineTuned = Self.tuned()
    policy.mixing.weight.storage = [0.25, -1.5]
    let content = try policy.artifactContent()
    #expect(try content.dataset(at: "/mixing/weight").shape == [2])
    let (read, file) = try Self.roundTrip(content)
    let loaded = try AdaptivePriorPolicy<Float>(artifactContent: read, file: file)
    #expect(loaded == policy)
    #expect(Self.bits(loaded.fineTuned.network) == Self.bits(policy.fineTuned.network))
  }

  @Test func misshapenLayerIsNamed() throws {
    var content = try Self.prior().artifactContent()
    try content.setDataset(try .matrix([Float](repeating: 0, count: 20), rows: 4, columns: 5), at: "/layers/1/weight")
    #expect(throws: ArtifactError.shapeMismatch(file: "p.h5", object: "/layers/1/weight", expected: "5×4",
                                                found: "4×5")) {
      _ = try MLPPolicy<Float>(artifactContent: content, file: "p.h5")
    }
  }

  @Test func missingNormalizerIsNamed() throws {
    var content = try Self.prior().artifactContent()
    content.groups["normalizer"]?.datasets["std"] = nil
    #expect(throws: ArtifactError.missingObject(file: "p.h5", object: "dataset /normalizer/std")) {
      _ = try MLPPolicy<Float>(artifactContent: content, file: "p.h5")
    }
  }

  @Test func wrongVariantIsRefused() throws {
    let content = try Self.prior().artifactContent()
    #expect(throws: ArtifactError.self) {
      _ = try AdaptivePriorPolicy<Float>(artifactContent: content, file: "p.h5")
    }
  }
}

extension MLPArtifactTests {
  /// An architecture attribute that decodes but describes no network is refused, not trusted.
  @Test func invalidArchitectureIsRefused() throws {
    var content = try Self.prior().artifactContent()
    let text = try content.attribute("architecture").scalarString(object: "architecture")
      .replacingOccurrences(of: #""hidden_widths":[5,4]"#, with: #""hidden_widths":[]"#)
    try content.setAttribute("architecture", .scalar(text))
    let reason = "hidden widths [] must be a non-empty list of positive widths"
    #expect(throws: ArtifactError.invalidValue(file: "p.h5", object: "attribute architecture", reason: reason)) {
      _ = try MLPPolicy<Float>(artifactContent: content, file: "p.h5")
    }
  }
}
