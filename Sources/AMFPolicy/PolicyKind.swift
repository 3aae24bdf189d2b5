import AMFCore

/// The policy family (AMF.md §5), as written under `pretrain.policy` in manifests and in a policy artifact's
/// `family` attribute.
public enum PolicyKind: String, ManifestChoice {
  /// A Gaussian MLP trained by behavioural cloning (plain, isolation or adaptive prior).
  case mlp
  /// An exact GP conditioned on the demonstrations.
  case gp
}
