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
