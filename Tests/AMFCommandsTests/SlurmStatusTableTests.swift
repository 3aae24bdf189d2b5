import AMFPipeline
import Foundation
import Testing

@testable import AMFCommands

/// `status` with Slurm jobs: a count line by job state, and each stale run's job beside its reason.
@Suite struct SlurmStatusTableTests {
  @Test func staleRunsShowTheirJobs() {
    let states: [(name: String, state: RunState)] = [
      ("pretrain/seed-0", .upToDate(key: "k0", outputs: ["policy": "h"])),
      ("finetune/seed-0/round-1", .stale(.new, key: "k1")),
      ("evaluate/seed-0/round-1", .stale(.new, key: nil)),
      ("report", .stale(.new, key: nil)),
    ]
    let jobs = [
      "finetune/seed-0/round-1": SlurmMonitor.JobStatus(state: .failed, jobID: "12", submission: "s", detail: "exit 3"),
      "evaluate/seed-0/round-1": SlurmMonitor.JobStatus(state: .cancelled, jobID: "13", submission: "s", detail: ""),
    ]
    let text = StatusTable.render(name: "arm", states: states, all: false, jobs: jobs)
    #expect(text.split(separator: "\n").map(String.init) == [
      "arm: 4 stage runs, 1 up to date, 3 stale",
      "slurm (stale runs): 1 failed, 1 cancelled, 1 not submitted",
      "  stale  finetune/seed-0/round-1  new  [slurm 12: failed, exit 3]",
      "  stale  evaluate/seed-0/round-1  new  [slurm 13: cancelled]",
      "  stale  report                   new",
    ])
    // Without jobs (no submission): the table as before.
    #expect(!StatusTable.render(name: "arm", states: states, all: false).contains("slurm"))
  }
}
