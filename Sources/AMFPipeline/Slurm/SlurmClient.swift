import Foundation

/// One `sbatch` submission: a job script, its arguments, its dependencies and its resources.
public struct SlurmJobRequest: Hashable, Sendable {
  /// `--job-name`.
  public var name: String
  /// The batch script.
  public var script: URL
  /// Arguments after the script.
  public var arguments: [String]
  /// Job ids this job runs after (`--dependency=afterok:…`, with `--kill-on-invalid-dep=yes`).
  public var dependencies: [String]
  /// Resource and site options (`--partition=…`, `--time=…`, extra user arguments).
  public var options: [String]
  /// `--output`: where Slurm writes the job's stdout and stderr (`%j` is the job id).
  public var output: String
  /// `--chdir`.
  public var workingDirectory: String

  /// The `sbatch` command line, without `sbatch` itself.
  public var sbatchArguments: [String] {
    var arguments = [
      "--parsable", "--job-name=\(name)", "--output=\(output)", "--chdir=\(workingDirectory)", "--export=ALL",
    ]
    if !dependencies.isEmpty {
      arguments += ["--dependency=afterok:" + dependencies.joined(separator: ":"), "--kill-on-invalid-dep=yes"]
    }
    return arguments + options + [script.path] + self.arguments
  }
}

/// A job as `squeue` reports it.
public struct SlurmJobState: Hashable, Sendable {
  /// `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`, …
  public var state: String
  /// Why a pending job waits (`Dependency`, `Resources`, `DependencyNeverSatisfied`, …); "" otherwise.
  public var reason: String

  /// Creates a state.
  public init(state: String, reason: String) {
    self.state = state
    self.reason = reason
  }

  /// Whether the job may still run (so a new submission must not duplicate it).
  public var isLive: Bool {
    ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING",
     "STAGE_OUT", "REQUEUE_HOLD", "REQUEUE_FED"].contains(state)
      && !(state == "PENDING" && reason == "DependencyNeverSatisfied")
  }
}

/// The three Slurm commands the executor needs; tests substitute a fake.
public protocol SlurmClient: Sendable {
  /// Submits a job; returns its id.
  func submit(_ request: SlurmJobRequest) throws -> String
  /// The states of those of `jobIDs` that Slurm still knows (finished jobs are forgotten after `MinJobAge`).
  func states(of jobIDs: [String]) throws -> [String: SlurmJobState]
  /// Cancels jobs.
  func cancel(_ jobIDs: [String]) throws
  /// Throws when the client cannot work here (its commands are missing), before anything is written.
  func checkAvailable() throws
}

extension SlurmClient {
  public func checkAvailable() throws {}
}

/// Errors of the Slurm executor, each with the fix.
public enum SlurmError: Error, Hashable, Sendable, CustomStringConvertible {
  /// `sbatch`, `squeue` or `scancel` is not on PATH.
  case commandMissing(String)
  /// A Slurm command failed.
  case commandFailed(command: String, status: Int32, output: String)
  /// A setting cannot be used.
  case badSetting(option: String, value: String, reason: String)
  /// A submission record or folder cannot be used.
  case badSubmission(path: String, reason: String)
  /// A job's run cannot start: an input is missing or changed.
  case inputNotReady(run: String, role: String, producer: String, reason: String)
  /// A job names a run its submission does not have.
  case unknownRun(run: String, submission: String)
  /// The copy of the orchestrator a submission runs is gone or changed.
  case executableChanged(path: String)

  public var description: String {
    switch self {
    case .commandMissing(let command):
      "\(command): not found on PATH; --executor slurm needs the Slurm client commands (sbatch, squeue, scancel) "
        + "on the machine that submits"
    case .commandFailed(let command, let status, let output):
      "\(command) failed with exit status \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
    case .badSetting(let option, let value, let reason):
      "\(option) \(value): \(reason)"
    case .badSubmission(let path, let reason):
      "\(path): not a usable Slurm submission (\(reason))"
    case .inputNotReady(let run, let role, let producer, let reason):
      "stage run '\(run)' cannot start: its input '\(role)' from '\(producer)' \(reason); the job it depended on "
        + "did not complete. Run `amf-pipeline run … --executor slurm` again to resubmit what is stale"
    case .unknownRun(let run, let submission):
      "submission \(submission) has no stage run '\(run)'"
    case .executableChanged(let path):
      "\(path): the orchestrator copy this submission runs is missing or changed; cancel the submission and submit again"
    }
  }
}

/// The real client: runs `sbatch`, `squeue` and `scancel` from PATH.
public struct CommandLineSlurm: SlurmClient {
  /// Creates the client.
  public init() {}

  public func submit(_ request: SlurmJobRequest) throws -> String {
    let output = try Self.execute("sbatch", request.sbatchArguments)
    // `--parsable` prints `id` or `id;cluster`.
    let id = output.split(whereSeparator: \.isNewline).last.map { String($0.split(separator: ";")[0]) } ?? ""
    guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
      throw SlurmError.commandFailed(command: "sbatch", status: 0, output: "no job id in its output: \(output)")
    }
    return id
  }

  public func states(of jobIDs: [String]) throws -> [String: SlurmJobState] {
    guard !jobIDs.isEmpty else { return [:] }
    // `squeue -j` fails outright when any id is unknown, so list this user's jobs and filter.
    let output = try Self.execute("squeue", ["--me", "--noheader", "--states=all", "--format=%i|%T|%r"])
    let wanted = Set(jobIDs)
    var states: [String: SlurmJobState] = [:]
    for line in output.split(whereSeparator: \.isNewline) {
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 3, wanted.contains(fields[0]) else { continue }
      states[fields[0]] = SlurmJobState(state: fields[1], reason: fields[2] == "None" ? "" : fields[2])
    }
    return states
  }

  public func cancel(_ jobIDs: [String]) throws {
    guard !jobIDs.isEmpty else { return }
    _ = try Self.execute("scancel", jobIDs)
  }

  public func checkAvailable() throws {
    for command in ["sbatch", "squeue", "scancel"] where Self.locate(command) == nil {
      throw SlurmError.commandMissing(command)
    }
  }

  /// The path of `command` on PATH.
  static func locate(_ command: String) -> String? {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
      .map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs a Slurm command found on PATH; returns its stdout, throws with its stderr on failure.
  static func execute(_ command: String, _ arguments: [String]) throws -> String {
    guard let path = locate(command) else { throw SlurmError.commandMissing(command) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both before waiting: a full pipe would block the child.
    final class Bytes: @unchecked Sendable { var data = Data() }
    let errorBytes = Bytes()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errorBytes.data = stderr.fileHandleForReading.readDataToEndOfFile() }
    let outputBytes = stdout.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    let output = String(decoding: outputBytes, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw SlurmError.commandFailed(
        command: ([command] + arguments.prefix(3)).joined(separator: " "), status: process.terminationStatus,
        output: String(decoding: errorBytes.data, as: UTF8.self) + output)
    }
    return output
  }
}
