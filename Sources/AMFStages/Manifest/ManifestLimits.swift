import AMFCore
import AMFPipeline
import AMFSelection

/// The largest value of every count and size a manifest or a stage's `--param` can set, checked when the
/// value is decoded, before any work starts (issue #17). Each is far above any study of the paper or of
/// this repository, and low enough that the work it asks for ends in hours, not never; the table with the
/// reasons is in docs/stages.md, "Limits".
public enum ManifestLimits {
  /// Seeds per arm (a seed is a full replicate of the arm; the studies use 10).
  public static let seeds = 10_000
  /// The largest seed: it passes through a JSON number in the lock, exact only up to 2^53.
  public static let maxSeed = Int(InputLimits.maxSeed)
  /// N, demonstrations per seed (the paper's N is 20); also bounds the rounds N / B and `round`.
  public static let demos = 100_000
  /// B, picks per round (each pick updates the posterior over the whole pool).
  public static let batch = 1_000
  /// Tasks of an environment (`env.goals`, `task_count`): kernels and weights are tasks × pool.
  public static let tasks = 1_000
  /// Training steps of pre-training or of one fine-tuning round (defaults 20 000 and 3 000).
  public static let steps = 10_000_000
  /// Pre-training demonstrations per covered task (default 10).
  public static let demosPerTask = 10_000
  /// Hidden layers of the MLP, and the width of each (kitchen uses 2 × 256): 8 × 2048² weights and their
  /// Adam moments are about 800 MB.
  public static let hiddenLayers = 8
  /// See `hiddenLayers`.
  public static let hiddenWidth = 2_048
  /// Minibatch size of pre-training and fine-tuning (default 256).
  public static let batchSize = 65_536
  /// Rollouts per task added to the proxy pool, and π₀ rehearsal rollouts per task (defaults 1 and 0).
  public static let rolloutsPerTask = 1_000
  /// MC-dropout passes K (default 16).
  public static let dropoutPasses = 1_000
  /// Evaluation episodes per task (default 20).
  public static let episodes = 10_000
  /// Bootstrap resamples of a report (default 10 000).
  public static let bootstrapResamples = 1_000_000
  /// Arms of a study, and of a report (the studies have 5).
  public static let arms = 1_000
}

/// Throws unless `value` ≤ `limit`; `why` says what the limit protects, for the message.
func requireAtMost(_ limit: Int, _ value: Int, _ field: String, _ why: String) throws {
  guard value <= limit else {
    throw InvalidParameter(
      field, reason: "\(value) is over the limit of \(limit) (\(why)); see docs/stages.md, \"Limits\"")
  }
}

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
