import AMFArtifacts
import AMFSelection

/// The six stages of the pipeline (PIPELINE.md §1): the registry every command and the orchestrator use.
public enum StageKind: String, CaseIterable, Sendable, Codable {
  case pretrain, embed, select, finetune, evaluate, report

  /// The stand-alone executable, e.g. `amf-select`.
  public var executableName: String { "amf-\(rawValue)" }

  /// One line for `--help`.
  public var abstract: String {
    switch self {
    case .pretrain: "Collect the scenario's pre-training demonstrations from the expert and train π₀."
    case .embed: "Embed the current policy's proxy pool: embeddings, importance weights and ESS."
    case .select: "Choose the tasks to ask the expert for in this round, recording every score."
    case .finetune: "Query the expert for the selected tasks, append the demonstrations and fine-tune from π₀."
    case .evaluate: "Evaluate a policy: per-task success and return on fixed start states."
    case .report: "Compare arms: success curves, AUC with bootstrap intervals, tables and plots."
    }
  }

  /// Input roles (`--input ROLE=PATH`) and what each must be.
  public var inputs: [(role: String, kind: ArtifactKind?, meaning: String)] {
    switch self {
    case .pretrain: []
    case .embed:
      [("policy", .policy, "the current policy π_r"), ("demonstrations", .demonstrations, "collected demonstrations D_r"),
       ("pretraining", .demonstrations, "pre-training demonstrations (embed.condition_on_pretraining only)")]
    case .select:
      SelectionInput.allCases.map { input in
        let readers = StrategyID.reading(input).map(\.rawValue).joined(separator: ", ")
        return (input.rawValue, input == .embeddings ? .embeddings : .demonstrations, "\(input.meaning) (\(readers))")
      }
    case .finetune:
      [("prior", .policy, "the pre-trained policy π₀"),
       ("demonstrations", .demonstrations, "collected D_r (none in round 1)"),
       ("selection", .selection, "the round's selection"),
       (FinetuneStage.recordedRole, .demonstrations,
        "recorded demonstrations to use instead of the simulated expert (--demonstrations-from FILE; optional)")]
    case .evaluate:
      [("policy", .policy, "the policy to evaluate"),
       ("demonstrations", .demonstrations, "the demonstrations it was fine-tuned on, for per-task counts (optional)")]
    case .report:
      [("evaluation", .evaluation,
        "one per arm, seed and round 0…N/B, as role evaluation/<arm>/seed-<s>/round-<r> (repeatable); "
          + "they must match report arms exactly (arms [] takes them from the roles)")]
    }
  }

  /// The version of what the stage computes; part of every stage key, so bump it when outputs change
  /// (PIPELINE.md §3).
  public var algorithmVersion: Int {
    switch self {
    case .pretrain, .embed, .select, .finetune, .evaluate: 1
    case .report: 2  // 2: plot widths follow the arm names (long names overlapped)
    }
  }

  /// The output roles the stage writes, as named in `StageRunSpec.outputRoles`.
  public var outputRoles: [String] { outputKinds.map(\.rawValue) }

  /// The kinds of artifact the stage writes.
  public var outputKinds: [ArtifactKind] {
    switch self {
    case .pretrain: [.demonstrations, .policy]
    case .embed: [.embeddings]
    case .select: [.selection]
    case .finetune: [.demonstrations, .policy]
    case .evaluate: [.evaluation]
    case .report: [.report]
    }
  }
}

extension StageKind {
  /// Runs this stage for `request` through `StageDriver` (the registry of stage computations).
  public func execute(_ request: StageRequest, progress: StageProgress = .silent) throws -> StageSummary {
    switch self {
    case .pretrain: return try StageDriver.execute(PretrainStage.self, request: request, progress: progress)
    case .embed: return try StageDriver.execute(EmbedStage.self, request: request, progress: progress)
    case .select: return try StageDriver.execute(SelectStage.self, request: request, progress: progress)
    case .finetune: return try StageDriver.execute(FinetuneStage.self, request: request, progress: progress)
    case .evaluate: return try StageDriver.execute(EvaluateStage.self, request: request, progress: progress)
    case .report: return try StageDriver.execute(ReportStage.self, request: request, progress: progress)
    }
  }

  /// The `--help` text listing every parameter with its default.
  public var parameterHelp: String? {
    switch self {
    case .pretrain: StageDriver.parameterHelp(PretrainStage.self)
    case .embed: StageDriver.parameterHelp(EmbedStage.self)
    case .select: StageDriver.parameterHelp(SelectStage.self)
    case .finetune: StageDriver.parameterHelp(FinetuneStage.self)
    case .evaluate: StageDriver.parameterHelp(EvaluateStage.self)
    case .report: StageDriver.parameterHelp(ReportStage.self)
    }
  }

  /// How `--output` is given: `--output PATH`, or one `--output ROLE=PATH` per role.
  public var outputUsage: String {
    outputRoles.count == 1 ? "--output PATH" : outputRoles.map { "--output \($0)=PATH" }.joined(separator: " ")
  }
}
