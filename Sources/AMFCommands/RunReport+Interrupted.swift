import AMFPipeline

/// How the end-of-run summary tells a stage run stopped by an interrupt from one that failed.
///
/// On SIGINT or SIGTERM the orchestrator stops its stage processes with SIGTERM (`Executor.cancel`), so
/// they end with status 15 (the signal), −15, or 143 (128 + 15, through a shell), and the executor records
/// them as `.failed`. When `summary.interrupted` is set, such runs were stopped, not broken.
extension RunReport {
  /// The exit statuses of a stage process that SIGTERM stopped.
  static let terminationStatuses: Set<Int32> = [15, -15, 143]

  /// Whether `outcome` is a run that the interrupt of `summary` stopped.
  static func wasStopped(_ outcome: RunOutcome, in summary: RunSummary) -> Bool {
    guard summary.interrupted, case .failed(let code, _) = outcome else { return false }
    return terminationStatuses.contains(code)
  }

  /// The summary line of a run that did not finish, or nil for any other outcome:
  /// `interrupted NAME (stopped by the interrupt): log …`, `FAILED NAME (exit N): log …`, or, for an error of
  /// the orchestrator's own around the stage (no stage exit code, no log to read),
  /// `FAILED NAME (in amf-pipeline, not in the stage): MESSAGE`.
  static func unfinishedLine(name: String, outcome: RunOutcome, in summary: RunSummary) -> String? {
    if case .errored(let message) = outcome {
      return "FAILED \(name) (in amf-pipeline, not in the stage): \(message)"
    }
    guard case .failed(let code, let log) = outcome else { return nil }
    return wasStopped(outcome, in: summary)
      ? "interrupted \(name) (stopped by the interrupt; rerun to finish it): log \(log)"
      : "FAILED \(name) (\(code > 128 ? PipelineError.exitDescription(code) : "exit \(code)")): log \(log)"
  }

  /// The number of failed runs and of runs the interrupt stopped.
  static func unfinishedCounts(_ summary: RunSummary) -> (failed: Int, interrupted: Int) {
    let stopped = summary.failures.filter { wasStopped($0.outcome, in: summary) }.count
    return (summary.failures.count - stopped, stopped)
  }
}
