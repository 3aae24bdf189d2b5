import AMFPipeline
import Foundation

/// Small plans and an in-process runner for the engine's tests.
enum TestPlans {
  /// A chain per seed: pretrain → (select → finetune → evaluate) × rounds, plus one report.
  ///
  ///     pretrain ─policy─▶ select/r1 ─selection─▶ finetune/r1 ─policy─▶ evaluate/r1
  ///        └──────prior──────────────────────────▲     └─policy─▶ select/r2 …
  static func chain(seeds: [UInt64] = [0], rounds: Int = 2, prefix: String = "",
                    finetuneSteps: (UInt64, Int) -> Int = { _, _ in 50 }, selectStrategy: String = "amf")
    -> [StageRunSpec]
  {
    var runs: [StageRunSpec] = []
    var evaluations: [String: InputReference] = [:]
    for seed in seeds {
      let pretrain = "pretrain/seed-\(seed)"
      runs.append(StageRunSpec(name: pretrain, kind: "pretrain", stageVersion: 1, paramsJSON: #"{"steps":100}"#,
                               seed: seed, inputs: [:], outputRoles: ["demonstrations", "policy"]))
      var policy = InputReference(run: pretrain, role: "policy")
      for round in 1...max(1, rounds) {
        let suffix = "seed-\(seed)/round-\(round)"
        runs.append(StageRunSpec(
          name: "\(prefix)select/\(suffix)", kind: "select", stageVersion: 1,
          paramsJSON: #"{"round":\#(round),"strategy":"\#(selectStrategy)"}"#, seed: seed,
          inputs: ["policy": policy], outputRoles: ["selection"]))
        runs.append(StageRunSpec(
          name: "\(prefix)finetune/\(suffix)", kind: "finetune", stageVersion: 1,
          paramsJSON: #"{"round":\#(round),"steps":\#(finetuneSteps(seed, round))}"#, seed: seed,
          inputs: ["prior": InputReference(run: pretrain, role: "policy"),
                   "selection": InputReference(run: "\(prefix)select/\(suffix)", role: "selection")],
          outputRoles: ["policy"]))
        policy = InputReference(run: "\(prefix)finetune/\(suffix)", role: "policy")
        runs.append(StageRunSpec(
          name: "\(prefix)evaluate/\(suffix)", kind: "evaluate", stageVersion: 1, paramsJSON: #"{"episodes":4}"#,
          seed: seed, inputs: ["policy": policy], outputRoles: ["evaluation"]))
        evaluations["evaluation/\(suffix)"] = InputReference(run: "\(prefix)evaluate/\(suffix)", role: "evaluation")
      }
    }
    runs.append(StageRunSpec(name: "\(prefix)report", kind: "report", stageVersion: 1, paramsJSON: "{}", seed: 0,
                             inputs: evaluations, outputRoles: ["report"]))
    return runs
  }
}

/// Runs stages in-process: each output file holds "kind|params|seed|inputs|role", so outputs are a
/// deterministic function of what the key covers. Records every execution.
final class InProcessRunner: StageRunner, @unchecked Sendable {
  private let lock = NSLock()
  private(set) var executed: [String] = []
  /// Names of runs that fail (exit 3).
  var failing: Set<String> = []

  func run(_ invocation: StageInvocation) async throws -> Int32 {
    lock.withLock { executed.append(invocation.run.name) }
    if failing.contains(invocation.run.name) { return 3 }
    let inputs = try invocation.inputs.keys.sorted().map { role in
      "\(role)=\(try FileBytesHasher().contentHash(of: invocation.inputs[role] ?? URL(fileURLWithPath: "/")))"
    }.joined(separator: ",")
    for (role, url) in invocation.outputs {
      let text = "\(invocation.run.kind)|\(invocation.run.paramsJSON)|\(invocation.run.seed)|\(inputs)|\(role)"
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return 0
  }

  func terminateAll() {}

  var executedNames: [String] { lock.withLock { executed } }
  func reset() { lock.withLock { executed = [] } }
}
