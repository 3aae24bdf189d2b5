import AMFCore
import AMFPipeline
import AMFReport
import AMFSelection
import AMFStages

extension ArmManifest {
  /// Expands the arm into stage runs, in a deterministic order: per seed s, `pretrain/seed-s`,
  /// `evaluate/seed-s/round-0`, then per round r = 1 … N/B `embed` (only for strategies whose `inputs`
  /// hold `.embeddings`), `select` (wired to the inputs its strategy declares), `finetune` (reading the recorded
  /// expert, if any, as the file input `demonstrations_from`), `evaluate` (`…/seed-s/round-r`); last one
  /// `report` over every evaluation. Names start with `prefix`.
  ///
  /// Each run's params hold exactly what its computation depends on (`PretrainParams` …), so arms share every
  /// stage they compute alike.
  public func stageRuns(prefix: String = "") throws -> [StageRunSpec] {
    var runs: [StageRunSpec] = []
    for seed in seeds.values {
      runs += try seedRuns(seed, prefix: prefix)
    }
    runs.append(
      try Self.run(
        "\(prefix)report", .report, seed: 0, params: ReportParams(report: report, arms: [reported]),
        inputs: evaluationInputs(prefix: prefix)))
    return runs
  }

  /// The arm's report inputs: role `evaluation/<arm>/seed-<s>/round-<r>` → that evaluation run.
  public func evaluationInputs(prefix: String) -> [String: InputReference] {
    var inputs: [String: InputReference] = [:]
    for seed in seeds.values {
      for round in 0...budget.rounds {
        inputs["evaluation/\(name)/seed-\(seed)/round-\(round)"] = InputReference(
          run: "\(prefix)evaluate/seed-\(seed)/round-\(round)", role: "evaluation")
      }
    }
    return inputs
  }

  /// The arm as its report sees it.
  var reported: ReportedArm {
    ReportedArm(name: name, seeds: seeds.values, rounds: budget.rounds, budget: budget)
  }

  private func seedRuns(_ seed: Int, prefix: String) throws -> [StageRunSpec] {
    func name(_ kind: StageKind, _ round: Int? = nil) -> String {
      "\(prefix)\(kind.rawValue)/seed-\(seed)" + (round.map { "/round-\($0)" } ?? "")
    }
    let pretrainRun = name(.pretrain)
    var runs = [
      try Self.run(
        pretrainRun, .pretrain, seed: seed, params: PretrainParams(env: env, scenario: scenario, pretrain: pretrain),
        inputs: [:]),
      try evaluateRun(
        name(.evaluate, 0), seed: seed, round: 0, policy: InputReference(run: pretrainRun, role: "policy")),
    ]
    for round in 1...budget.rounds {
      let previous = round == 1 ? pretrainRun : name(.finetune, round - 1)
      let collected = round == 1 ? nil : InputReference(run: previous, role: "demonstrations")
      var selectInputs: [String: InputReference] = [:]
      let reads = select.strategy.inputs
      if reads.contains(.embeddings) {
        var embedInputs = ["policy": InputReference(run: previous, role: "policy")]
        embedInputs["demonstrations"] = collected
        if embed.conditionOnPretraining {
          embedInputs["pretraining"] = InputReference(run: pretrainRun, role: "demonstrations")
        }
        runs.append(
          try Self.run(
            name(.embed, round), .embed, seed: seed,
            params: EmbedParams(
              env: env, scenario: scenario, embed: embed, importance: select.importance, round: round),
            inputs: embedInputs))
        selectInputs[SelectionInput.embeddings.rawValue] = InputReference(run: name(.embed, round), role: "embeddings")
      }
      if reads.contains(.pretrainingCounts) {
        selectInputs[SelectionInput.pretrainingCounts.rawValue] = InputReference(run: pretrainRun, role: "demonstrations")
      }
      if reads.contains(.collectedCounts) { selectInputs[SelectionInput.collectedCounts.rawValue] = collected }
      runs.append(
        try Self.run(
          name(.select, round), .select, seed: seed,
          params: SelectParams(
            select: select, batch: budget.batch, round: round, taskCount: env.taskCount, scenario: scenario),
          inputs: selectInputs))
      var finetuneInputs = [
        "prior": InputReference(run: pretrainRun, role: "policy"),
        "selection": InputReference(run: name(.select, round), role: "selection"),
      ]
      finetuneInputs["demonstrations"] = collected
      runs.append(
        try Self.run(
          name(.finetune, round), .finetune, seed: seed,
          params: FinetuneParams(
            env: env, scenario: scenario, finetune: finetune, policy: pretrain.policy, round: round),
          inputs: finetuneInputs, files: try expertFiles()))
      runs.append(
        try evaluateRun(
          name(.evaluate, round), seed: seed, round: round,
          policy: InputReference(run: name(.finetune, round), role: "policy"),
          demonstrations: InputReference(run: name(.finetune, round), role: "demonstrations")))
    }
    return runs
  }

  private func evaluateRun(
    _ name: String, seed: Int, round: Int, policy: InputReference, demonstrations: InputReference? = nil
  ) throws -> StageRunSpec {
    var inputs = ["policy": policy]
    inputs["demonstrations"] = demonstrations
    return try Self.run(
      name, .evaluate, seed: seed,
      params: EvaluateParams(env: env, scenario: scenario, evaluate: evaluate, round: round), inputs: inputs)
  }

  /// The finetune runs' file inputs: the recorded expert as `demonstrations_from`, or none.
  ///
  /// Edge cases: throws `InvalidParameter` for an `expert` section whose file was never read (an arm decoded
  /// on its own rather than through `PipelineManifest.load`), which would otherwise fall back to the
  /// simulated expert unnoticed.
  private func expertFiles() throws -> [String: FileInput] {
    guard let expert else { return [:] }
    guard let recorded = expert.recorded else {
      throw InvalidParameter(
        "expert", "demonstrations", reason: "'\(expert.demonstrations)' was not read; load the manifest with "
          + "PipelineManifest.load, which finds and checks the file")
    }
    return [FinetuneStage.recordedRole: recorded]
  }

  static func run(
    _ name: String, _ kind: StageKind, seed: Int, params: some Encodable, inputs: [String: InputReference],
    files: [String: FileInput] = [:]
  ) throws -> StageRunSpec {
    StageRunSpec(
      name: name, kind: kind.rawValue, stageVersion: kind.algorithmVersion,
      paramsJSON: try CanonicalJSON.string(params), seed: UInt64(seed), inputs: inputs, files: files,
      outputRoles: kind.outputRoles)
  }
}

extension StudyManifest {
  /// Expands every arm (names prefixed `<arm>/`), then one study `report` over every arm's evaluations.
  public func stageRuns(arms: [ArmManifest]) throws -> [StageRunSpec] {
    var runs: [StageRunSpec] = []
    var inputs: [String: InputReference] = [:]
    for arm in arms {
      runs += try arm.stageRuns(prefix: "\(arm.name)/")
      inputs.merge(arm.evaluationInputs(prefix: "\(arm.name)/")) { first, _ in first }
    }
    runs.append(
      try ArmManifest.run(
        "report", .report, seed: 0, params: ReportParams(report: report, arms: arms.map(\.reported)), inputs: inputs))
    return runs
  }
}
