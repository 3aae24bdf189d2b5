/// One line of meaning per parameter key, for the `--help` of every stage (issue #18).
///
/// Keys are dotted as `--param` writes them; embed's `importance.*` keys mean what `select.*` ones do (the
/// manifest writes them under `select:`), so they are looked up by their leaf there.
public enum ParameterMeanings {
  /// The meaning of `key`, or nil when none is written down (a test requires one for every key).
  public static func meaning(of key: String) -> String? {
    if let meaning = table[key] { return meaning }
    if key.hasPrefix("importance.") { return table["select." + key.dropFirst("importance.".count)] }
    return nil
  }

  /// The meaning of `value` of the enumerated `key`, where one is written down (`--help` prints it under the
  /// key's allowed values).
  public static func meaning(of key: String, value: String) -> String? { values[key]?[value] }

  /// One short line per value, for the keys whose values need saying (each fits 80 columns after its value).
  static let values: [String: [String: String]] = [
    "finetune.mitigation": [
      "isolation": "no data: π₀; data: one network tuned on all demos",
      "adaptive_prior": "π₀ and one tuned network mixed per task by α(c)",
      "none": "one network tuned on all demos, for every task",
      "task_isolation": "no data: π₀; each demonstrated task: its own network",
    ],
  ]

  static let table: [String: String] = [
    "env.name": "the environment",
    "env.goals": "goals on the circle, each a task (integrator2d only)",
    "env.expert_noise": "task → expert noise std, overriding the environment's default",
    "scenario": "pre-training coverage and target tasks",
    "pretrain.policy": "the policy family",
    "pretrain.demos_per_task": "expert demonstrations per covered task for π₀",
    "pretrain.steps": "behavioural-cloning steps of π₀ (MLP)",
    "pretrain.hidden": "hidden-layer widths (MLP)",
    "pretrain.activation": "hidden-layer nonlinearity (MLP)",
    "pretrain.learning_rate": "Adam learning rate (MLP)",
    "pretrain.batch_size": "minibatch size (MLP)",
    "pretrain.gp.lengthscale": "RBF lengthscale on standardized inputs (GP)",
    "pretrain.gp.signal_variance": "RBF signal variance σ_f² (GP)",
    "pretrain.gp.noise_variance": "observation noise variance ρ² (GP)",
    "embed.kind": "the embedding the linear kernel uses (MLP policies)",
    "embed.rollouts_per_task": "rollouts of π_r per task added to the proxy pool",
    "embed.stride": "stride over time steps for target points",
    "embed.dropout_passes": "MC-dropout passes K (dropout only)",
    "embed.dropout_rate": "dropout probability (dropout only)",
    "embed.condition_on_pretraining": "also condition on the pre-training demonstrations",
    "select.strategy": "the selection rule",
    "select.importance_weights": "importance-weight the proxy pool (false: the no-IS ablation)",
    "select.is_temperature": "temperature κ of the summed log-ratio",
    "select.is_clip": "clip L of the log-ratio",
    "select.is_variance": "the variance in the likelihood ratio",
    "select.noise_variance": "observation noise variance ρ² of the information gain",
    "select.is_noise_variance": "the ratio's likelihood variance, when apart from ρ²",
    "select.is_target_ess": "ESS floor as a fraction of the pool (raises κ per task)",
    "select.condition_on_collected": "AMF-NN conditions on the collected demonstrations",
    "select.target_noise": "add ρ² to both variances of the information gain",
    "select.min_weight": "amf skips targets and blocks weighted below this",
    "select.batch_conditioning": "what the greedy batch conditions on after a pick",
    "select.gain_rank_tolerance": "amf's spectral gain drops block directions carrying ≤ this information",
    "batch": "B, the tasks picked per round",
    "round": "the round r (0 evaluates π₀)",
    "task_count": "|C|, the candidate tasks",
    "target_weights": "μ as task_count weights, instead of the scenario's (bring-your-own embeddings)",
    "policy": "the policy family of π₀ (GP policies condition instead of training)",
    "finetune.steps": "training steps per round, restarting from π₀",
    "finetune.mitigation": "forgetting mitigation",
    "finetune.learning_rate": "Adam learning rate",
    "finetune.batch_size": "minibatch size",
    "finetune.alpha_lr": "learning rate of the mixing logits β (adaptive_prior)",
    "finetune.alpha_penalty": "λ_α, the penalty on mean α² (adaptive_prior)",
    "finetune.prior_rehearsal": "π₀ rollouts per task without data, as extra data (adaptive_prior)",
    "finetune.balance": "how minibatches weigh the demonstrated tasks",
    "finetune.steps_per_demonstration": "k > 0: a round trains max(steps, k × collected demonstrations) steps",
    "evaluate.episodes": "fixed start states per task",
    "report.bootstrap_resamples": "percentile-bootstrap resamples",
    "report.confidence": "confidence level of the intervals",
    "arms": "the arms compared, in order ([]: from the input roles)",
  ]
}
