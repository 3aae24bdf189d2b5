import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPolicy
import Testing

@testable import AMFStages

/// π₀, selections and stage inputs for the finetune and evaluate tests, all in memory.
enum FinetuneFixtures {
  /// The GP π₀ of integrator2d with 1 demonstration per covered task (AMF.md §4), as artifact content.
  static func gpPrior(scenario: TaskScenario = TaskScenario.mismatch, seed: UInt64 = 0) throws -> Artifact {
    var params = PretrainParams(env: EnvironmentSettings(name: .integrator2d), scenario: scenario)
    params.pretrain.policy = .gp
    params.pretrain.demosPerTask = 1
    return try prior(params, seed: seed)
  }

  /// π₀ of `params`, as the artifact the pretrain stage writes (provenance included).
  static func prior(_ params: PretrainParams, seed: UInt64) throws -> Artifact {
    let outputs = try PretrainStage.run(StageInputs(), params: params, context: StageContext(seed: Seed(seed)))
    let content = try #require(outputs.first { $0.role == "policy" }).content
    let provenance = Provenance(
      stage: "pretrain", stageVersion: 1, paramsJSON: try CanonicalJSON.string(params), seed: seed)
    return Artifact(kind: .policy, provenance: provenance, content: content)
  }

  /// A selection artifact of round `round` picking `selected` among `taskCount` tasks (scores 0).
  static func selection(_ selected: [Int], round: Int = 1, taskCount: Int = 12) throws -> Artifact {
    let record = try SelectionRecord(
      strategy: "uniform", importanceWeights: false, round: round, taskCount: taskCount,
      candidates: Array(0..<taskCount), selected: selected,
      scores: selected.map { _ in [Double](repeating: 0, count: taskCount) })
    return Artifact(
      kind: .selection, provenance: Provenance(stage: "select", stageVersion: 1), content: try record.contentGroup())
  }

  /// A demonstrations artifact of `set`.
  static func artifact(_ set: DemonstrationSet) throws -> Artifact {
    try set.artifact(provenance: Provenance(stage: "finetune", stageVersion: 1))
  }

  /// Stage inputs of in-memory artifacts (hashes computed, paths named after the role).
  static func inputs(_ artifacts: [String: Artifact]) throws -> StageInputs {
    var inputs = StageInputs()
    for (role, artifact) in artifacts {
      inputs.artifacts[role] = artifact
      inputs.hashes[role] = try artifact.contentHash()
      inputs.paths[role] = "\(role).h5"
    }
    return inputs
  }

  /// Runs the finetune stage and returns D_{r+1} and the policy.
  static func finetune(_ artifacts: [String: Artifact], params: FinetuneParams, seed: UInt64 = 0) throws
    -> (demonstrations: DemonstrationSet, policy: PolicyCheckpoint, artifacts: [String: Artifact])
  {
    let outputs = try FinetuneStage.run(try inputs(artifacts), params: params, context: StageContext(seed: Seed(seed)))
    let demos = try #require(outputs.first { $0.role == "demonstrations" })
    let policy = try #require(outputs.first { $0.role == "policy" })
    let provenance = Provenance(stage: "finetune", stageVersion: 1, paramsJSON: try CanonicalJSON.string(params))
    return (
      try DemonstrationSet(Artifact(kind: .demonstrations, provenance: provenance, content: demos.content)),
      try PolicyCheckpoint(artifactContent: policy.content, file: "policy.h5"),
      [
        "demonstrations": Artifact(kind: .demonstrations, provenance: provenance, content: demos.content),
        "policy": Artifact(kind: .policy, provenance: provenance, content: policy.content),
      ]
    )
  }

  /// Per-task success of `policy` under `setup` (20 episodes, seed 0 streams `evaluate/…`).
  static func success(_ policy: any GaussianPolicy, _ setup: PretrainSetup, episodes: Int = 20) throws -> [Double] {
    try EvaluateStage.evaluate(
      policy, setup: setup, episodesPerTask: episodes, round: 0,
      demosPerTask: [Int](repeating: 0, count: setup.environment.taskCount), seed: Seed(0)
    ).success
  }

  /// Integrator2d setup of `scenario`.
  static func integrator(_ scenario: TaskScenario = TaskScenario.mismatch) throws -> PretrainSetup {
    try PretrainSetup(env: EnvironmentSettings(name: .integrator2d), scenario: scenario, demosPerTask: 1)
  }
}
