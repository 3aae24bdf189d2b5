import AMFArtifacts
import AMFCore
import Foundation

@testable import AMFReport
@testable import AMFStages

/// Hand-made evaluations for report tests.
enum ReportFixtures {
  /// One round of one seed: per-task success fractions (of 2 episodes: 0, 0.5 or 1) and collected demos.
  struct Round {
    var success: [Double]
    var demos: [Int]
  }

  /// An evaluation with uniform targets, 2 episodes per task; episode returns are −1 (fail) and 0 (solve).
  static func record(_ round: Round, index: Int, environment: String = "integrator2d") throws -> EvaluationRecord {
    let tasks = round.success.count
    let episodes = round.success.map { s in [s >= 0.5, s >= 1] }
    return try EvaluationRecord(
      environmentName: environment, round: index, targetWeights: Array(repeating: 1 / Double(tasks), count: tasks),
      episodeSuccess: episodes, episodeReturns: episodes.map { $0.map { $0 ? 0 : -1 } }, demosPerTask: round.demos)
  }

  static func artifact(_ record: EvaluationRecord) throws -> Artifact {
    Artifact(
      kind: .evaluation, provenance: Provenance(stage: "evaluate", stageVersion: 1, projectVersion: "test"),
      content: try record.contentGroup())
  }

  /// The study of the golden: arms amf and uniform × seeds 0, 1 × rounds 0, 1, 2 (N = 4, B = 2), 3 tasks.
  ///
  /// Multi-task success (mean of the three tasks) and AUC (trapezoid over demos 0, 2, 4, divided by 4):
  /// amf s0: 1/3, 2/3, 1 → (1 + 5/3)/4 = 2/3;   amf s1: 1/3, 1/2, 5/6 → (5/6 + 4/3)/4 = 13/24;
  /// uniform s0: 1/3, 1/3, 1/2 → (2/3 + 5/6)/4 = 3/8;   uniform s1: 1/3, 1/2, 2/3 → (5/6 + 7/6)/4 = 1/2.
  static let study: [String: [[Round]]] = [
    "amf": [
      [Round(success: [1, 0, 0], demos: [0, 0, 0]), Round(success: [1, 1, 0], demos: [0, 2, 0]),
       Round(success: [1, 1, 1], demos: [0, 2, 2])],
      [Round(success: [1, 0, 0], demos: [0, 0, 0]), Round(success: [1, 0.5, 0], demos: [0, 1, 1]),
       Round(success: [1, 1, 0.5], demos: [0, 2, 2])],
    ],
    "uniform": [
      [Round(success: [1, 0, 0], demos: [0, 0, 0]), Round(success: [1, 0, 0], demos: [2, 0, 0]),
       Round(success: [1, 0.5, 0], demos: [2, 1, 1])],
      [Round(success: [1, 0, 0], demos: [0, 0, 0]), Round(success: [1, 0.5, 0], demos: [1, 1, 0]),
       Round(success: [1, 1, 0], demos: [1, 2, 1])],
    ],
  ]

  /// The arms of `study` in the order given, seeds 0 … and the budget from the round count (B = 2).
  static func params(_ names: [String], study: [String: [[Round]]] = study, resamples: Int = 2000) -> ReportParams {
    var settings = ReportSettings()
    settings.bootstrapResamples = resamples
    return ReportParams(
      report: settings,
      arms: names.map { name in
        let seeds = study[name] ?? []
        let rounds = (seeds.first?.count ?? 1) - 1
        return ReportedArm(name: name, seeds: Array(seeds.indices), budget: Budget(demos: 2 * rounds, batch: 2))
      })
  }

  /// Stage inputs, role `evaluation/<arm>/seed-<s>/round-<r>` for every round of `study`.
  static func inputs(_ study: [String: [[Round]]] = study, environment: (String, Int, Int) -> String = { _, _, _ in
    "integrator2d"
  }) throws -> StageInputs {
    var inputs = StageInputs()
    for (arm, seeds) in study {
      for (seed, rounds) in seeds.enumerated() {
        for (index, round) in rounds.enumerated() {
          let role = "evaluation/\(arm)/seed-\(seed)/round-\(index)"
          let artifact = try artifact(record(round, index: index, environment: environment(arm, seed, index)))
          inputs.artifacts[role] = artifact
          inputs.hashes[role] = try artifact.contentHash()
        }
      }
    }
    return inputs
  }

  /// Writes every evaluation of `study` under `folder` and returns the `role=path` values of `--input`.
  static func writeInputs(_ study: [String: [[Round]]] = study, to folder: URL) throws -> [String] {
    var arguments: [String] = []
    for (role, artifact) in try inputs(study).artifacts.sorted(by: { $0.key < $1.key }) {
      let url = folder.appendingPathComponent(role.replacingOccurrences(of: "/", with: "_") + ".h5")
      _ = try ArtifactFile.write(artifact, to: url)
      arguments.append("\(role)=\(url.path)")
    }
    return arguments
  }
}
