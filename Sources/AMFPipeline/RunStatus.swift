/// How one execution of a stage run stands, as the store's run records (`<key>.run.json`) and Slurm
/// jobs' state files (`state/<job id>.json`) write it. The raw values are the bytes in those files.
///
/// A run record is only ever `succeeded` or `failed`; a Slurm job's state file also says `running`
/// while the job works and `reused` when the outputs at its key existed.
public enum RunStatus: String, Codable, CaseIterable, Hashable, Sendable {
  /// A job has started the run and not finished it.
  case running
  /// The stage exited 0 and every output is a valid artifact.
  case succeeded
  /// Outputs at the run's key existed already: nothing was computed.
  case reused
  /// The stage failed, or exited 0 without valid outputs.
  case failed
}
