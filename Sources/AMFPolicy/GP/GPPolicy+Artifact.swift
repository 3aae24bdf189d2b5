import AMFArtifacts
import AMFCore
import AMFNumerics

extension GPPolicy {
  /// The root `architecture` attribute of a GP policy artifact, stored as canonical JSON.
  ///
  /// Keys are snake_case; decoding rejects unknown keys, so a file from a different layout fails loudly.
  public struct Architecture: Codable, Hashable, Sendable {
    /// The covariance functions a GP policy artifact may name.
    public enum KernelKind: String, Codable, Hashable, Sendable { case rbf }

    /// The kernel (always `rbf` for now).
    public var kernel: KernelKind
    /// Dimension of the raw observation s.
    public var observationDimension: Int
    /// Dimension of the task features f(c).
    public var taskFeatureDimension: Int
    /// Dimension of the action a.
    public var actionDimension: Int
    /// The number n of conditioning points (rows of `/gp/inputs` and `/gp/targets`).
    public var pointCount: Int
    /// The RBF lengthscale ℓ, in standardized units.
    public var lengthscale: Double
    /// The RBF signal variance σ_f².
    public var signalVariance: Double
    /// The observation-noise variance ρ².
    public var noiseVariance: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
      case kernel
      case observationDimension = "observation_dimension"
      case taskFeatureDimension = "task_feature_dimension"
      case actionDimension = "action_dimension"
      case pointCount = "point_count"
      case lengthscale
      case signalVariance = "signal_variance"
      case noiseVariance = "noise_variance"
    }

    /// Decodes strictly: every key is required and no other key is allowed.
    public init(from decoder: any Decoder) throws {
      try decoder.rejectUnknownKeys(CodingKeys.self)
      let container = try decoder.container(keyedBy: CodingKeys.self)
      kernel = try container.decode(KernelKind.self, forKey: .kernel)
      observationDimension = try container.decode(Int.self, forKey: .observationDimension)
      taskFeatureDimension = try container.decode(Int.self, forKey: .taskFeatureDimension)
      actionDimension = try container.decode(Int.self, forKey: .actionDimension)
      pointCount = try container.decode(Int.self, forKey: .pointCount)
      lengthscale = try container.decode(Double.self, forKey: .lengthscale)
      signalVariance = try container.decode(Double.self, forKey: .signalVariance)
      noiseVariance = try container.decode(Double.self, forKey: .noiseVariance)
    }

    /// An architecture record.
    public init(
      kernel: KernelKind = .rbf, observationDimension: Int, taskFeatureDimension: Int, actionDimension: Int,
      pointCount: Int, lengthscale: Double, signalVariance: Double, noiseVariance: Double
    ) {
      self.kernel = kernel
      self.observationDimension = observationDimension
      self.taskFeatureDimension = taskFeatureDimension
      self.actionDimension = actionDimension
      self.pointCount = pointCount
      self.lengthscale = lengthscale
      self.signalVariance = signalVariance
      self.noiseVariance = noiseVariance
    }

    /// Why these values cannot describe a GP policy, or nil when they can.
    var problem: String? {
      if observationDimension < 0 || taskFeatureDimension < 0 || actionDimension < 1 || pointCount < 0 {
        return "dimensions must be ≥ 0 (action ≥ 1), found observation \(observationDimension), "
          + "task \(taskFeatureDimension), action \(actionDimension), points \(pointCount)"
      }
      if !(lengthscale > 0 && lengthscale.isFinite && signalVariance > 0 && signalVariance.isFinite) {
        return "lengthscale and signal_variance must be positive and finite"
      }
      if !(noiseVariance >= 0 && noiseVariance.isFinite) { return "noise_variance must be ≥ 0 and finite" }
      return nil
    }
  }

  /// This policy's architecture record.
  public var architecture: Architecture {
    Architecture(
      observationDimension: observationDimension, taskFeatureDimension: taskFeatureDimension,
      actionDimension: actionDimension, pointCount: inputs.rows, lengthscale: lengthscale,
      signalVariance: signalVariance, noiseVariance: noiseVariance)
  }

  /// The content of a `policy` artifact holding this GP (ARTIFACTS.md, "policy").
  ///
  /// Layout: root attributes `family` = `"gp"` and `architecture` (canonical JSON of `Architecture`);
  /// float64 datasets `/normalizer/mean`, `/normalizer/std` (the fixed standardization, d each),
  /// `/gp/inputs` (n × d, raw `[s, f(c)]`) and `/gp/targets` (n × a). Equal policies give equal bytes.
  public func artifactContent() throws -> ArtifactGroup {
    var content = ArtifactGroup()
    try content.setAttribute("family", .scalar(PolicyKind.gp.rawValue))
    try content.setAttribute("architecture", .scalar(try CanonicalJSON.string(architecture)))
    try content.setDataset(.vector(inputMean), at: "/normalizer/mean")
    try content.setDataset(.vector(inputScale), at: "/normalizer/std")
    try content.setDataset(.matrix(inputs.storage, rows: inputs.rows, columns: inputs.columns), at: "/gp/inputs")
    try content.setDataset(
      .matrix(targets.storage, rows: targets.rows, columns: targets.columns), at: "/gp/targets")
    return content
  }

  /// Loads a GP policy from the content of a `policy` artifact read from `file`.
  ///
  /// Edge cases: a wrong `family`, an unreadable or invalid `architecture`, or non-positive scales throw
  /// `ArtifactError.invalidValue`; an absent object throws `.missingObject`; a dataset whose shape does not
  /// fit the architecture throws `.shapeMismatch`, and a non-float64 one `.typeMismatch`, each naming the
  /// object and `file`. A kernel matrix that is not PD after jitter throws `NumericsError`.
  public init(artifactContent content: ArtifactGroup, file: String) throws {
    let stored: StoredGP
    do {
      stored = try StoredGP(content)
    } catch {
      throw error.inFile(file)
    }
    let architecture = stored.architecture
    try self.init(
      observationDimension: architecture.observationDimension,
      taskFeatureDimension: architecture.taskFeatureDimension, actionDimension: architecture.actionDimension,
      inputMean: stored.mean, inputScale: stored.scale, lengthscale: architecture.lengthscale,
      signalVariance: architecture.signalVariance, noiseVariance: architecture.noiseVariance,
      inputs: stored.inputs, targets: stored.targets)
  }
}

/// The objects of a GP policy artifact, read and checked against each other.
private struct StoredGP {
  var architecture: GPPolicy.Architecture
  var mean: [Double]
  var scale: [Double]
  var inputs: Matrix<Double>
  var targets: Matrix<Double>

  init(_ content: ArtifactGroup) throws(ArtifactError) {
    let family = try content.attribute("family").scalarString(object: "attribute family")
    guard PolicyKind(rawValue: family) == .gp else {
      throw ArtifactError.invalidValue(
        file: "", object: "attribute family", reason: "'\(family)' is not a GP policy (expected 'gp')")
    }
    let json = try content.attribute("architecture").scalarString(object: "attribute architecture")
    guard let architecture = try? CanonicalJSON.decode(GPPolicy.Architecture.self, from: json) else {
      throw ArtifactError.invalidValue(
        file: "", object: "attribute architecture", reason: "not a GP architecture record: \(json)")
    }
    if let problem = architecture.problem {
      throw ArtifactError.invalidValue(file: "", object: "attribute architecture", reason: problem)
    }
    let d = architecture.observationDimension + architecture.taskFeatureDimension
    let n = architecture.pointCount
    self.architecture = architecture
    mean = try Self.values(content, "/normalizer/mean", shape: [d])
    scale = try Self.values(content, "/normalizer/std", shape: [d])
    guard mean.allSatisfy(\.isFinite), scale.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw ArtifactError.invalidValue(
        file: "", object: "/normalizer", reason: "means must be finite and std entries positive and finite")
    }
    inputs = try Self.matrix(content, "/gp/inputs", rows: n, columns: d)
    targets = try Self.matrix(content, "/gp/targets", rows: n, columns: architecture.actionDimension)
  }

  static func values(_ content: ArtifactGroup, _ path: String, shape: [Int]) throws(ArtifactError) -> [Double] {
    let array = try content.dataset(at: path)
    try array.checkShape(shape, object: path)
    return try array.float64Values(object: path)
  }

  static func matrix(_ content: ArtifactGroup, _ path: String, rows: Int, columns: Int) throws(ArtifactError)
    -> Matrix<Double>
  {
    let values = try values(content, path, shape: [rows, columns])
    do {
      return try Matrix(rows: rows, columns: columns, values: values)
    } catch {
      throw ArtifactError.shapeMismatch(
        file: "", object: path, expected: "\(rows)×\(columns)", found: "\(values.count) elements")
    }
  }
}
