import AMFArtifacts
import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFCommands
@testable import AMFStages

/// The built `amf-finetune` and `amf-evaluate` on a tiny integrator2d chain: pretrain → a hand-written
/// selection → finetune → evaluate, as a user or the orchestrator would run them.
@Suite struct FinetuneEvaluateCommandTests {
  /// π₀ (2 × 16 MLP, 200 steps, 3 demos per covered task) and a round-1 selection of tasks 7 and 8.
  static func prepare(_ folder: TemporaryDirectory, selected: [Int] = [7, 8], taskCount: Int = 12) throws {
    let pretrain = try Executables.run(
      "amf-pretrain", PretrainCommandTests.tiny + PretrainCommandTests.outputs(in: folder) + ["--seed", "1"])
    #expect(pretrain.status == 0, "\(pretrain.standardError)")
    try writeSelection(selected, taskCount: taskCount, to: folder.file("selection.h5"))
  }

  static func writeSelection(_ selected: [Int], round: Int = 1, taskCount: Int = 12, to url: URL) throws {
    let record = try SelectionRecord(
      strategy: "uniform", importanceWeights: false, round: round, taskCount: taskCount,
      candidates: Array(0..<taskCount), selected: selected,
      scores: selected.map { _ in [Double](repeating: 0, count: taskCount) })
    let artifact = Artifact(
      kind: .selection, provenance: Provenance(stage: "select", stageVersion: 1), content: try record.contentGroup())
    _ = try ArtifactFile.write(artifact, to: url)
  }

  static func finetune(_ folder: TemporaryDirectory, tag: String, extra: [String] = []) throws -> Executables.Result {
    try Executables.run(
      "amf-finetune",
      [
        "--input", "prior=\(folder.file("p.h5").path)", "--input", "selection=\(folder.file("selection.h5").path)",
        "--param", "finetune.steps=100", "--param", "finetune.batch_size=64", "--seed", "1", "--json",
        "--output", "demonstrations=\(folder.file("out/d\(tag).h5").path)",
        "--output", "policy=\(folder.file("out/p\(tag).h5").path)",
      ] + extra)
  }

  static func evaluate(_ folder: TemporaryDirectory, tag: String, policy: String, extra: [String] = []) throws
    -> Executables.Result
  {
    try Executables.run(
      "amf-evaluate",
      ["--input", "policy=\(policy)", "--param", "evaluate.episodes=3", "--seed", "1", "--json",
       "--output", folder.file("out/e\(tag).h5").path] + extra)
  }

  static func hashes(_ result: Executables.Result) throws -> [String: String] {
    try PretrainCommandTests.summary(result.standardOutput).outputs.mapValues(\.contentSHA256)
  }

  @Test func chainRunsAndIsByteDeterministic() throws {
    let folder = try TemporaryDirectory("amf-finetune-chain")
    defer { folder.remove() }
    try Self.prepare(folder)
    let first = try Self.finetune(folder, tag: "1")
    #expect(first.status == 0, "\(first.standardError)")
    #expect(first.standardError.contains("2 new demonstrations of tasks [7, 8]"))
    #expect(first.standardError.contains("step 100/100"))
    let second = try Self.finetune(folder, tag: "2")
    #expect(try Self.hashes(first) == (try Self.hashes(second)))
    let demos = "demonstrations=\(folder.file("out/d1.h5").path)"
    let evaluations = try ["a", "b"].map { tag in
      try Self.evaluate(
        folder, tag: tag, policy: folder.file("out/p1.h5").path, extra: ["--input", demos, "--param", "round=1"])
    }
    #expect(evaluations[0].status == 0, "\(evaluations[0].standardError)")
    #expect(evaluations[0].standardError.contains("round 1: multitask success"))
    #expect(try Self.hashes(evaluations[0]) == (try Self.hashes(evaluations[1])))
    let record = try EvaluationRecord(try ArtifactFile.read(folder.file("out/ea.h5"), expecting: .evaluation))
    #expect(record.demosPerTask == [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0] && record.round == 1)
    #expect(record.episodesPerTask == 3)
    let policy = try ArtifactFile.read(folder.file("out/p1.h5"), expecting: .policy)
    #expect(Set(policy.provenance.inputs.keys) == ["prior", "selection"])
  }

  @Test func demonstrationsFromAFileAreRecordedInProvenance() throws {
    let folder = try TemporaryDirectory("amf-finetune-recorded")
    defer { folder.remove() }
    try Self.prepare(folder)
    #expect(try Self.finetune(folder, tag: "1").status == 0)
    let recorded = folder.file("out/d1.h5").path
    let fromFile = try Self.finetune(folder, tag: "2", extra: ["--demonstrations-from", recorded])
    #expect(fromFile.status == 0, "\(fromFile.standardError)")
    let policy = try ArtifactFile.read(folder.file("out/p2.h5"), expecting: .policy)
    #expect(policy.provenance.inputs[FinetuneStage.recordedRole] == (try ArtifactFile.contentHash(of: URL(
      fileURLWithPath: recorded))))
    try Self.writeSelection([7, 7], to: folder.file("selection.h5"))
    let short = try Self.finetune(folder, tag: "3", extra: ["--demonstrations-from", recorded])
    #expect(short.status == ExitStatus.dataError)
    #expect(short.standardError.split(separator: "\n").count == 1, "\(short.standardError)")
    #expect(short.standardError.contains(recorded) && short.standardError.contains("task 7"))
    #expect(!FileManager.default.fileExists(atPath: folder.file("out/p3.h5").path))
  }

  /// Each bad input: exit 65, one line on stderr naming the problem, nothing written.
  @Test func badInputsGiveOneLineAndWriteNothing() throws {
    let folder = try TemporaryDirectory("amf-finetune-bad")
    defer { folder.remove() }
    try Self.prepare(folder)
    try Self.writeSelection([20], taskCount: 24, to: folder.file("wide.h5"))
    let prior = folder.file("p.h5").path
    let cases: [(String, [String], String)] = [
      ("wrong kind", ["--input", "selection=\(prior)"], "amf.kind is 'policy'"),
      ("missing file", ["--input", "prior=\(folder.file("nope.h5").path)"], "no such file"),
      ("env mismatch", ["--param", "env.name=reacher"], "env.name=integrator2d"),
      ("task out of range", ["--input", "selection=\(folder.file("wide.h5").path)"], "task 20 is outside 0..<12"),
    ]
    for (name, override, expected) in cases {
      var arguments = [
        "--param", "finetune.steps=10", "--output", "demonstrations=\(folder.file("out/d.h5").path)",
        "--output", "policy=\(folder.file("out/p.h5").path)",
      ]
      let roles = override.enumerated().compactMap { $0.offset % 2 == 1 ? $0.element.split(separator: "=").first : nil }
      for (role, path) in [("prior", prior), ("selection", folder.file("selection.h5").path)]
      where !roles.contains(Substring(role)) {
        arguments += ["--input", "\(role)=\(path)"]
      }
      let result = try Executables.run("amf-finetune", arguments + override)
      #expect(result.status == ExitStatus.dataError, "\(name): \(result.standardError)")
      #expect(result.standardError.split(separator: "\n").count == 1, "\(name): \(result.standardError)")
      #expect(result.standardError.contains(expected), "\(name): \(result.standardError)")
      for file in ["out/d.h5", "out/p.h5"] {
        #expect(!FileManager.default.fileExists(atPath: folder.file(file).path), "\(name)")
      }
    }
    let diverged = try Self.finetune(folder, tag: "z", extra: ["--param", "finetune.learning_rate=1e30"])
    #expect(diverged.status == ExitStatus.software, "\(diverged.standardError)")
    #expect(diverged.standardError.contains("diverged"), "\(diverged.standardError)")
    for file in ["out/dz.h5", "out/pz.h5"] { #expect(!FileManager.default.fileExists(atPath: folder.file(file).path)) }
    let evaluation = try Self.evaluate(folder, tag: "x", policy: folder.file("selection.h5").path)
    #expect(evaluation.status == ExitStatus.dataError)
    #expect(evaluation.standardError.contains("amf.kind is 'selection'"))
    let reacher = try Self.evaluate(folder, tag: "y", policy: prior, extra: ["--param", "env.name=reacher"])
    #expect(reacher.status == ExitStatus.dataError && reacher.standardError.contains("env.name=integrator2d"))
    for file in ["out/ex.h5", "out/ey.h5"] { #expect(!FileManager.default.fileExists(atPath: folder.file(file).path)) }
  }

  @Test func helpListsEveryParameterWithItsDefault() throws {
    let finetune = try Executables.run("amf-finetune", ["--help"]).standardOutput
    for (key, value) in try ParamsResolver.flattened(FinetuneParams()) {
      #expect(finetune.contains(key) && finetune.contains(value), "\(key) = \(value)")
    }
    #expect(finetune.contains("finetune.alpha_lr") && finetune.contains("--demonstrations-from"))
    let evaluate = try Executables.run("amf-evaluate", ["--help"]).standardOutput
    for (key, value) in try ParamsResolver.flattened(EvaluateParams()) {
      #expect(evaluate.contains(key) && evaluate.contains(value), "\(key) = \(value)")
    }
  }
}
