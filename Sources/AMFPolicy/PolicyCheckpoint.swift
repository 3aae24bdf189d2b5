import AMFArtifacts
import AMFCore
import Foundation

/// Any policy a `policy` artifact can hold, chosen by the artifact's `family` attribute (and, for
/// MLPs, the `variant` in its `architecture`): the one place that maps files to policy types.
public enum PolicyCheckpoint: Sendable {
  /// A single MLP: π₀, or a policy fine-tuned with mitigation `none`.
  case mlp(MLPPolicy<Float>)
  /// π₀ for tasks without data, the fine-tuned MLP for the others (`isolation`).
  case isolation(IsolatedMLPPolicy<Float>)
  /// π₀ for tasks without data, each demonstrated task its own fine-tuned MLP (`task_isolation`).
  case taskIsolation(TaskIsolatedMLPPolicy<Float>)
  /// π₀ and the fine-tuned MLP mixed per task (`adaptive_prior`).
  case adaptivePrior(AdaptivePriorPolicy<Float>)
  /// An exact GP policy.
  case gp(GPPolicy)

  /// The policy, for acting and for log-densities and entropies.
  public var policy: any GaussianPolicy {
    switch self {
    case .mlp(let policy): policy
    case .isolation(let policy): policy
    case .taskIsolation(let policy): policy
    case .adaptivePrior(let policy): policy
    case .gp(let policy): policy
    }
  }

  /// The MLP policy, whichever mitigation made it; nil for a GP.
  public var mlpPolicy: (any MLPPolicyKind<Float>)? {
    switch self {
    case .mlp(let policy): policy
    case .isolation(let policy): policy
    case .taskIsolation(let policy): policy
    case .adaptivePrior(let policy): policy
    case .gp: nil
    }
  }

  /// The `family` attribute.
  public var family: PolicyKind {
    if case .gp = self { return .gp }
    return .mlp
  }

  /// Reads the policy stored in `content` (an artifact's content), whatever its kind.
  ///
  /// Edge cases: a missing or unknown `family`, or an MLP `architecture` that is not JSON, throws
  /// `ArtifactError` naming the attribute.
  public init(artifactContent content: ArtifactGroup, file: String) throws {
    let family: String
    do {
      family = try content.attribute("family").scalarString(object: "attribute family")
    } catch {
      throw error.inFile(file)
    }
    switch PolicyKind(rawValue: family) {
    case .gp:
      self = .gp(try GPPolicy(artifactContent: content, file: file))
    case .mlp:
      let text = (try? content.attribute("architecture").scalarString(object: "architecture")) ?? ""
      guard let description = try? CanonicalJSON.decode(MLPArtifactDescription.self, from: text) else {
        throw ArtifactError.invalidValue(
          file: file, object: "attribute architecture", reason: "not the JSON of an MLP architecture")
      }
      switch description.variant {
      case .plain: self = .mlp(try MLPPolicy(artifactContent: content, file: file))
      case .isolation: self = .isolation(try IsolatedMLPPolicy(artifactContent: content, file: file))
      case .adaptivePrior: self = .adaptivePrior(try AdaptivePriorPolicy(artifactContent: content, file: file))
      case .taskIsolation: self = .taskIsolation(try TaskIsolatedMLPPolicy(artifactContent: content, file: file))
      }
    case nil:
      throw ArtifactError.invalidValue(
        file: file, object: "attribute family",
        reason: "unknown policy family '\(family)'; known: \(PolicyKind.allowedValues.joined(separator: ", "))")
    }
  }

  /// Reads and verifies the `policy` artifact at `url`.
  public static func read(_ url: URL) throws -> PolicyCheckpoint {
    let artifact = try ArtifactFile.read(url, expecting: .policy)
    return try PolicyCheckpoint(artifactContent: artifact.content, file: url.path)
  }

  /// The artifact content of the policy.
  public func artifactContent() throws -> ArtifactGroup {
    switch self {
    case .mlp(let policy): try policy.artifactContent()
    case .isolation(let policy): try policy.artifactContent()
    case .taskIsolation(let policy): try policy.artifactContent()
    case .adaptivePrior(let policy): try policy.artifactContent()
    case .gp(let policy): try policy.artifactContent()
    }
  }
}
