import AMFArtifacts
import AMFNumerics

extension ReportSummary {
  /// The content of the `report` artifact (ARTIFACTS.md "Layouts", docs/stages.md `amf-report`).
  ///
  /// Root attributes `env_name`, `task_count`, `arms` (names in order), `reference_arm` (`amf` or empty),
  /// `confidence`, `bootstrap_resamples`. Per arm `/arms/<arm>/`: `seeds`, `demos`, `success_mean`,
  /// `success_lo`, `success_hi` (rounds + 1), `success_per_seed`, `return_per_seed` (seeds × rounds + 1),
  /// `auc_per_seed`, `final_per_seed` (seeds), `per_task_success`, `per_task_demos` (tasks); attributes
  /// `auc_mean|lo|hi`, `final_mean|lo|hi`, `budget_demos`. Per compared arm `/comparisons/<arm>/`: `seeds`,
  /// `auc_diff_per_seed`, `final_diff_per_seed`; attributes `auc_diff_mean|lo|hi`, `auc_amf_ahead_share`,
  /// `auc_tie_share` and the same for `final_`.
  public func contentGroup() throws -> ArtifactGroup {
    var group = ArtifactGroup()
    try group.setAttribute("env_name", .scalar(environmentName))
    try group.setAttribute("task_count", .scalar(Int64(taskCount)))
    try group.setAttribute("arms", .vector(arms.map(\.name)))
    let hasReference = arms.contains { $0.name == Self.referenceArm }
    try group.setAttribute("reference_arm", .scalar(hasReference ? Self.referenceArm : ""))
    try group.setAttribute("confidence", .scalar(settings.confidence))
    try group.setAttribute("bootstrap_resamples", .scalar(Int64(settings.bootstrapResamples)))
    try group.ensureGroup(at: "/arms")
    for arm in arms {
      let path = "/arms/\(arm.name)"
      let columns = arm.demos.count
      try group.setDataset(.vector(arm.seeds.map(Int64.init)), at: "\(path)/seeds")
      try group.setDataset(.vector(arm.demos), at: "\(path)/demos")
      try group.setDataset(.vector(arm.success.map(\.estimate)), at: "\(path)/success_mean")
      try group.setDataset(.vector(arm.success.map(\.lower)), at: "\(path)/success_lo")
      try group.setDataset(.vector(arm.success.map(\.upper)), at: "\(path)/success_hi")
      try group.setDataset(
        .matrix(arm.successPerSeed.flatMap { $0 }, rows: arm.seeds.count, columns: columns),
        at: "\(path)/success_per_seed")
      try group.setDataset(
        .matrix(arm.returnPerSeed.flatMap { $0 }, rows: arm.seeds.count, columns: columns),
        at: "\(path)/return_per_seed")
      try group.setDataset(.vector(arm.aucPerSeed), at: "\(path)/auc_per_seed")
      try group.setDataset(.vector(arm.finalPerSeed), at: "\(path)/final_per_seed")
      try group.setDataset(.vector(arm.perTaskSuccess), at: "\(path)/per_task_success")
      try group.setDataset(.vector(arm.perTaskDemos), at: "\(path)/per_task_demos")
      try group.setAttribute("budget_demos", .scalar(Int64(arm.budgetDemos)), onGroup: path)
      try setInterval(arm.auc, "auc", on: path, in: &group)
      try setInterval(arm.final, "final", on: path, in: &group)
    }
    for comparison in comparisons {
      let path = "/comparisons/\(comparison.name)"
      try group.setDataset(.vector(comparison.seeds.map(Int64.init)), at: "\(path)/seeds")
      try group.setDataset(.vector(comparison.aucDiffPerSeed), at: "\(path)/auc_diff_per_seed")
      try group.setDataset(.vector(comparison.finalDiffPerSeed), at: "\(path)/final_diff_per_seed")
      try setInterval(comparison.aucDiff, "auc_diff", on: path, in: &group)
      try setInterval(comparison.finalDiff, "final_diff", on: path, in: &group)
      try group.setAttribute("auc_amf_ahead_share", .scalar(comparison.aucShares.amfAhead), onGroup: path)
      try group.setAttribute("auc_tie_share", .scalar(comparison.aucShares.ties), onGroup: path)
      try group.setAttribute("final_amf_ahead_share", .scalar(comparison.finalShares.amfAhead), onGroup: path)
      try group.setAttribute("final_tie_share", .scalar(comparison.finalShares.ties), onGroup: path)
    }
    return group
  }

  private func setInterval(_ interval: EstimateInterval, _ name: String, on path: String, in group: inout ArtifactGroup)
    throws
  {
    try group.setAttribute("\(name)_mean", .scalar(interval.estimate), onGroup: path)
    try group.setAttribute("\(name)_lo", .scalar(interval.lower), onGroup: path)
    try group.setAttribute("\(name)_hi", .scalar(interval.upper), onGroup: path)
  }
}
