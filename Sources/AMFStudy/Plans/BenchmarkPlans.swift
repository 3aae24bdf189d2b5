import AMFPipeline

/// The benchmark plans, as stage runs.
public enum BenchmarkPlans {
  /// The shape of a study.
  public struct Study: Sendable, Equatable {
    /// Arm names (`armNames`).
    public var arms: [String]
    /// Seeds per arm.
    public var seeds: Int
    /// Rounds per seed.
    public var rounds: Int
    /// float32 values per output (the `fake_floats` knob of amf-fake-stage; 0: tiny artifacts).
    public var floats: Int

    /// Creates the shape: arm names, seeds per arm, rounds per seed, float32 values per output.
    public init(arms: [String], seeds: Int, rounds: Int, floats: Int) {
      (self.arms, self.seeds, self.rounds, self.floats) = (arms, seeds, rounds, floats)
    }
  }

  /// The arms of the study in PIPELINE.md §2, each with its selection parameters (JSON members).
  public static let builtInArms: [(name: String, select: String)] = [
    ("amf", #""importance_weights":true,"strategy":"amf""#),
    ("uniform", #""importance_weights":false,"strategy":"uniform""#),
    ("uncertainty", #""importance_weights":false,"strategy":"uncertainty""#),
    ("no-is", #""importance_weights":false,"strategy":"amf""#),
    ("rebalancing", #""importance_weights":true,"rebalance":true,"strategy":"amf""#),
  ]

  /// The first `count` built-in arm names, then `arm-<i>`.
  public static func armNames(_ count: Int) -> [String] {
    (0..<count).map { $0 < builtInArms.count ? builtInArms[$0].name : "arm-\($0)" }
  }

  /// The select params members of a built-in arm, else `"strategy":"<arm>"`.
  public static func selectMembers(arm: String) -> String {
    builtInArms.first { $0.name == arm }?.select ?? #""strategy":"\#(arm)""#
  }

  /// Canonical JSON of an object from already-encoded members (`"key":value`), plus the fake-stage knob.
  public static func params(_ members: [String], floats: Int) -> String {
    var all = members.flatMap { $0.isEmpty ? [] : [$0] }
    if floats > 0 { all.append(#""fake_floats":\#(floats)"#) }
    return "{" + all.sorted().joined(separator: ",") + "}"
  }

  /// The study: ≈ arms × seeds × (1 + 4 × rounds) + arms + 1 stage runs (2 056 for 5 × 10 × 10).
  ///
  /// Per seed, the pretrain run of every arm has one name per arm (`<arm>/pretrain/seed-<s>`) and one key
  /// (same kind, parameters and seed), so it runs once. Round r: embed reads π_{r-1} and D_{r-1} (round 1:
  /// the pretrain's), select reads the embeddings, finetune reads the prior π₀, D_{r-1} and the selection,
  /// evaluate reads π_r. Each arm's report reads its evaluations; the study report reads all of them.
  public static func study(_ study: Study) -> [StageRunSpec] {
    var runs: [StageRunSpec] = []
    var all: [InputReference] = []
    for arm in study.arms {
      var armEvaluations: [InputReference] = []
      for seed in 0..<study.seeds {
        let s = UInt64(seed)
        let pretrain = "\(arm)/pretrain/seed-\(seed)"
        runs.append(StageRunSpec(
          name: pretrain, kind: "pretrain", stageVersion: 1,
          paramsJSON: params([#""demos_per_task":10"#, #""steps":5000"#], floats: study.floats), seed: s,
          inputs: [:], outputRoles: ["demonstrations", "policy"]))
        let prior = InputReference(run: pretrain, role: "policy")
        var policy = prior
        var demonstrations = InputReference(run: pretrain, role: "demonstrations")
        for round in 1...study.rounds {
          let prefix = "\(arm)/seed-\(seed)/round-\(round)"
          runs.append(StageRunSpec(
            name: "\(prefix)/embed", kind: "embed", stageVersion: 1,
            paramsJSON: params([#""kind":"loss_gradient""#, #""rollouts_per_task":1"#, #""stride":5"#],
                               floats: study.floats),
            seed: s, inputs: ["policy": policy, "demonstrations": demonstrations], outputRoles: ["embeddings"]))
          runs.append(StageRunSpec(
            name: "\(prefix)/select", kind: "select", stageVersion: 1,
            paramsJSON: params([#""batch":2"#, #""round":\#(round)"#, selectMembers(arm: arm)], floats: study.floats),
            seed: s, inputs: ["embeddings": InputReference(run: "\(prefix)/embed", role: "embeddings")],
            outputRoles: ["selection"]))
          runs.append(StageRunSpec(
            name: "\(prefix)/finetune", kind: "finetune", stageVersion: 1,
            paramsJSON: params([#""mitigation":"adaptive_prior""#, #""steps":1000"#], floats: study.floats),
            seed: s,
            inputs: ["prior": prior, "demonstrations": demonstrations,
                     "selection": InputReference(run: "\(prefix)/select", role: "selection")],
            outputRoles: ["demonstrations", "policy"]))
          policy = InputReference(run: "\(prefix)/finetune", role: "policy")
          demonstrations = InputReference(run: "\(prefix)/finetune", role: "demonstrations")
          runs.append(StageRunSpec(
            name: "\(prefix)/evaluate", kind: "evaluate", stageVersion: 1,
            paramsJSON: params([#""episodes":20"#], floats: study.floats), seed: s, inputs: ["policy": policy],
            outputRoles: ["evaluation"]))
          armEvaluations.append(InputReference(run: "\(prefix)/evaluate", role: "evaluation"))
        }
      }
      runs.append(report(name: "\(arm)/report", evaluations: armEvaluations, floats: study.floats))
      all += armEvaluations
    }
    runs.append(report(name: "study/report", evaluations: all, floats: study.floats))
    return runs
  }

  /// A report run reading `evaluations` as roles `evaluation.<i>`.
  public static func report(name: String, evaluations: [InputReference], floats: Int) -> StageRunSpec {
    var inputs: [String: InputReference] = [:]
    for (index, reference) in evaluations.enumerated() { inputs["evaluation.\(index)"] = reference }
    return StageRunSpec(name: name, kind: "report", stageVersion: 1, paramsJSON: params([], floats: floats), seed: 0,
                        inputs: inputs, outputRoles: ["report"])
  }

  /// `runs` trivial evaluate runs: independent, or each reading the previous one's output.
  public static func trivial(runs count: Int, chained: Bool, floats: Int) -> [StageRunSpec] {
    (0..<count).map { index in
      let inputs = chained && index > 0
        ? ["policy": InputReference(run: String(format: "trivial/%05d", index - 1), role: "evaluation")] : [:]
      return StageRunSpec(
        name: String(format: "trivial/%05d", index), kind: "evaluate", stageVersion: 1,
        paramsJSON: params([#""index":\#(index)"#], floats: floats), seed: 0, inputs: inputs,
        outputRoles: ["evaluation"])
    }
  }
}
