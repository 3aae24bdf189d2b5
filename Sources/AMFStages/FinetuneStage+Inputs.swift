import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPolicy

/// Reading and checking the finetune stage's inputs: every failure names the file, the object and the fix.
extension FinetuneStage {
  /// π₀ from `prior`: a plain MLP or a GP of the family `params.policy` names, fitting the environment.
  static func readPrior(_ inputs: StageInputs, params: FinetuneParams, setup: PretrainSetup) throws
    -> PretrainedPolicy
  {
    let artifact = try inputs.required("prior")
    let file = inputs.path("prior")
    try InputChecks.checkRecordedEnvironment(artifact, matches: params.env, file: file)
    let prior: PretrainedPolicy
    switch try PolicyCheckpoint(artifactContent: artifact.content, file: file) {
    case .mlp(let policy): prior = .mlp(policy)
    case .gp(let policy): prior = .gp(policy)
    case .isolation, .taskIsolation, .adaptivePrior:
      throw ArtifactError.invalidValue(
        file: file, object: "attribute architecture (variant)",
        reason: "is a fine-tuned policy; fine-tuning restarts from π₀ every round: pass the pretrain stage's policy")
    }
    let family = prior.family
    guard family == params.policy else {
      throw ArtifactError.invalidValue(
        file: file, object: "attribute family",
        reason: "is '\(family.rawValue)' but this run has policy=\(params.policy.rawValue); set --param "
          + "policy=\(family.rawValue) or pass a \(params.policy.rawValue) prior")
    }
    try InputChecks.check(prior.gaussian, fits: setup.environment, name: setup.id.rawValue, file: file)
    return prior
  }

  /// The tasks of `selection`, in pick order, after checking they exist in the environment and that the
  /// record belongs to this round and task set.
  static func readSelection(_ inputs: StageInputs, params: FinetuneParams, setup: PretrainSetup) throws -> [Int] {
    let file = inputs.path("selection")
    let record: SelectionRecord
    do {
      record = try SelectionRecord(try inputs.required("selection"))
    } catch let error as ArtifactError {
      throw error.inFile(file)
    }
    let taskCount = setup.environment.taskCount
    if let task = record.selected.first(where: { !(0..<taskCount).contains($0) }) {
      throw ArtifactError.invalidValue(
        file: file, object: "/selected",
        reason: "task \(task) is outside 0..<\(taskCount) of env.name=\(setup.id.rawValue); pass a selection made "
          + "for this environment")
    }
    guard record.taskCount == taskCount else {
      throw ArtifactError.invalidValue(
        file: file, object: "@task_count",
        reason: "is \(record.taskCount) but env.name=\(setup.id.rawValue) has \(taskCount) tasks; pass a selection "
          + "made for this environment")
    }
    guard record.round == params.round else {
      throw ArtifactError.invalidValue(
        file: file, object: "@round",
        reason: "is \(record.round) but this run is round \(params.round); pass round \(params.round)'s selection "
          + "or set --param round=\(record.round)")
    }
    guard !record.selected.isEmpty else {
      throw ArtifactError.invalidValue(
        file: file, object: "/selected", reason: "is empty; a round needs at least one selected task (batch ≥ 1)")
    }
    return record.selected
  }

  /// The demonstration set of `role` (nil when not given), checked against the environment.
  static func readDemonstrations(_ inputs: StageInputs, role: String, setup: PretrainSetup) throws
    -> DemonstrationSet?
  {
    guard let artifact = inputs.artifacts[role] else { return nil }
    let file = inputs.path(role)
    let set: DemonstrationSet
    do {
      set = try DemonstrationSet(artifact)
    } catch {
      throw error.inFile(file)
    }
    try InputChecks.check(set, fits: setup, file: file)
    return set
  }

  /// Throws when D_r holds a demonstration collected in round r or later (D_{r+1} passed as D_r), which
  /// would shift every request number.
  static func checkEarlierRounds(_ collected: DemonstrationSet?, round: Int, file: String) throws(ArtifactError) {
    for (index, demo) in (collected?.demonstrations ?? []).enumerated() where InputChecks.isCollected(demo) {
      guard let collectedIn = DemonstrationSource(demo.source)?.round, collectedIn < round else {
        throw ArtifactError.invalidValue(
          file: file, object: "/data/\(DemonstrationSet.demoName(index))@source",
          reason: "is '\(demo.source)' but this is round \(round), so D_\(round) holds rounds before it only; pass "
            + "the demonstrations output of round \(round - 1)'s finetune (none in round 1)")
      }
    }
  }
}
