import AMFArtifacts
import AMFPipeline
import AMFReport
import Foundation

/// What each arm of a finished study asked for and how its importance weights behaved: the evidence behind
/// Data/results/FINDINGS.md (`amf-bench study-diagnostics`, `Scripts/collect-results.sh`).
///
/// Per arm: the picks on target, covered and distractor tasks; the round-1 picks; the mean ESS / pool and
/// own-task share of the target (and covered) tasks over its embed runs; and, for the `amf` and
/// `uncertainty` strategies, the calibration of the scores against the success each pick gained.
public struct StudyDiagnostics: Sendable {
  /// The task groups the picks are counted in (a task may be in several).
  public struct TaskGroups: Sendable, Equatable {
    /// Tasks the study targets.
    public var targets: Set<Int>
    /// Tasks pre-training covered.
    public var covered: Set<Int>
    /// Tasks that only distract.
    public var distractors: Set<Int>

    /// Creates the groups.
    public init(targets: Set<Int>, covered: Set<Int>, distractors: Set<Int>) {
      (self.targets, self.covered, self.distractors) = (targets, covered, distractors)
    }

    /// The groups from comma-separated lists (`4,5,6,7`); what is not an integer is skipped, so "" is empty.
    public init(targets: String, covered: String, distractors: String) {
      func set(_ text: String) -> Set<Int> { Set(text.split(separator: ",").compactMap { Int($0) }) }
      self.init(targets: set(targets), covered: set(covered), distractors: set(distractors))
    }
  }

  /// One arm's counts and samples.
  public struct ArmTally: Sendable, Equatable {
    /// Picks of every select run, and those on each task group.
    public var picks = 0, target = 0, covered = 0, distractor = 0
    /// ESS / pool and own-task share per (embed run, target task); own-task share per (embed run, covered task).
    public var ess: [Double] = [], own: [Double] = [], ownCovered: [Double] = []
    /// The tasks picked in round 1, over every seed.
    public var firstRound: [Int] = []

    /// An empty tally.
    public init() {}
  }

  /// The task groups.
  public let groups: TaskGroups
  /// Arm names in the order their first run appears.
  public private(set) var arms: [String] = []
  /// Each arm's tally.
  public private(set) var tallies: [String: ArmTally] = [:]
  /// Each arm's calibration units (arms with `amf` or `uncertainty` picks only).
  public private(set) var calibration: [String: [Calibration.Unit]] = [:]

  /// Empty diagnostics.
  public init(groups: TaskGroups) { self.groups = groups }

  /// The arm of a run name `<arm>/…`, registered (in order) on first sight.
  @discardableResult
  public mutating func arm(ofRun name: String) -> String? {
    guard let arm = name.split(separator: "/").first.map(String.init) else { return nil }
    if tallies[arm] == nil {
      arms.append(arm)
      tallies[arm] = ArmTally()
    }
    return arm
  }

  /// Counts the picks of select run `name` (`<arm>/select/seed-S/round-R`) and, for `amf` and `uncertainty`,
  /// adds its calibration units: `success(run)` gives the per-task success of an evaluate run, or nil
  /// when the lock has no such run (then no units are added).
  ///
  /// Shapes: `selected`: (B); `scores`: (B × |C|); success: (|C|).
  public mutating func addSelection(
    run name: String, strategy: String, selected: [Int], scores: [[Double]],
    success: (String) throws -> [Double]?
  ) rethrows {
    guard let arm = arm(ofRun: name), var tally = tallies[arm] else { return }
    for task in selected {
      tally.picks += 1
      if groups.targets.contains(task) { tally.target += 1 }
      if groups.covered.contains(task) { tally.covered += 1 }
      if groups.distractors.contains(task) { tally.distractor += 1 }
    }
    if name.hasSuffix("/round-1") { tally.firstRound += selected }
    tallies[arm] = tally
    // "<arm>/select/seed-S/round-R": the evaluations before (round R − 1) and after (round R) the picks.
    let parts = name.split(separator: "/").map(String.init)
    if ["amf", "uncertainty"].contains(strategy), parts.count == 4, let round = Int(parts[3].dropFirst(6)),
      let before = try success("\(arm)/evaluate/\(parts[2])/round-\(round - 1)"),
      let after = try success("\(arm)/evaluate/\(parts[2])/round-\(round)")
    {
      calibration[arm, default: []] += Calibration.units(
        selected: selected, scores: scores, before: before, after: after, covered: groups.covered)
    }
  }

  /// Adds one embed run's ESS / pool and own-task shares of the target and covered tasks (tasks past
  /// `ess.count` are skipped).
  ///
  /// Shapes: `ess`, `ownShare`: (|C|).
  public mutating func addEmbeddings(run name: String, ess: [Double], ownShare: [Double], poolCount: Int) {
    guard let arm = arm(ofRun: name), var tally = tallies[arm] else { return }
    for task in groups.targets where task < ess.count {
      tally.ess.append(ess[task] / Double(poolCount))
      tally.own.append(ownShare[task])
    }
    for task in groups.covered where task < ess.count { tally.ownCovered.append(ownShare[task]) }
    tallies[arm] = tally
  }
}

extension StudyDiagnostics {
  /// The diagnostics of the study whose lock is `lock`, reading its select, embed and evaluate outputs
  /// from `store` (each evaluation once).
  public static func collect(lock: LockFile, store: Store, groups: TaskGroups) throws -> StudyDiagnostics {
    var diagnostics = StudyDiagnostics(groups: groups)
    var evaluations: [String: [Double]] = [:]
    func output(_ entry: LockFile.Entry) throws -> Artifact? {
      let roles = entry.outputs.keys.sorted()
      guard let role = roles.first else { return nil }
      return try ArtifactFile.read(store.outputURL(key: entry.key, role: role, roles: roles))
    }
    func success(_ name: String) throws -> [Double]? {
      if let cached = evaluations[name] { return cached }
      guard let entry = lock.stages[name], let artifact = try output(entry) else { return nil }
      let success = try EvaluationRecord(artifact).success
      evaluations[name] = success
      return success
    }
    for name in lock.stages.keys.sorted() {
      guard let entry = lock.stages[name], diagnostics.arm(ofRun: name) != nil else { continue }
      if entry.kind == "select", let artifact = try output(entry) {
        let record = try SelectionRecord(artifact)
        try diagnostics.addSelection(
          run: name, strategy: record.strategy, selected: record.selected, scores: record.scores, success: success)
      }
      if entry.kind == "embed", let artifact = try output(entry) {
        let embeddings = try EmbeddingSet(artifact)
        diagnostics.addEmbeddings(
          run: name, ess: Array(embeddings.ess.prefix(embeddings.taskCount)), ownShare: embeddings.ownShare,
          poolCount: embeddings.poolCount)
      }
    }
    return diagnostics
  }
}
