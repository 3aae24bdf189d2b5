import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

/// Where `run` executes stage runs.
public enum ExecutorKind: String, ExpressibleByArgument, CaseIterable, Sendable {
  /// Child processes on this machine, `--jobs` at a time.
  case local
  /// One Slurm job per stale stage run; `run` submits and returns.
  case slurm
}

/// `run --executor slurm`'s options.
public struct SlurmOptions: ParsableArguments {
  @Option(name: .customLong("slurm-partition"), help: "Slurm partition (default: the cluster's default).")
  var partition: String?
  @Option(name: .customLong("slurm-time"),
          help: ArgumentHelp("Time limit, [KIND=]LIMIT, repeatable (default 00:30:00, pretrain 02:00:00).",
                             valueName: "limit"))
  var time: [String] = []
  @Option(name: .customLong("slurm-mem"), help: ArgumentHelp("Memory, [KIND=]SIZE, repeatable (default 4G).", valueName: "size"))
  var memory: [String] = []
  @Option(name: .customLong("slurm-cpus"), help: ArgumentHelp("CPUs per job, [KIND=]N, repeatable (default 1).", valueName: "n"))
  var cpus: [String] = []
  @Option(name: .customLong("sbatch-arg"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("An extra sbatch argument, repeatable, e.g. --sbatch-arg=--account=lab.", valueName: "arg"))
  var sbatchArguments: [String] = []

  public init() {}

  /// Whether any Slurm option was given (they are an error with the local executor).
  var isEmpty: Bool { partition == nil && time.isEmpty && memory.isEmpty && cpus.isEmpty && sbatchArguments.isEmpty }

  /// The checked settings.
  func settings() throws -> SlurmSettings {
    try SlurmSettings.parse(
      partition: partition, time: time, memory: memory, cpus: cpus, extraArguments: sbatchArguments,
      kinds: Set(StageKind.allCases.map(\.rawValue)))
  }
}

/// `amf-pipeline job SUBMISSION RUN`: what each Slurm job runs.
public struct JobCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "job",
    abstract: "Run one stage run of a Slurm submission (what each submitted job calls).",
    discussion: """
      Plans the run again from the submission's plan, re-checks the content hash of every input, computes \
      under the key's lock (exits 0 at once when the key's outputs exist), and commits its lock entry.
      """)

  @Argument(help: "The submission folder (Artifacts/slurm/<manifest>/<id>).") var submission: String
  @Argument(help: "The stage run's name.") var run: String
  @Flag(help: "Recompute even when the key's outputs exist (the run was forced).") var forced = false

  public init() {}

  public func run() async throws {
    let jobID = ProcessInfo.processInfo.environment["SLURM_JOB_ID"] ?? "local-\(getpid())"
    let log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data("amf-pipeline job: \(line)\n".utf8)) }
    do {
      let result = try await PipelineSession.runSlurmJob(
        folder: URL(fileURLWithPath: submission), run: run, forced: forced, jobID: jobID, log: log)
      switch result {
      case .alreadyDone(let key): print("\(run): already done (key \(key))")
      case .computed(let key, let seconds): print("\(run): computed key \(key) in \(String(format: "%.2f", seconds)) s")
      }
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline job \(run)")
    }
  }
}

/// `amf-pipeline cancel MANIFEST`: cancels the manifest's queued and running Slurm jobs.
public struct CancelCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "cancel", abstract: "Cancel every queued or running Slurm job of a manifest's submissions.")

  @OptionGroup var options: PipelineOptions

  public init() {}

  public func run() throws {
    do {
      let session = try PipelineSession(manifest: options.manifest, storeFolder: options.store)
      let cancelled = try session.slurmMonitor().cancelAll()
      print(cancelled.isEmpty ? "no queued or running jobs" : "cancelled \(cancelled.count) jobs: \(cancelled.joined(separator: " "))")
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline cancel")
    }
  }
}

/// The text `run --executor slurm` prints.
enum SlurmReport {
  static func render(_ outcome: SlurmSubmitter.Outcome, manifest: String) -> String {
    guard let submission = outcome.submission, let folder = outcome.folder else {
      return "up to date: \(outcome.upToDate) stage runs, nothing submitted"
    }
    return """
      submitted \(outcome.submitted) jobs, \(outcome.reused) runs left to jobs already queued, \(outcome.upToDate) up to date
      submission: \(submission.id) (\(folder.path)/submission.json)
      watch: amf-pipeline status \(manifest)    cancel: amf-pipeline cancel \(manifest)
      """
  }
}
