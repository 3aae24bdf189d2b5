import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// A Slurm stand-in: records `sbatch` requests, answers `squeue` from a table the test sets, and can
/// fail the n-th submission.
final class FakeSlurm: SlurmClient, @unchecked Sendable {
  private let lock = NSLock()
  private(set) var requests: [(id: String, request: SlurmJobRequest)] = []
  private(set) var cancelled: [String] = []
  var queue: [String: SlurmJobState] = [:]
  var failAtSubmission: Int?
  var available = true

  func checkAvailable() throws {
    if !available { throw SlurmError.commandMissing("sbatch") }
  }

  func submit(_ request: SlurmJobRequest) throws -> String {
    try lock.withLock {
      if let failAtSubmission, requests.count + 1 == failAtSubmission {
        throw SlurmError.commandFailed(command: "sbatch", status: 1, output: "sbatch: error: Batch job submission failed")
      }
      let id = String(1000 + requests.count)
      requests.append((id, request))
      return id
    }
  }

  func states(of jobIDs: [String]) throws -> [String: SlurmJobState] {
    lock.withLock { queue.filter { jobIDs.contains($0.key) } }
  }

  func cancel(_ jobIDs: [String]) throws { lock.withLock { cancelled += jobIDs } }

  func setAll(_ state: String, reason: String = "") {
    lock.withLock { for (id, _) in requests { queue[id] = SlurmJobState(state: state, reason: reason) } }
  }
}

@Suite struct SlurmTests {
  final class Fixture {
    let folder: TemporaryDirectory
    let store: Store
    let lockURL: URL
    let runner = InProcessRunner()
    let slurm = FakeSlurm()
    let runs: [StageRunSpec]
    let executable: URL

    init(_ runs: [StageRunSpec]) throws {
      folder = try TemporaryDirectory("amf-slurm")
      store = Store(root: folder.file("Artifacts/store"))
      lockURL = folder.file("study.lock.json")
      self.runs = runs
      executable = folder.file("amf-pipeline")
      try Data("#!/bin/sh\n".utf8).write(to: executable)
    }

    deinit { folder.remove() }

    var lock: LockFile { (try? LockFile.read(lockURL, manifest: "study")) ?? LockFile(manifest: "study") }

    func states(forced: Set<String> = []) throws -> [(name: String, state: RunState)] {
      try Planner(graph: StageGraph(runs), store: store, lock: lock, hasher: FileBytesHasher(), forced: forced).states()
    }

    func submit(forced: Set<String> = []) throws -> SlurmSubmitter.Outcome {
      let submitter = SlurmSubmitter(
        graph: try StageGraph(runs), store: store, lockURL: lockURL, manifest: "study", client: slurm,
        settings: SlurmSettings())
      return try submitter.submit(
        planStates: { try self.states(forced: forced) }, forced: forced, executable: executable, executableSHA256: "ab12",
        stageExecutable: nil, publication: nil)
    }

    func job(_ request: SlurmJobRequest) throws -> SlurmJobExecution {
      try SlurmJobExecution(
        folder: request.script.deletingLastPathComponent(), hasher: FileBytesHasher(), verifier: FileBytesHasher(),
        runner: runner, log: { _ in })
    }

    /// Plays the cluster: runs the submitted jobs in submission order (dependencies come first), and
    /// cancels a job whose dependency failed or was cancelled, as `--kill-on-invalid-dep=yes` does.
    /// Returns job id → "done" / "failed" / "cancelled".
    func playCluster(from first: Int = 0) async throws -> [String: String] {
      var ended: [String: String] = [:]
      for (id, request) in slurm.requests.dropFirst(first) {
        if request.dependencies.contains(where: { ended[$0] != nil && ended[$0] != "done" }) {
          ended[id] = "cancelled"
          continue
        }
        do {
          _ = try await job(request).run(
            request.arguments[0], forced: request.arguments.contains("--forced"), jobID: id)
          ended[id] = "done"
        } catch {
          ended[id] = "failed"
        }
      }
      return ended
    }

    func jobID(of run: String) -> String? {
      slurm.requests.last { $0.request.arguments.first == run }?.id
    }
  }

  /// The same plan, once run locally and once through simulated Slurm jobs, gives the same lock and
  /// byte-identical outputs; every job runs after exactly the jobs of the runs it reads from.
  @Test func slurmJobsReproduceALocalRun() async throws {
    let plan = TestPlans.chain(seeds: [0, 1], rounds: 2)
    let local = try Fixture(plan)
    let graph = try StageGraph(plan)
    let executor = Executor(
      graph: graph, store: local.store, hasher: FileBytesHasher(), runner: local.runner,
      context: RunContext(executable: "test", executableSHA256: "-", projectVersion: "-", host: "h"))
    _ = try await executor.run(states: try local.states(), previousLock: local.lock, lockURL: local.lockURL, jobs: 2,
                               keepGoing: false)

    let cluster = try Fixture(plan)
    let outcome = try cluster.submit()
    #expect(outcome.submitted == 15 && outcome.reused == 0 && outcome.upToDate == 0)
    let request = try #require(cluster.slurm.requests.first { $0.request.arguments == ["finetune/seed-0/round-1"] })
    let expected = [cluster.jobID(of: "pretrain/seed-0")!, cluster.jobID(of: "select/seed-0/round-1")!]
    #expect(Set(request.request.dependencies) == Set(expected))
    #expect(cluster.slurm.requests.first?.request.dependencies == [])  // pretrain/seed-0 needs nothing
    let ended = try await cluster.playCluster()
    #expect(ended.values.allSatisfy { $0 == "done" })
    #expect(cluster.lock == local.lock)
    #expect(cluster.lock.stages.count == 15)
    for (name, entry) in local.lock.stages {
      let roles = entry.outputs.keys.sorted()
      for role in roles {
        let a = try Data(contentsOf: local.store.outputURL(key: entry.key, role: role, roles: roles))
        let b = try Data(contentsOf: cluster.store.outputURL(key: entry.key, role: role, roles: roles))
        #expect(a == b, "\(name) \(role)")
      }
    }
    // Everything is done now: nothing is stale, so a new submission submits nothing.
    let again = try cluster.submit()
    #expect(again.submission == nil && again.upToDate == 15)
    #expect(cluster.slurm.requests.count == 15)
  }

  /// A second submission while the first one's jobs are queued or running submits nothing new.
  @Test func secondSubmissionWhileQueuedDuplicatesNoWork() throws {
    let fixture = try Fixture(TestPlans.chain(seeds: [0], rounds: 2))
    #expect(try fixture.submit().submitted == 8)
    fixture.slurm.setAll("PENDING", reason: "Dependency")
    let second = try fixture.submit()
    #expect(second.submitted == 0 && second.reused == 8)
    #expect(fixture.slurm.requests.count == 8)
    #expect(second.submission?.runs.allSatisfy { $0.reusedFrom != nil } == true)
    // Jobs Slurm no longer runs (here: all completed but nothing reached the store) are resubmitted.
    fixture.slurm.setAll("COMPLETED")
    #expect(try fixture.submit().submitted == 8)
    // A pending job whose dependency can never be satisfied is dead, not live.
    #expect(!SlurmJobState(state: "PENDING", reason: "DependencyNeverSatisfied").isLive)
  }

  /// A failing stage run cancels its dependents only; resubmitting sends only what is still stale.
  @Test func failureCancelsOnlyDependentsAndResubmissionSendsTheRest() async throws {
    let fixture = try Fixture(TestPlans.chain(seeds: [0, 1], rounds: 2))
    fixture.runner.failing = ["finetune/seed-0/round-1"]
    _ = try fixture.submit()
    let ended = try await fixture.playCluster()
    let byRun = Dictionary(uniqueKeysWithValues: fixture.slurm.requests.map { ($0.request.arguments[0], ended[$0.id]!) })
    #expect(byRun["finetune/seed-0/round-1"] == "failed")
    for name in ["evaluate/seed-0/round-1", "select/seed-0/round-2", "finetune/seed-0/round-2", "evaluate/seed-0/round-2",
                 "report"] {
      #expect(byRun[name] == "cancelled", "\(name)")
    }
    #expect(byRun.filter { $0.key.contains("seed-1") }.values.allSatisfy { $0 == "done" })
    #expect(fixture.lock.stages.count == 15 - 6)
    // The job's state file says why.
    let failedID = try #require(fixture.jobID(of: "finetune/seed-0/round-1"))
    let folder = try #require(fixture.slurm.requests.first?.request.script.deletingLastPathComponent())
    let record = try JSONDecoder().decode(
      SlurmJobRecord.self, from: Data(contentsOf: folder.appendingPathComponent("state/\(failedID).json")))
    #expect(record.status == .failed && record.detail.contains("exit code 3"))

    // What `status` shows: the failed job from its state file, its dependents from the queue (cancelled
    // because their dependency failed), and runs whose jobs finished are done, not listed as stale.
    fixture.slurm.setAll("COMPLETED")
    for name in ["evaluate/seed-0/round-1", "report"] {
      fixture.slurm.queue[fixture.jobID(of: name)!] = SlurmJobState(state: "CANCELLED", reason: "DependencyNeverSatisfied")
    }
    fixture.slurm.queue.removeValue(forKey: fixture.jobID(of: "select/seed-0/round-2")!)  // forgotten by Slurm
    let monitor = SlurmMonitor(graph: try StageGraph(fixture.runs), store: fixture.store, lockURL: fixture.lockURL,
                               client: fixture.slurm)
    let statuses = try monitor.statuses()
    #expect(statuses["finetune/seed-0/round-1"]?.state == .failed)
    #expect(statuses["finetune/seed-0/round-1"]?.detail.contains("exit code 3") == true)
    #expect(statuses["evaluate/seed-0/round-1"]?.state == .cancelled)
    #expect(statuses["report"]?.state == .cancelled)
    #expect(statuses["select/seed-0/round-2"]?.state == .submitted)
    #expect(statuses["pretrain/seed-1"]?.state == .done)
    #expect(statuses["finetune/seed-0/round-1"]?.jobID == failedID)

    fixture.runner.failing = []
    let before = fixture.slurm.requests.count
    let again = try fixture.submit()
    #expect(again.submitted == 6 && again.upToDate == 9)
    _ = try await fixture.playCluster(from: before)
    #expect(fixture.lock.stages.count == 15)
    #expect(try fixture.states().allSatisfy { if case .upToDate = $0.state { true } else { false } })
  }

  /// A job started without its input (a dependency on a vanished job id is accepted by Slurm) fails
  /// with the input's name and computes nothing; a job whose key is done exits without work.
  @Test func jobsCheckInputsAndSkipDoneKeys() async throws {
    let fixture = try Fixture(TestPlans.chain(seeds: [0], rounds: 1))
    _ = try fixture.submit()
    let finetune = try #require(fixture.slurm.requests.first { $0.request.arguments == ["finetune/seed-0/round-1"] })
    await #expect(throws: SlurmError.self) {
      _ = try await fixture.job(finetune.request).run("finetune/seed-0/round-1", forced: false, jobID: finetune.id)
    }
    do {
      _ = try await fixture.job(finetune.request).run("finetune/seed-0/round-1", forced: false, jobID: finetune.id)
    } catch let error as SlurmError {
      #expect(error.description.contains("input 'prior' from 'pretrain/seed-0' is not in the store (new)"))
    }
    #expect(fixture.runner.executedNames.isEmpty)
    _ = try await fixture.playCluster()
    fixture.runner.reset()
    let result = try await fixture.job(finetune.request).run("finetune/seed-0/round-1", forced: false, jobID: "x")
    guard case .alreadyDone = result else { Issue.record("expected alreadyDone, got \(result)"); return }
    #expect(fixture.runner.executedNames.isEmpty)
    // A changed input is caught before anything runs: pre-training's policy no longer holds the bytes its
    // run wrote, so the job's planner sees that run, and so its input, as not in the store.
    let entry = try #require(fixture.lock.stages["pretrain/seed-0"])
    let policy = fixture.store.outputURL(key: entry.key, role: "policy", roles: ["demonstrations", "policy"])
    try Data("tampered".utf8).write(to: policy)
    do {
      _ = try await fixture.job(finetune.request).run("finetune/seed-0/round-1", forced: true, jobID: "y")
      Issue.record("a tampered input was used")
    } catch {
      #expect("\(error)".contains("cannot start: its input 'prior' from 'pretrain/seed-0' is not in the store (artifact is not what its run wrote"))
    }
    #expect(fixture.runner.executedNames.isEmpty)
  }

  /// When an `sbatch` fails part-way, the jobs already made are cancelled and no submission remains.
  @Test func failedSbatchLeavesNothingBehind() throws {
    let fixture = try Fixture(TestPlans.chain(seeds: [0], rounds: 2))
    fixture.slurm.failAtSubmission = 4
    #expect(throws: SlurmError.self) { try fixture.submit() }
    #expect(fixture.slurm.cancelled == ["1000", "1001", "1002"])
    let folder = SlurmFolder(store: fixture.store).manifestFolder(lockURL: fixture.lockURL)
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: fixture.lockURL.path))
    // Without the Slurm commands nothing is submitted or written at all.
    fixture.slurm.failAtSubmission = nil
    fixture.slurm.available = false
    #expect(throws: SlurmError.commandMissing("sbatch")) { try fixture.submit() }
    #expect(fixture.slurm.requests.count == 3)
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: fixture.lockURL.path))
  }

  /// Forced runs get `--forced`; their jobs recompute although the key's outputs exist.
  @Test func forcedRunsRecompute() async throws {
    let fixture = try Fixture(TestPlans.chain(seeds: [0], rounds: 1))
    _ = try fixture.submit()
    _ = try await fixture.playCluster()
    let before = fixture.slurm.requests.count
    // The forced run and everything downstream get jobs (their keys depend on its new outputs); the
    // downstream jobs find their keys done, since the forced run reproduces the same bytes.
    let outcome = try fixture.submit(forced: ["pretrain/seed-0"])
    #expect(outcome.submitted == 5)
    #expect(fixture.slurm.requests[before].request.arguments == ["pretrain/seed-0", "--forced"])
    #expect(fixture.slurm.requests.dropFirst(before + 1).allSatisfy { !$0.request.arguments.contains("--forced") })
    fixture.runner.reset()
    _ = try await fixture.playCluster(from: before)
    #expect(fixture.runner.executedNames == ["pretrain/seed-0"])
  }

  /// The exact `sbatch` command line.
  @Test func sbatchArguments() throws {
    let settings = SlurmSettings(
      partition: "cpu", time: ["finetune": "45"], memory: [:], cpus: [:], extraArguments: ["--account=lab"])
    let request = SlurmJobRequest(
      name: "amf:finetune/seed-0/round-1", script: URL(fileURLWithPath: "/s/job.sh"),
      arguments: ["finetune/seed-0/round-1"], dependencies: ["7", "12"], options: settings.options(for: "finetune"),
      output: "/s/logs/%j.out", workingDirectory: "/w")
    #expect(request.sbatchArguments == [
      "--parsable", "--job-name=amf:finetune/seed-0/round-1", "--output=/s/logs/%j.out", "--chdir=/w", "--export=ALL",
      "--dependency=afterok:7:12", "--kill-on-invalid-dep=yes", "--partition=cpu", "--time=45", "--mem=4G",
      "--cpus-per-task=1", "--account=lab", "/s/job.sh", "finetune/seed-0/round-1",
    ])
    #expect(SlurmSettings().options(for: "pretrain") == ["--time=02:00:00", "--mem=4G", "--cpus-per-task=1"])
  }

  @Test func settingsParsing() throws {
    let kinds: Set<String> = ["pretrain", "finetune"]
    let parsed = try SlurmSettings.perKind(
      ["1:00:00", "pretrain=2-00:00:00"], option: "--slurm-time", kinds: kinds, check: SlurmSettings.isTimeLimit,
      expected: "a time")
    #expect(parsed == ["*": "1:00:00", "pretrain": "2-00:00:00"])
    for good in ["30", "30:00", "01:30:00", "1-12", "1-12:30", "1-12:30:00"] { #expect(SlurmSettings.isTimeLimit(good), "\(good)") }
    for bad in ["", "1h", "1:2:3:4", "-1", "a-1", "1-"] { #expect(!SlurmSettings.isTimeLimit(bad), "\(bad)") }
    for good in ["4G", "500M", "1024", "2t"] { #expect(SlurmSettings.isMemory(good), "\(good)") }
    for bad in ["", "G", "4GB", "-1"] { #expect(!SlurmSettings.isMemory(bad), "\(bad)") }
    #expect(throws: SlurmError.self) {
      try SlurmSettings.perKind(["pretrian=1:00"], option: "--slurm-time", kinds: kinds, check: { _ in true }, expected: "")
    }
  }

  /// `status`'s reading of a job from its state file and `squeue`.
  @Test func jobStatusClassification() {
    func state(_ record: RunStatus?, _ queued: String?, _ reason: String = "") -> SlurmMonitor.JobPhase {
      SlurmMonitor.classify(
        record: record.map { SlurmJobRecord(run: "r", status: $0, host: "h", detail: "d") },
        queued: queued.map { SlurmJobState(state: $0, reason: reason) }, jobID: "1", submission: "s", log: "l"
      ).state
    }
    #expect(state(nil, "PENDING", "Dependency") == .pending)
    #expect(state(nil, "PENDING", "DependencyNeverSatisfied") == .cancelled)
    #expect(state(.running, "RUNNING") == .running)
    #expect(state(.failed, "FAILED") == .failed)
    #expect(state(.succeeded, nil) == .done)
    #expect(state(nil, "CANCELLED") == .cancelled)
    #expect(state(nil, "TIMEOUT") == .failed)
    #expect(state(.running, nil) == .failed)
    #expect(state(nil, nil) == .submitted)
    #expect(state(nil, "SUSPENDED") == .other("suspended"))
    #expect("\(SlurmMonitor.JobPhase.other("suspended"))" == "suspended" && "\(SlurmMonitor.JobPhase.done)" == "done")
  }
}
