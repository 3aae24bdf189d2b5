import AMFPipeline
import ArgumentParser
import Foundation

/// `amf-bench pipeline-plan`: writes the plans behind the pipeline benchmarks (BENCHMARKS.md, "Pipeline
/// overhead"): a study-shaped plan, or N trivial runs; and the same study as a DVC or Snakemake pipeline.
struct PipelinePlan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pipeline-plan",
    abstract: "Write a benchmark plan (.plan.json), or the equivalent dvc.yaml or Snakefile.",
    discussion: """
      study: per arm and seed, a pretrain shared by all arms (one key, one name per arm), then per round \
      embed → select → finetune → evaluate; one report per arm and one for the study. \
      independent / chain: N trivial evaluate runs without inputs, or each reading the previous one.
      """)

  enum Shape: String, ExpressibleByArgument, CaseIterable { case study, independent, chain }
  enum Format: String, ExpressibleByArgument, CaseIterable { case amf, dvc, snakemake }

  @Option(help: "study, independent or chain.") var shape: Shape = .study
  @Option(help: "amf (.plan.json), dvc (dvc.yaml, written as JSON) or snakemake (Snakefile); study only.")
  var format: Format = .amf
  @Option(help: "Arms of the study (at most 5 names are built in; more are numbered).") var arms = 5
  @Option(help: "Seeds per arm.") var seeds = 10
  @Option(help: "Rounds per seed.") var rounds = 10
  @Option(help: "Stage runs of a trivial plan (independent or chain).") var runs = 200
  @Option(help: "float32 values per output: the amf-fake-stage knob fake_floats (0: tiny artifacts).")
  var floats = 0
  @Option(help: "The plan's name.") var name = "bench"
  @Option(help: "Where to write (default: stdout).") var output: String?

  func validate() throws {
    guard arms >= 1, seeds >= 1, rounds >= 1, runs >= 1, floats >= 0 else {
      throw ValidationError("--arms, --seeds, --rounds and --runs must be at least 1, --floats at least 0")
    }
    guard format == .amf || shape == .study else { throw ValidationError("--format dvc|snakemake needs --shape study") }
  }

  func run() throws {
    let text: String
    switch format {
    case .amf:
      let plan = PlanFile(name: name, runs: plannedRuns())
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      text = String(decoding: try encoder.encode(plan), as: UTF8.self)
    case .dvc:
      text = try PeerPipelines.dvc(BenchPlans.study(study), bytes: floats * 4)
    case .snakemake:
      text = PeerPipelines.snakefile(study, bytes: floats * 4)
    }
    if let output {
      try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output))
    } else {
      print(text)
    }
  }

  private var study: BenchPlans.Study {
    BenchPlans.Study(arms: BenchPlans.armNames(arms), seeds: seeds, rounds: rounds, floats: floats)
  }

  private func plannedRuns() -> [StageRunSpec] {
    switch shape {
    case .study: BenchPlans.study(study)
    case .independent: BenchPlans.trivial(runs: runs, chained: false, floats: floats)
    case .chain: BenchPlans.trivial(runs: runs, chained: true, floats: floats)
    }
  }
}

/// The benchmark plans, as stage runs.
enum BenchPlans {
  /// The shape of a study.
  struct Study {
    var arms: [String]
    var seeds: Int
    var rounds: Int
    var floats: Int
  }

  /// The arms of the study in PIPELINE.md §2, each with its selection parameters (JSON members).
  static let builtInArms: [(name: String, select: String)] = [
    ("amf", #""importance_weights":true,"strategy":"amf""#),
    ("uniform", #""importance_weights":false,"strategy":"uniform""#),
    ("uncertainty", #""importance_weights":false,"strategy":"uncertainty""#),
    ("no-is", #""importance_weights":false,"strategy":"amf""#),
    ("rebalancing", #""importance_weights":true,"rebalance":true,"strategy":"amf""#),
  ]

  static func armNames(_ count: Int) -> [String] {
    (0..<count).map { $0 < builtInArms.count ? builtInArms[$0].name : "arm-\($0)" }
  }

  static func selectMembers(arm: String) -> String {
    builtInArms.first { $0.name == arm }?.select ?? #""strategy":"\#(arm)""#
  }

  /// Canonical JSON of an object from already-encoded members (`"key":value`), plus the fake-stage knob.
  static func params(_ members: [String], floats: Int) -> String {
    var all = members.flatMap { $0.isEmpty ? [] : [$0] }
    if floats > 0 { all.append(#""fake_floats":\#(floats)"#) }
    return "{" + all.sorted().joined(separator: ",") + "}"
  }

  /// The study: ≈ arms × seeds × (1 + 4 × rounds) + arms + 1 stage runs (2 056 for 5 × 10 × 10).
  ///
  /// Per seed, the pretrain run of every arm has one name per arm (`<arm>/pretrain/seed-<s>`) and one key
  /// (same kind, parameters and seed), so it runs once. Round r: embed reads π_{r-1} and D_{r-1} (round 1:
  /// the pretrain's), select reads the embeddings, finetune reads the prior π₀, D_{r-1} and the selection,
  /// evaluate reads π_r. Each arm's report reads its evaluations; the study report reads all of them.
  static func study(_ study: Study) -> [StageRunSpec] {
    var runs: [StageRunSpec] = []
    var all: [InputReference] = []
    for arm in study.arms {
      var armEvaluations: [InputReference] = []
      for seed in 0..<study.seeds {
        let s = UInt64(seed)
        let pretrain = "\(arm)/pretrain/seed-\(seed)"
        runs.append(StageRunSpec(
          name: pretrain, kind: "pretrain", stageVersion: 1,
          paramsJSON: params([#""demos_per_task":10"#, #""steps":5000"#], floats: study.floats), seed: s,
          inputs: [:], outputRoles: ["demonstrations", "policy"]))
        let prior = InputReference(run: pretrain, role: "policy")
        var policy = prior
        var demonstrations = InputReference(run: pretrain, role: "demonstrations")
        for round in 1...study.rounds {
          let prefix = "\(arm)/seed-\(seed)/round-\(round)"
          runs.append(StageRunSpec(
            name: "\(prefix)/embed", kind: "embed", stageVersion: 1,
            paramsJSON: params([#""kind":"loss_gradient""#, #""rollouts_per_task":1"#, #""stride":5"#],
                               floats: study.floats),
            seed: s, inputs: ["policy": policy, "demonstrations": demonstrations], outputRoles: ["embeddings"]))
          runs.append(StageRunSpec(
            name: "\(prefix)/select", kind: "select", stageVersion: 1,
            paramsJSON: params([#""batch":2"#, #""round":\#(round)"#, selectMembers(arm: arm)], floats: study.floats),
            seed: s, inputs: ["embeddings": InputReference(run: "\(prefix)/embed", role: "embeddings")],
            outputRoles: ["selection"]))
          runs.append(StageRunSpec(
            name: "\(prefix)/finetune", kind: "finetune", stageVersion: 1,
            paramsJSON: params([#""mitigation":"adaptive_prior""#, #""steps":1000"#], floats: study.floats),
            seed: s,
            inputs: ["prior": prior, "demonstrations": demonstrations,
                     "selection": InputReference(run: "\(prefix)/select", role: "selection")],
            outputRoles: ["demonstrations", "policy"]))
          policy = InputReference(run: "\(prefix)/finetune", role: "policy")
          demonstrations = InputReference(run: "\(prefix)/finetune", role: "demonstrations")
          runs.append(StageRunSpec(
            name: "\(prefix)/evaluate", kind: "evaluate", stageVersion: 1,
            paramsJSON: params([#""episodes":20"#], floats: study.floats), seed: s, inputs: ["policy": policy],
            outputRoles: ["evaluation"]))
          armEvaluations.append(InputReference(run: "\(prefix)/evaluate", role: "evaluation"))
        }
      }
      runs.append(report(name: "\(arm)/report", evaluations: armEvaluations, floats: study.floats))
      all += armEvaluations
    }
    runs.append(report(name: "study/report", evaluations: all, floats: study.floats))
    return runs
  }

  static func report(name: String, evaluations: [InputReference], floats: Int) -> StageRunSpec {
    var inputs: [String: InputReference] = [:]
    for (index, reference) in evaluations.enumerated() { inputs["evaluation.\(index)"] = reference }
    return StageRunSpec(name: name, kind: "report", stageVersion: 1, paramsJSON: params([], floats: floats), seed: 0,
                        inputs: inputs, outputRoles: ["report"])
  }

  /// `runs` trivial evaluate runs: independent, or each reading the previous one's output.
  static func trivial(runs count: Int, chained: Bool, floats: Int) -> [StageRunSpec] {
    (0..<count).map { index in
      let inputs = chained && index > 0
        ? ["policy": InputReference(run: String(format: "trivial/%05d", index - 1), role: "evaluation")] : [:]
      return StageRunSpec(
        name: String(format: "trivial/%05d", index), kind: "evaluate", stageVersion: 1,
        paramsJSON: params([#""index":\#(index)"#], floats: floats), seed: 0, inputs: inputs,
        outputRoles: ["evaluation"])
    }
  }
}

/// The study as the peers would write it: DVC stages and Snakemake rules over plain files of the same size.
///
/// Neither peer lets two stages write one file, so the pretrain that the arms share is one stage per seed
/// (`out/pretrain/seed-<s>/…`), which is how their users write it; every other run keeps its own stage.
enum PeerPipelines {
  /// The output file of `role` of run `name`, with the shared pretrain folded into one folder per seed.
  static func path(run name: String, role: String) -> String {
    "out/\(peerName(name))/\(role).bin"
  }

  static func peerName(_ name: String) -> String {
    let parts = name.split(separator: "/")
    if parts.count == 3, parts[1] == "pretrain" { return "pretrain/\(parts[2])" }
    return name
  }

  /// `dvc.yaml` (as JSON, a subset of YAML): one stage per distinct peer name, deps and outs as files; the
  /// command writes `bytes` random bytes per output (it only runs under `dvc repro`).
  static func dvc(_ runs: [StageRunSpec], bytes: Int) throws -> String {
    struct Stage: Encodable {
      var cmd: String
      var deps: [String]?
      var outs: [String]
    }
    var stages: [String: Stage] = [:]
    for run in runs {
      let name = peerName(run.name).replacingOccurrences(of: "/", with: "_")
      if stages[name] != nil { continue }
      let outs = run.outputRoles.map { path(run: run.name, role: $0) }
      let deps = run.inputs.keys.sorted().compactMap { role in
        run.inputs[role].map { path(run: $0.run, role: $0.role) }
      }
      let writes = outs.map { "head -c \(bytes) /dev/urandom > \($0)" }.joined(separator: " && ")
      let folders = Set(outs.map { ($0 as NSString).deletingLastPathComponent }).sorted()
      let cmd = "mkdir -p \(folders.joined(separator: " ")) && \(writes) # \(run.kind) seed=\(run.seed) "
        + run.paramsJSON
      stages[name] = Stage(cmd: cmd, deps: deps.isEmpty ? nil : deps, outs: outs)
    }
    struct File: Encodable { var stages: [String: Stage] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(File(stages: stages)), as: UTF8.self)
  }

  /// A Snakefile with one rule per stage kind and wildcards for arm, seed and round.
  static func snakefile(_ study: BenchPlans.Study, bytes: Int) -> String {
    let arms = study.arms.map { "\"\($0)\"" }.joined(separator: ", ")
    return #"""
      # Generated by `amf-bench pipeline-plan --format snakemake`: the benchmark study as Snakemake rules.
      import re
      ARMS = [\#(arms)]
      SEEDS = range(\#(study.seeds))
      ROUNDS = range(1, \#(study.rounds + 1))
      BYTES = \#(bytes)
      WRITE = "for f in {output}; do head -c {params.bytes} /dev/urandom > $f; done"

      wildcard_constraints:
          arm="|".join(re.escape(a) for a in ARMS),
          s=r"\d+",
          r=r"\d+"

      def previous(role):
          def inner(w):
              r = int(w.r)
              if r == 1:
                  return f"out/pretrain/seed-{w.s}/{role}.bin"
              return f"out/{w.arm}/seed-{w.s}/round-{r - 1}/finetune/{role}.bin"
          return inner

      rule all:
          input: "out/study/report/report.bin", expand("out/{arm}/report/report.bin", arm=ARMS)

      rule study_report:
          input: expand("out/{arm}/seed-{s}/round-{r}/evaluate/evaluation.bin", arm=ARMS, s=SEEDS, r=ROUNDS)
          output: "out/study/report/report.bin"
          params: bytes=BYTES
          shell: WRITE

      rule arm_report:
          input: lambda w: expand("out/{arm}/seed-{s}/round-{r}/evaluate/evaluation.bin", arm=w.arm, s=SEEDS, r=ROUNDS)
          output: "out/{arm}/report/report.bin"
          params: bytes=BYTES
          shell: WRITE

      rule pretrain:
          output: "out/pretrain/seed-{s}/demonstrations.bin", "out/pretrain/seed-{s}/policy.bin"
          params: bytes=BYTES, demos_per_task=10, steps=5000
          shell: WRITE

      rule embed:
          input: demonstrations=previous("demonstrations"), policy=previous("policy")
          output: "out/{arm}/seed-{s}/round-{r}/embed/embeddings.bin"
          params: bytes=BYTES, kind="loss_gradient", rollouts_per_task=1, stride=5
          shell: WRITE

      rule select:
          input: "out/{arm}/seed-{s}/round-{r}/embed/embeddings.bin"
          output: "out/{arm}/seed-{s}/round-{r}/select/selection.bin"
          params: bytes=BYTES, batch=2, strategy=lambda w: w.arm
          shell: WRITE

      rule finetune:
          input:
              demonstrations=previous("demonstrations"),
              prior="out/pretrain/seed-{s}/policy.bin",
              selection="out/{arm}/seed-{s}/round-{r}/select/selection.bin"
          output:
              "out/{arm}/seed-{s}/round-{r}/finetune/demonstrations.bin",
              "out/{arm}/seed-{s}/round-{r}/finetune/policy.bin"
          params: bytes=BYTES, mitigation="adaptive_prior", steps=1000
          shell: WRITE

      rule evaluate:
          input: "out/{arm}/seed-{s}/round-{r}/finetune/policy.bin"
          output: "out/{arm}/seed-{s}/round-{r}/evaluate/evaluation.bin"
          params: bytes=BYTES, episodes=20
          shell: WRITE
      """#
  }
}
