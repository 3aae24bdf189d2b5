import AMFEnvironments
import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Dispatch
import Foundation

/// `amf-pipeline run`: run the stale stage runs of a manifest, then write its lock.
public struct RunCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run whatever is stale in a manifest (or study), in parallel, then write its lock.")

  @OptionGroup var options: PipelineOptions
  // `.unconditional`: `--jobs -1` is a value to refuse with a message, not a flag ("Missing value").
  @Option(parsing: .unconditional, help: "Stage runs in parallel (each with one BLAS thread, 1…1024); default: the core count.")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
  @Flag(help: "Show what would run, and why, without running it.") var dryRun = false
  @Option(parsing: .upToNextOption, help: "Rerun these stage kinds, run names or name prefixes.")
  var force: [String] = []
  @Flag(help: "After a failure, keep running what does not depend on it.") var keepGoing = false
  @Option(help: "local: run here; slurm: submit one Slurm job per stale stage run and return.")
  var executor: ExecutorKind = .local
  @OptionGroup(title: "Slurm (with --executor slurm)") var slurm: SlurmOptions
  @Option(help: ArgumentHelp("Run stages with this binary instead of this one (tests, separate builds).",
                             visibility: .hidden))
  var stageExecutable: String?

  public init() {}

  public func validate() throws {
    guard (1...1024).contains(jobs) else { throw ValidationError("--jobs must be in 1…1024, found \(jobs)") }
    if executor == .local, !slurm.isEmpty {
      throw ValidationError("--slurm-… and --sbatch-arg options need --executor slurm")
    }
    if executor == .slurm, keepGoing {
      throw ValidationError("--keep-going is the Slurm executor's behaviour already (a failure cancels only its dependents)")
    }
  }

  public func run() async throws {
    let session: PipelineSession
    let forced: Set<String>
    do {
      session = try PipelineSession(manifest: options.manifest, storeFolder: options.store)
      forced = try session.forcedRuns(force)
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline run")
    }
    if executor == .slurm, !dryRun {
      do {
        let outcome = try session.submitToSlurm(
          forced: forced, settings: try slurm.settings(), stageExecutable: stageExecutable
        ) { line in FileHandle.standardError.write(Data("amf-pipeline: \(line)\n".utf8)) }
        print(SlurmReport.render(outcome, manifest: options.manifest))
      } catch {
        throw ExitStatus.report(error, command: "amf-pipeline run --executor slurm")
      }
      return
    }
    let states: [(name: String, state: RunState)]
    let storeLock: Store.KeyLock?
    do {
      // Held until the lock file is written: `gc` waits for no run, and deletes nothing while one runs.
      storeLock = dryRun ? nil : try session.holdStoreForRun { line in
        FileHandle.standardError.write(Data("amf-pipeline: \(line)\n".utf8))
      }
      states = try session.states(forced: forced)
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline run")
    }
    if dryRun {
      print(StatusTable.render(name: session.plan.name, states: states, all: false))
      if let estimate = try? StatusCommand.estimate(session: session, states: states, jobs: jobs) { print(estimate) }
      return
    }
    let bridgeServer = startBridgeServer(needed: session.needsMetaWorld(states))
    defer { bridgeServer?.stop() }
    let summary: RunSummary
    do {
      let terminal = TerminalLine.isTerminal ? TerminalLine() : nil
      let executor = try session.executor(stageExecutable: stageExecutable) { line in
        if let terminal { terminal.message(line) } else {
          FileHandle.standardError.write(Data("amf-pipeline: \(line)\n".utf8))
        }
      }
      if let terminal { executor.progressLog = { terminal.progress($0) } }
      let signals = SignalForwarder { executor.cancel() }
      defer {
        signals.stop()
        terminal?.finish()
      }
      summary = try await executor.run(
        states: states, previousLock: try session.lock, lockURL: session.lockURL, jobs: jobs, keepGoing: keepGoing,
        publishing: session.reportPublication)
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline run")
    }
    storeLock?.release()
    print(RunReport.render(summary, lockURL: session.lockURL, report: session.reportFolderURL(summary.lock)))
    if summary.interrupted { throw ExitCode(130) }
    if summary.outcomes.contains(where: { !$0.outcome.isSuccess }) { throw ExitCode(1) }
  }
}

extension RunCommand {
  /// A Meta-World bridge server for this run's stages, its socket exported to them (`BridgeServer`); nil
  /// when no stale run steps Meta-World, when `$AMF_METAWORLD_BRIDGE_SERVER` is set already (a server of
  /// the caller's, or `off`), or when it cannot start — then each stage starts its own bridge child, as a
  /// stage run by hand does, with the same episodes.
  func startBridgeServer(needed: Bool) -> BridgeServer? {
    guard needed, ProcessInfo.processInfo.environment[BridgeServer.variable] == nil else { return nil }
    let say = { (line: String) in FileHandle.standardError.write(Data("amf-pipeline: \(line)\n".utf8)) }
    do {
      let server = try BridgeServer()
      setenv(BridgeServer.variable, server.socketPath, 1)
      say("Meta-World bridge server at \(server.socketPath): stages fork their simulator child from it")
      return server
    } catch {
      say("no Meta-World bridge server (\(error)); each stage starts its own bridge child")
      return nil
    }
  }
}

/// The end-of-run summary on stdout.
enum RunReport {
  static func render(_ summary: RunSummary, lockURL: URL, report: URL? = nil) -> String {
    func count(_ match: (RunOutcome) -> Bool) -> Int { summary.outcomes.filter { match($0.outcome) }.count }
    let ran = count { if case .succeeded = $0 { true } else { false } }
    let reused = count { $0 == .reused }
    let upToDate = count { $0 == .upToDate }
    let (failed, interrupted) = unfinishedCounts(summary)
    let skipped = count { if case .skipped = $0 { true } else { false } }
    var lines = ["ran \(ran), reused \(reused), up to date \(upToDate), failed \(failed), skipped \(skipped)"
      + (interrupted > 0 ? ", interrupted \(interrupted)" : "")]
    if ran + reused == 0, failed + skipped + interrupted == 0 { lines = ["up to date: \(upToDate) stage runs, nothing to run"] }
    for (name, outcome) in summary.outcomes {
      if let line = unfinishedLine(name: name, outcome: outcome, in: summary) { lines.append(line) }
      if case .skipped(let reason) = outcome { lines.append("skipped \(name): \(reason)") }
    }
    lines.append("lock: \(lockURL.path)")
    if let report { lines.append("report: \(report.appendingPathComponent("report.md").path)") }
    return lines.joined(separator: "\n")
  }
}

/// Turns SIGINT and SIGTERM into one call of `handler` (then a second signal kills as usual).
final class SignalForwarder: @unchecked Sendable {
  private var sources: [any DispatchSourceSignal] = []

  init(_ handler: @escaping @Sendable () -> Void) {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        FileHandle.standardError.write(Data("amf-pipeline: interrupted; stopping stage runs\n".utf8))
        handler()
      }
      source.resume()
      sources.append(source)
    }
  }

  func stop() {
    sources.forEach { $0.cancel() }
    for signalNumber in [SIGINT, SIGTERM] { signal(signalNumber, SIG_DFL) }
  }
}
