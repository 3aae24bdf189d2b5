import AMFCore
import AMFPipeline
import AMFSelection
import AMFStages

extension ArmManifest {
  /// The number of stage runs `stageRuns()` makes, computed without making them: per seed a pretrain
  /// and a round-0 evaluation, per round select, finetune, evaluate and (for strategies reading
  /// embeddings) embed; one report.
  public var stageRunCount: Int {
    let perRound = select.strategy.inputs.contains(.embeddings) ? 4 : 3
    return seeds.values.count * (2 + budget.rounds * perRound) + 1
  }
}

extension PipelineManifest {
  /// The number of stage runs `stageRuns()` makes, computed without making them.
  public var stageRunCount: Int {
    switch self {
    case .arm(let arm): arm.stageRunCount
    case .study(_, let arms): arms.reduce(1) { $0 + $1.stageRunCount }
    }
  }

  /// Throws `ManifestError.limitExceeded` at `location` when the manifest expands to more than
  /// `InputLimits.stageRuns` stage runs.
  func checkStageRunCount(at location: SourceLocation) throws {
    let count = stageRunCount
    guard count > InputLimits.stageRuns else { return }
    throw ManifestError.limitExceeded(
      location, reason: "the manifest expands to \(count) stage runs, over the limit of \(InputLimits.stageRuns) "
        + "per manifest (50 times the largest committed study; the lock and the plan are held in memory); "
        + "use fewer seeds, rounds (budget.demos / budget.batch) or arms, or split the study")
  }
}
