import AMFCore
import AMFPipeline
import AMFStudy
import ArgumentParser
import Foundation

/// `amf-bench pipeline-engine`: the engine's own cost per stage run, in process: plan, key, per-key lock,
/// marker, run record, output verification and lock file, with a runner that only writes a tiny file.
struct PipelineEngineBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pipeline-engine",
    abstract: "Scheduling overhead per stage run from scratch, and a no-op plan, in process (no child processes).")

  @Option(help: "Stage runs.") var runs = 200
  @Flag(help: "Chain the runs (each reads the previous one) instead of independent runs.") var chain = false
  @Option(help: "Stage runs in parallel.") var jobs = 1
  @Option(help: "Repetitions (each in a fresh store); best and median are reported.") var repeats = 5
  @Option(help: "Folder for the temporary stores.") var folder = NSTemporaryDirectory()

  func run() async throws {
    let graph = try StageGraph(BenchmarkPlans.trivial(runs: runs, chained: chain, floats: 0))
    var scratch: [Double] = []
    var noOp: [Double] = []
    for repetition in 0..<max(1, repeats) {
      let root = URL(fileURLWithPath: folder).appendingPathComponent("amf-bench-engine-\(getpid())-\(repetition)")
      defer { try? FileManager.default.removeItem(at: root) }
      let store = Store(root: root.appendingPathComponent("store"))
      let lockURL = root.appendingPathComponent("bench.lock.json")
      try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
      let context = RunContext(executable: "in-process", executableSHA256: "-", projectVersion: "-", host: "bench")
      let executor = Executor(graph: graph, store: store, hasher: FileBytesHasher(), runner: TinyFileRunner(),
                              context: context)
      let start = ContinuousClock.now
      let states = try Planner(graph: graph, store: store, lock: LockFile(manifest: "bench"), hasher: FileBytesHasher())
        .states()
      let summary = try await executor.run(states: states, previousLock: LockFile(manifest: "bench"),
                                           lockURL: lockURL, jobs: jobs, keepGoing: false)
      scratch.append((ContinuousClock.now - start).seconds)
      guard summary.failures.isEmpty else { throw ValidationError("a trivial run failed: \(summary.failures)") }
      let again = ContinuousClock.now
      let lock = try LockFile.read(lockURL, manifest: "bench")
      let after = try Planner(graph: graph, store: store, lock: lock, hasher: FileBytesHasher()).states()
      noOp.append((ContinuousClock.now - again).seconds)
      guard after.allSatisfy({ if case .upToDate = $0.state { true } else { false } }) else {
        throw ValidationError("the plan is not up to date after running it")
      }
    }
    func row(_ label: String, _ values: [Double]) -> String {
      let sorted = values.sorted()
      let best = sorted[0]
      let median = sorted[sorted.count / 2]
      return String(format: "| %@ | %.1f | %.1f | %.3f |", label, best * 1e3, median * 1e3, best * 1e3 / Double(runs))
    }
    print("| in-process engine, \(runs) \(chain ? "chained" : "independent") runs, --jobs \(jobs) "
          + "| best (ms) | median (ms) | best per run (ms) |")
    print("|---|---:|---:|---:|")
    print(row("from scratch (plan + run + lock)", scratch))
    print(row("no-op (read lock + plan)", noOp))
  }
}

/// A runner that writes `kind|params|seed|inputs|role` to each output: what the key covers, nothing else.
final class TinyFileRunner: StageRunner, @unchecked Sendable {
  func run(_ invocation: StageInvocation) async throws -> Int32 {
    for (role, url) in invocation.outputs {
      let inputs = invocation.inputs.keys.sorted().joined(separator: ",")
      let text = "\(invocation.run.kind)|\(invocation.run.paramsJSON)|\(invocation.run.seed)|\(inputs)|\(role)"
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try PlainFile.write(Data(text.utf8), to: url)
    }
    return 0
  }

  func terminateAll() {}
}
