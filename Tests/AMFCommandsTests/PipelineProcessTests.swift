import AMFPipeline
import AMFStages
import AMFStudy
import AMFTestSupport
import Foundation
import Testing

/// `amf-pipeline run` as a process, with `amf-fake-stage` as the stage binary: crash safety,
/// concurrency and the command-line contract (PIPELINE.md §4).
@Suite(.serialized) struct PipelineProcessTests {
  /// A chain plan: per seed, pretrain → (select → finetune → evaluate) × rounds, then a report.
  static func plan(name: String, seeds: [UInt64], rounds: Int, sleepMilliseconds: Int = 0,
                   failing: String? = nil) -> Plan {
    func params(_ base: String, _ runName: String) -> String {
      var fields = [base]
      if sleepMilliseconds > 0 { fields.append(#""fake_sleep_ms":\#(sleepMilliseconds)"#) }
      if runName == failing { fields.append(#""fake_fail":true"#) }
      return "{" + fields.filter { !$0.isEmpty }.sorted().joined(separator: ",") + "}"
    }
    var runs: [StageRunSpec] = []
    var evaluations: [String: InputReference] = [:]
    for seed in seeds {
      let pretrain = "pretrain/seed-\(seed)"
      runs.append(StageRunSpec(name: pretrain, kind: "pretrain", stageVersion: 1, paramsJSON: params(#""steps":100"#, pretrain),
                               seed: seed, inputs: [:], outputRoles: ["demonstrations", "policy"]))
      var policy = InputReference(run: pretrain, role: "policy")
      for round in 1...rounds {
        let suffix = "seed-\(seed)/round-\(round)"
        runs.append(StageRunSpec(name: "finetune/\(suffix)", kind: "finetune", stageVersion: 1,
                                 paramsJSON: params(#""round":\#(round)"#, "finetune/\(suffix)"), seed: seed,
                                 inputs: ["policy": policy], outputRoles: ["demonstrations", "policy"]))
        policy = InputReference(run: "finetune/\(suffix)", role: "policy")
        runs.append(StageRunSpec(name: "evaluate/\(suffix)", kind: "evaluate", stageVersion: 1,
                                 paramsJSON: params("", "evaluate/\(suffix)"), seed: seed, inputs: ["policy": policy],
                                 outputRoles: ["evaluation"]))
        evaluations["evaluation/\(suffix)"] = InputReference(run: "evaluate/\(suffix)", role: "evaluation")
      }
    }
    runs.append(StageRunSpec(name: "report", kind: "report", stageVersion: 1, paramsJSON: "{}", seed: 0,
                             inputs: evaluations, outputRoles: ["report"]))
    return Plan(name: name, runs: runs)
  }

  struct Workspace {
    let folder: TemporaryDirectory
    var store: String { folder.file("store").path }
    var calls: String { folder.file("calls.txt").path }

    init() throws { folder = try TemporaryDirectory("amf-pipeline-e2e") }

    func write(_ plan: Plan) throws -> String {
      let url = folder.file("\(plan.name).plan.json")
      try JSONEncoder().encode(plan).write(to: url)
      return url.path
    }

    var environment: [String: String] {
      var environment = ProcessInfo.processInfo.environment
      environment["AMF_FAKE_CALLS"] = calls
      return environment
    }

    func arguments(_ command: String, _ planPath: String, _ extra: [String] = []) -> [String] {
      [command, planPath, "--store", store]
        + (command == "run" ? ["--stage-executable", Executables.productsFolder.appendingPathComponent("amf-fake-stage").path] : [])
        + extra
    }

    func run(_ planPath: String, _ extra: [String] = []) throws -> Executables.Result {
      try Executables.run("amf-pipeline", arguments("run", planPath, extra), environment: environment)
    }

    func start(_ planPath: String, _ extra: [String] = []) throws -> Process {
      let process = Process()
      process.executableURL = Executables.productsFolder.appendingPathComponent("amf-pipeline")
      process.arguments = arguments("run", planPath, extra)
      process.environment = environment
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      return process
    }

    func callCount() -> Int {
      ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// Every output hash in the lock, by run name and role.
    func lockedOutputs(_ planPath: String) throws -> [String: [String: String]] {
      let lock = try LockFile.read(LockFile.url(forManifest: URL(fileURLWithPath: planPath)), manifest: "")
      return lock.stages.mapValues(\.outputs)
    }

    /// Files that a clean store must not contain: temporaries and in-progress markers.
    func leftovers() -> [String] {
      let enumerator = FileManager.default.enumerator(atPath: store)
      var found: [String] = []
      while let path = enumerator?.nextObject() as? String {
        if path.contains(".amf-tmp.") || path.hasSuffix(".running") { found.append(path) }
      }
      return found
    }
  }

  /// The reference: an uninterrupted run's lock (output hashes of every stage run).
  static func reference(_ plan: Plan) throws -> [String: [String: String]] {
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(plan)
    let result = try workspace.run(path, ["--jobs", "2"])
    guard result.status == 0 else { throw PipelineError.unreadable(path: path, reason: result.standardError) }
    return try workspace.lockedOutputs(path)
  }

  @Test func runThenRerunDoesNothing() throws {
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(Self.plan(name: "tiny", seeds: [0, 1], rounds: 2))
    let first = try workspace.run(path, ["--jobs", "2"])
    #expect(first.status == 0, "\(first.standardError)")
    #expect(first.standardOutput.contains("ran 11, reused 0"))
    #expect(workspace.callCount() == 11)
    let second = try workspace.run(path)
    #expect(second.status == 0)
    #expect(second.standardOutput.contains("up to date: 11 stage runs, nothing to run"))
    #expect(workspace.callCount() == 11)
    let status = try Executables.run("amf-pipeline", workspace.arguments("status", path, ["--exit-code"]))
    #expect(status.status == 0)
    #expect(status.standardOutput.contains("11 up to date, 0 stale"))
    #expect(workspace.leftovers().isEmpty)
  }

  /// Runs made stale by a change are priced before they run by the records of the previous lock's runs: by
  /// `status` (`estimate: …`) and in `run`'s first progress line, before any of its own runs has finished.
  @Test func staleRunsArePricedByThePreviousRuns() throws {
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(Self.plan(name: "priced", seeds: [0, 1], rounds: 2, sleepMilliseconds: 200))
    #expect(try workspace.run(path).status == 0)
    let fresh = try Executables.run("amf-pipeline", workspace.arguments("status", path))
    #expect(!fresh.standardOutput.contains("estimate:"))  // nothing stale
    // The same runs with other parameters: every key changes, the previous lock's records remain.
    _ = try workspace.write(Self.plan(name: "priced", seeds: [0, 1], rounds: 2, sleepMilliseconds: 210))
    let status = try Executables.run("amf-pipeline", workspace.arguments("status", path))
    #expect(status.status == 0)
    #expect(status.standardOutput.contains("0 up to date, 11 stale"), "\(status.standardOutput)")
    // 10 runs of ≥ 0.2 s each (and the report) by their records: at least 2 s of work.
    let line = try #require(status.standardOutput.split(separator: "\n").first { $0.hasPrefix("estimate: about ") })
    let seconds = Int(line.dropFirst("estimate: about ".count).prefix { $0.isNumber }) ?? 0
    #expect(line.contains(" s of stage work") && seconds >= 2 && seconds < 60, "\(line)")
    #expect(line.contains("with --jobs 2 (the durations of the previous runs' records)"), "\(line)")
    let dryRun = try workspace.run(path, ["--dry-run", "--jobs", "3"])
    #expect(dryRun.standardOutput.contains(" with --jobs 3 (the durations of the previous runs' records)"),
            "\(dryRun.standardOutput)")
    let rerun = try workspace.run(path)
    #expect(rerun.status == 0, "\(rerun.standardError)")
    let first = try #require(rerun.standardError.split(separator: "\n").first { $0.contains("/11] ") })
    #expect(first.contains(" · about ") && first.hasSuffix(" left"), "\(first)")
  }

  /// A stage that outlives the orchestrator's idle pool threads (about 5 s here) is not killed: the stage's
  /// parent watch polls the orchestrator's pid instead of `PR_SET_PDEATHSIG`, which fires when the spawning
  /// *thread* exits and killed every long pre-training of a real study.
  @Test func longStageOutlivesTheSpawningThread() throws {
    let plan = Plan(name: "long", runs: [
      StageRunSpec(name: "pretrain/seed-0", kind: "pretrain", stageVersion: 1,
                   paramsJSON: #"{"fake_sleep_ms":9000,"steps":1}"#, seed: 0, inputs: [:],
                   outputRoles: ["demonstrations", "policy"]),
    ])
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let result = try workspace.run(try workspace.write(plan))
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("ran 1, reused 0"))
  }

  /// `kill -9` of the orchestrator at several moments, then a rerun: same final hashes as a run that
  /// was never interrupted, and nothing partial reused.
  @Test(arguments: [0.15, 0.6, 1.2])
  func killedOrchestratorRecovers(afterSeconds: Double) throws {
    let plan = Self.plan(name: "killed", seeds: [0], rounds: 3, sleepMilliseconds: 150)
    let expected = try Self.reference(plan)
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(plan)
    let orchestrator = try workspace.start(path, ["--jobs", "2"])
    Thread.sleep(forTimeInterval: afterSeconds)
    kill(orchestrator.processIdentifier, SIGKILL)
    orchestrator.waitUntilExit()
    Thread.sleep(forTimeInterval: 0.2)  // the orphaned stage's watchdog kills it (ParentWatch, 50 ms polls)
    let rerun = try workspace.run(path)
    #expect(rerun.status == 0, "\(rerun.standardError)")
    #expect(try workspace.lockedOutputs(path) == expected)
    #expect(workspace.leftovers().isEmpty)
  }

  /// `kill -9` of a stage child: the run fails naming it; the rerun completes with the same hashes.
  @Test func killedStageRecovers() throws {
    let plan = Self.plan(name: "child", seeds: [0], rounds: 2, sleepMilliseconds: 400)
    let expected = try Self.reference(plan)
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(plan)
    let orchestrator = try workspace.start(path)
    var killed = false
    for _ in 0..<200 where !killed {
      Thread.sleep(forTimeInterval: 0.05)
      let children = Self.children(of: orchestrator.processIdentifier)
      if let child = children.first {
        kill(child, SIGKILL)
        killed = true
      }
    }
    orchestrator.waitUntilExit()
    #expect(killed)
    #expect(orchestrator.terminationStatus == 1)
    let rerun = try workspace.run(path)
    #expect(rerun.status == 0, "\(rerun.standardError)")
    #expect(try workspace.lockedOutputs(path) == expected)
  }

  /// SIGINT stops the children, leaves no temporaries or markers, exits 130; the rerun completes.
  @Test func interruptLeavesAConsistentStore() throws {
    let plan = Self.plan(name: "interrupted", seeds: [0, 1], rounds: 2, sleepMilliseconds: 300)
    let expected = try Self.reference(plan)
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(plan)
    let orchestrator = try workspace.start(path, ["--jobs", "2"])
    Thread.sleep(forTimeInterval: 0.8)
    kill(orchestrator.processIdentifier, SIGINT)
    orchestrator.waitUntilExit()
    #expect(orchestrator.terminationStatus == 130)
    #expect(workspace.leftovers().isEmpty)
    let partial = try workspace.lockedOutputs(path)
    #expect(!partial.isEmpty && partial.count < expected.count)
    for (name, outputs) in partial { #expect(expected[name] == outputs) }
    let rerun = try workspace.run(path)
    #expect(rerun.status == 0)
    #expect(try workspace.lockedOutputs(path) == expected)
  }

  /// Two orchestrators on overlapping plans at once: shared keys are computed once, both finish.
  @Test func concurrentRunsShareWork() throws {
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let small = try workspace.write(Self.plan(name: "small", seeds: [0], rounds: 2, sleepMilliseconds: 200))
    let large = try workspace.write(Self.plan(name: "large", seeds: [0, 1], rounds: 2, sleepMilliseconds: 200))
    let first = try workspace.start(small)
    let second = try workspace.start(large)
    first.waitUntilExit()
    second.waitUntilExit()
    #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
    // small: 6 runs; large: 11 runs, of which the 5 seed-0 runs are shared (the reports differ).
    #expect(workspace.callCount() == 6 + 11 - 5)
    let smallLock = try workspace.lockedOutputs(small)
    let largeLock = try workspace.lockedOutputs(large)
    for name in smallLock.keys where name != "report" { #expect(smallLock[name] == largeLock[name]) }
  }

  @Test func failureNamesTheRunAndItsLog() throws {
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let path = try workspace.write(Self.plan(name: "failing", seeds: [0, 1], rounds: 1, failing: "finetune/seed-0/round-1"))
    let stopped = try workspace.run(path, ["--jobs", "1", "--keep-going"])
    #expect(stopped.status == 1)
    #expect(stopped.standardOutput.contains("FAILED finetune/seed-0/round-1 (exit 3): log "))
    #expect(stopped.standardOutput.contains("skipped evaluate/seed-0/round-1: upstream finetune/seed-0/round-1 did not succeed"))
    #expect(try workspace.lockedOutputs(path)["evaluate/seed-1/round-1"] != nil)
  }

  @Test func badInputsGiveClearErrors() throws {
    let workspace = try Workspace()
    defer { workspace.folder.remove() }
    let missing = try Executables.run("amf-pipeline", ["status", "no/such/manifest.yaml"])
    #expect(missing.status == 65)
    #expect(missing.standardError.contains("no/such/manifest.yaml"))
    var cyclic = Self.plan(name: "cyclic", seeds: [0], rounds: 1)
    cyclic.runs[0].inputs = ["policy": InputReference(run: "finetune/seed-0/round-1", role: "policy")]
    let cyclicPath = try workspace.write(cyclic)
    let cycle = try Executables.run("amf-pipeline", workspace.arguments("status", cyclicPath))
    #expect(cycle.status == 65)
    #expect(cycle.standardError.contains("cycle"))
    let force = try workspace.run(try workspace.write(Self.plan(name: "ok", seeds: [0], rounds: 1)), ["--force", "nosuch"])
    #expect(force.status == 65)
    #expect(force.standardError.contains("--force nosuch"))
  }

  /// Child processes of `pid`, from every thread's `/proc/<pid>/task/<tid>/children`.
  static func children(of pid: Int32) -> [Int32] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    return tasks.flatMap { task in
      let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
      return text.split(separator: " ").compactMap { Int32($0) }
    }
  }
}
