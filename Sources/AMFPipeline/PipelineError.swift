import Foundation

/// Errors of the pipeline engine, each naming what is wrong and how to fix it.
public enum PipelineError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Two stage runs share a name.
  case duplicateRun(name: String)
  /// A stage run's input names a run or role that does not exist.
  case unknownInput(run: String, role: String, reference: InputReference)
  /// The stage runs depend on each other in a cycle.
  case cycle(path: [String])
  /// A stage run failed; its log says why.
  case stageFailed(name: String, exitCode: Int32, log: String)
  /// A stage exited 0 but did not write (or wrote a corrupt) output.
  case missingOutput(name: String, role: String, path: String, reason: String)
  /// The plan or lock file cannot be read.
  case unreadable(path: String, reason: String)
  /// `--force` named nothing in the plan.
  case unknownForceTarget(String)
  /// A store key prefix matches no artifact in the store.
  case noSuchKey(prefix: String, store: String)
  /// A store key prefix matches several artifacts.
  case ambiguousKey(prefix: String, candidates: [String])
  /// A command needs a lock file that does not exist.
  case missingLock(path: String, reason: String)
  /// An archive cannot be built complete.
  case archiveIncomplete(path: String, reason: String)
  /// An external tool (e.g. `/bin/tar`) failed.
  case toolFailed(tool: String, status: Int32, detail: String)
  /// `gc` found the store in use by a running `run` (exit 75: try again later).
  case storeBusy(store: String)
  /// A stage run's parameters are not JSON (the manifest expander wrote them).
  case invalidParams(run: String, reason: String)
  /// A role of a stage run is both another run's output and a file (`StageRunSpec.files`), or a file input's
  /// path or hash is unusable.
  case invalidFileInput(run: String, role: String, reason: String)
  /// A file input changed (or vanished) between planning and the stage's start.
  case fileInputChanged(run: String, role: String, path: String, reason: String)

  public var description: String {
    switch self {
    case .storeBusy(let store):
      "\(store) is in use by a running `amf-pipeline run`; gc deletes nothing while a run may still reference "
        + "new keys: run gc again when it has finished"
    case .duplicateRun(let name):
      "two stage runs are named '\(name)'; names must be unique (check the manifest's arms and seeds)"
    case .unknownInput(let run, let role, let reference):
      "stage run '\(run)' input '\(role)' refers to '\(reference.run)' output '\(reference.role)', which no stage run produces"
    case .cycle(let path):
      "the stage runs form a cycle: \(path.joined(separator: " → ")); an output cannot feed its own producer"
    case .stageFailed(let name, let exitCode, let log):
      "stage run '\(name)' \(Self.exitDescription(exitCode)); see its log: \(log)"
    case .missingOutput(let name, let role, let path, let reason):
      "stage run '\(name)' exited 0 but its output '\(role)' at \(path) is unusable (\(reason))"
    case .unreadable(let path, let reason):
      "\(path): cannot read (\(reason))"
    case .unknownForceTarget(let target):
      "--force \(target): no stage kind or stage run of that name in this manifest"
    case .noSuchKey(let prefix, let store):
      "'\(prefix)': no such file, and no artifact in the store \(store) has a key starting with it; "
        + "pass a path or a longer key prefix (--store selects the store)"
    case .ambiguousKey(let prefix, let candidates):
      "key prefix '\(prefix)' matches \(candidates.count) artifacts (\(candidates.prefix(4).joined(separator: ", "))"
        + "\(candidates.count > 4 ? ", …" : "")); give more characters or the role, e.g. <key>.policy"
    case .missingLock(let path, let reason):
      "\(path): no lock file (\(reason))"
    case .archiveIncomplete(let path, let reason):
      "\(path): cannot archive (\(reason)); run the manifest first so that the lock's artifacts exist"
    case .toolFailed(let tool, let status, let detail):
      "\(tool) failed with exit status \(status): \(detail)"
    case .invalidFileInput(let run, let role, let reason):
      "stage run '\(run)' file input '\(role)' \(reason)"
    case .fileInputChanged(let run, let role, let path, let reason):
      "stage run '\(run)' did not start: its input '\(role)', the file \(path), \(reason); the file changed "
        + "after the plan was made: run again, which plans with the file as it is now (and reruns what it changes)"
    case .invalidParams(let run, let reason):
      "stage run '\(run)' has parameters that are not JSON (\(reason)); nothing was locked for it: "
        + "the manifest expander wrote them, so report this as a bug"
    }
  }
}

extension PipelineError {
  /// "failed with exit code 65", or "was killed by signal 11 (SIGSEGV)" for a status of 128 + a signal.
  public static func exitDescription(_ code: Int32) -> String {
    guard code > 128, code < 128 + 65 else { return "failed with exit code \(code)" }
    let signal = code - 128
    let names: [Int32: String] = [
      SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGABRT: "SIGABRT", SIGILL: "SIGILL", SIGFPE: "SIGFPE",
      SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGINT: "SIGINT",
    ]
    return "was killed by signal \(signal)" + (names[signal].map { " (\($0))" } ?? "")
  }
}
