import AMFPipeline
import AMFStages
import AMFStudy
import ArgumentParser
import Foundation

/// `amf-pipeline status`: every stale stage run with its one reason; nothing runs.
public struct StatusCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show which stage runs are stale, and why (one reason each).")

  @OptionGroup var options: PipelineOptions
  @Flag(help: "List up-to-date stage runs too.") var all = false
  @Flag(help: "Exit 2 when anything is stale (like git diff --exit-code).") var exitCode = false

  public init() {}

  public func run() throws {
    do {
      let session = try PipelineSession(manifest: options.manifest, storeFolder: options.store)
      let states = try session.states()
      var jobs: [String: SlurmMonitor.JobStatus] = [:]
      var note: String?
      // Reads the manifest's Slurm submissions once; without any, `squeue` is never called.
      if states.contains(where: { if case .stale = $0.state { true } else { false } }) {
        do {
          jobs = try session.slurmMonitor().statuses()
        } catch {
          note = "slurm: job states unavailable (\(error))"
        }
      }
      print(StatusTable.render(name: session.plan.name, states: states, all: all, jobs: jobs))
      if let estimate = try Self.estimate(session: session, states: states) { print(estimate) }
      if let note { print(note) }
      try? session.hasher.save()
      if exitCode, states.contains(where: { if case .stale = $0.state { true } else { false } }) {
        throw ExitCode(2)
      }
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline status")
    }
  }
}

extension StatusCommand {
  /// `estimate: about 1 h 25 min of stage work, about 43 min with --jobs 2 (…)` for the stale runs (`status`,
  /// `run --dry-run` with its `--jobs`), priced by the run records of the
  /// previous lock's runs of the same kinds (`ProgressEstimate.priorDurations`), runs that will share a key
  /// or reuse outputs counted once or not at all (`ProgressEstimate.work`); nil when nothing is stale or no
  /// such record exists.
  static func estimate(session: PipelineSession, states: [(name: String, state: RunState)], jobs: Int = 2) throws
    -> String?
  {
    let stale = states.filter { if case .stale = $0.state { true } else { false } }.count
    guard stale > 0 else { return nil }
    let groups = ProgressEstimate.work(states: states, graph: session.graph, store: session.store)
    let kinds = Array(groups.kinds.values)
    let prior = ProgressEstimate.priorDurations(lock: try session.lock, kinds: Set(kinds), store: session.store)
    let progress = ProgressEstimate(total: stale, work: groups, prior: prior, jobs: 1)
    guard let work = progress.secondsLeft(elapsed: 0) else { return nil }
    let priced = Set(prior.keys)
    let unpriced = kinds.filter { !priced.contains($0) }.count
    let jobs = max(1, jobs)
    return "estimate: about \(ProgressEstimate.duration(work)) of stage work, about "
      + "\(ProgressEstimate.duration(work / Double(jobs))) with --jobs \(jobs) (the durations of the previous runs' records"
      + (unpriced > 0 ? "; \(unpriced) runs of kinds without one priced at their overall mean)" : ")")
  }
}

/// Text rendering of run states, shared by `status` and `run --dry-run`.
enum StatusTable {
  /// `jobs`: the Slurm job of stale runs that a submission covers (`SlurmMonitor.statuses`).
  static func render(name: String, states: [(name: String, state: RunState)], all: Bool,
                     jobs: [String: SlurmMonitor.JobStatus] = [:]) -> String {
    let stale = states.filter { if case .stale = $0.state { true } else { false } }
    let width = states.map(\.name.count).max() ?? 0
    var lines = ["\(name): \(states.count) stage runs, \(states.count - stale.count) up to date, \(stale.count) stale"]
    if !jobs.isEmpty {
      var counts: [String: Int] = [:]
      for (runName, _) in stale { counts[jobs[runName].map { "\($0.state)" } ?? "not submitted", default: 0] += 1 }
      let order = ["pending", "running", "done", "failed", "cancelled", "submitted", "not submitted"]
      let parts = counts.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        .map { "\(counts[$0, default: 0]) \($0)" }
      lines.append("slurm (stale runs): " + parts.joined(separator: ", "))
    }
    for (runName, state) in states {
      switch state {
      case .upToDate where all:
        lines.append("  ok     \(runName)")
      case .stale(let reason, _):
        var line = "  stale  \(runName.padding(toLength: width, withPad: " ", startingAt: 0))  \(reason)"
        if let job = jobs[runName] {
          line += "  [slurm \(job.jobID): \(job.state)\(job.detail.isEmpty ? "" : ", \(job.detail)")]"
        }
        lines.append(line)
      default:
        continue
      }
    }
    return lines.joined(separator: "\n")
  }
}
