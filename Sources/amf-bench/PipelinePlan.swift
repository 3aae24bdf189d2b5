import AMFPipeline
import AMFStudy
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
      text = try PeerPipelines.dvc(BenchmarkPlans.study(study), bytes: floats * 4)
    case .snakemake:
      text = PeerPipelines.snakefile(study, bytes: floats * 4)
    }
    if let output {
      try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output))
    } else {
      print(text)
    }
  }

  private var study: BenchmarkPlans.Study {
    BenchmarkPlans.Study(arms: BenchmarkPlans.armNames(arms), seeds: seeds, rounds: rounds, floats: floats)
  }

  private func plannedRuns() -> [StageRunSpec] {
    switch shape {
    case .study: BenchmarkPlans.study(study)
    case .independent: BenchmarkPlans.trivial(runs: runs, chained: false, floats: floats)
    case .chain: BenchmarkPlans.trivial(runs: runs, chained: true, floats: floats)
    }
  }
}
