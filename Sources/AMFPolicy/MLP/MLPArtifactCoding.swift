import AMFArtifacts
import AMFCore
import AMFNumerics

/// Which MLP policy an artifact holds (the `variant` of its `architecture` attribute).
public enum MLPPolicyVariant: String, Codable, CaseIterable, Sendable {
  /// One network (`MLPPolicy`): pre-trained π₀, or fine-tuned with mitigation `none`.
  case plain
  /// `IsolatedMLPPolicy`: π₀ for tasks without data, the fine-tuned network for the others.
  case isolation
  /// `AdaptivePriorPolicy`: π₀ and the fine-tuned network mixed per task.
  case adaptivePrior = "adaptive_prior"
  /// `TaskIsolatedMLPPolicy`: π₀ for tasks without data, each demonstrated task its own fine-tuned network.
  case taskIsolation = "task_isolation"
}

/// The `architecture` root attribute of an MLP policy artifact: canonical JSON of this struct.
///
/// Layer k is stored as `/layers/<k>/weight` `(fanIn × fanOut)` and `/layers/<k>/bias` `(fanOut)`;
/// the output layer's columns are μ then raw log σ (`output_layout`), so `y = x·W + b` on
/// `x = [(s − mean)/std, f(c)]`.
public struct MLPArtifactDescription: Codable, Hashable, Sendable {
  /// The network shape.
  public var architecture: MLPArchitecture
  /// Which policy kind.
  public var variant: MLPPolicyVariant
  /// Always `"fan_in_by_fan_out"`: `y = x·W + b` with `W: (fanIn × fanOut)`.
  public var weightLayout = "fan_in_by_fan_out"
  /// Always `"mean_then_log_std"`: output columns `[0, A)` are μ, `[A, 2A)` the raw log σ.
  public var outputLayout = "mean_then_log_std"

  enum CodingKeys: String, CodingKey {
    case architecture, variant
    case weightLayout = "weight_layout"
    case outputLayout = "output_layout"
  }
}

/// Reading and writing the pieces every MLP policy artifact shares (ARTIFACTS.md "policy").
enum MLPArtifactCoding {
  static let familyAttribute = "family"
  static let architectureAttribute = "architecture"
  static let priorHashAttribute = "prior_content_sha256"

  /// The root attributes and `/normalizer` of a policy of `variant`.
  static func header(_ policy: MLPPolicy<Float>, variant: MLPPolicyVariant) throws -> ArtifactGroup {
    var group = ArtifactGroup()
    let description = MLPArtifactDescription(architecture: policy.architecture, variant: variant)
    try group.setAttribute(familyAttribute, .scalar(PolicyKind.mlp.rawValue))
    try group.setAttribute(architectureAttribute, .scalar(try CanonicalJSON.string(description)))
    try group.setDataset(.vector(policy.normalizer.mean), at: "/normalizer/mean")
    try group.setDataset(.vector(policy.normalizer.std), at: "/normalizer/std")
    return group
  }

  /// Stores `network`'s layers under `prefix` (`""` or `"/prior"`).
  static func write(_ network: MLPNetwork<Float>, under prefix: String, into group: inout ArtifactGroup) throws {
    for (k, layer) in network.layers.enumerated() {
      try group.setDataset(
        try .matrix(layer.weight.storage, rows: layer.weight.rows, columns: layer.weight.columns),
        at: "\(prefix)/layers/\(k)/weight")
      try group.setDataset(.vector(layer.bias.storage), at: "\(prefix)/layers/\(k)/bias")
    }
  }

  /// The description, after checking `family` and that the variant is `expected`.
  static func description(of group: ArtifactGroup, expecting expected: MLPPolicyVariant, file: String)
    throws(ArtifactError) -> MLPArtifactDescription
  {
    do throws(ArtifactError) {
      let family = try group.attribute(familyAttribute).scalarString(object: "attribute \(familyAttribute)")
      guard PolicyKind(rawValue: family) == .mlp else {
        throw ArtifactError.invalidValue(file: file, object: "attribute family",
                                         reason: "is '\(family)', an MLP policy needs 'mlp'")
      }
      let text = try group.attribute(architectureAttribute).scalarString(object: "attribute architecture")
      guard let description = try? CanonicalJSON.decode(MLPArtifactDescription.self, from: text) else {
        throw ArtifactError.invalidValue(file: file, object: "attribute architecture",
                                         reason: "not the JSON of an MLP architecture: \(text)")
      }
      if let reason = description.architecture.invalidityReason {
        throw ArtifactError.invalidValue(file: file, object: "attribute architecture", reason: reason)
      }
      guard description.variant == expected else {
        throw ArtifactError.invalidValue(
          file: file, object: "attribute architecture",
          reason: "holds a '\(description.variant.rawValue)' MLP policy, expected '\(expected.rawValue)'")
      }
      return description
    } catch {
      throw error.inFile(file)
    }
  }

  /// The normalizer, shape-checked against `architecture`.
  static func normalizer(in group: ArtifactGroup, architecture: MLPArchitecture, file: String)
    throws(ArtifactError) -> ObservationNormalizer<Float>
  {
    let d = architecture.observationDimension
    let mean = try vector("/normalizer/mean", count: d, in: group, file: file)
    let std = try vector("/normalizer/std", count: d, in: group, file: file)
    guard std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw ArtifactError.invalidValue(file: file, object: "/normalizer/std", reason: "must be positive and finite")
    }
    return ObservationNormalizer(mean: mean, std: std)
  }

  /// The layers under `prefix`, each shape-checked against `architecture`.
  static func network(in group: ArtifactGroup, under prefix: String, architecture: MLPArchitecture, file: String)
    throws(ArtifactError) -> MLPNetwork<Float>
  {
    var layers: [DenseLayer<Float>] = []
    for (k, shape) in architecture.layerShapes.enumerated() {
      let weight = try matrix("\(prefix)/layers/\(k)/weight", shape: shape, in: group, file: file)
      let bias = try vector("\(prefix)/layers/\(k)/bias", count: shape.columns, in: group, file: file)
      layers.append(DenseLayer(weight: weight, bias: Matrix(rows: 1, columns: shape.columns, converting: bias)))
    }
    return MLPNetwork(architecture: architecture, layers: layers)
  }

  /// A float32 dataset of exactly `count` elements in one dimension.
  static func vector(_ path: String, count: Int, in group: ArtifactGroup, file: String)
    throws(ArtifactError) -> [Float]
  {
    do {
      let array = try group.dataset(at: path)
      try array.checkShape([count], object: path)
      return try array.float32Values(object: path)
    } catch {
      throw error.inFile(file)
    }
  }

  /// A float32 dataset of exactly `shape`.
  static func matrix(_ path: String, shape: Shape, in group: ArtifactGroup, file: String)
    throws(ArtifactError) -> Matrix<Float>
  {
    do {
      let array = try group.dataset(at: path)
      try array.checkShape([shape.rows, shape.columns], object: path)
      return Matrix(rows: shape.rows, columns: shape.columns, converting: try array.float32Values(object: path))
    } catch {
      throw error.inFile(file)
    }
  }
}
