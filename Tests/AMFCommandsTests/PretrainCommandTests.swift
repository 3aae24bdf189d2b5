import AMFArtifacts
import AMFCore
import AMFPipeline
import AMFEnvironments
import AMFTestSupport
import Foundation
import Testing

@testable import AMFCommands
@testable import AMFStages

/// The built `amf-pretrain` (and `amf-pipeline stage pretrain`), run as a user or the orchestrator would.
@Suite struct PretrainCommandTests {
  /// A tiny run: 3 demos per covered task, 200 steps of a 2 × 16 MLP.
  static let tiny = [
    "--param", "pretrain.steps=200", "--param", "pretrain.hidden=[16,16]", "--param", "pretrain.demos_per_task=3",
  ]

  static func outputs(in folder: TemporaryDirectory, _ tag: String = "") -> [String] {
    [
      "--output", "demonstrations=\(folder.file("d\(tag).h5").path)",
      "--output", "policy=\(folder.file("p\(tag).h5").path)",
    ]
  }

  static func summary(_ text: String) throws -> StageSummary {
    try JSONDecoder().decode(StageSummary.self, from: Data(text.utf8))
  }

  @Test func writesBothOutputsPrintsJSONAndRerunsToTheSameHashes() throws {
    let folder = try TemporaryDirectory("amf-pretrain-cli")
    defer { folder.remove() }
    func run(_ tag: String, seed: Int) throws -> Executables.Result {
      try Executables.run("amf-pretrain", Self.tiny + Self.outputs(in: folder, tag) + ["--seed", "\(seed)", "--json"])
    }
    let first = try run("1", seed: 5)
    #expect(first.status == 0, "\(first.standardError)")
    let summary = try Self.summary(first.standardOutput)
    #expect(Set(summary.outputs.keys) == ["demonstrations", "policy"])
    #expect(summary.seed == 5 && summary.stage == "pretrain" && summary.seconds > 0)
    for (role, output) in summary.outputs {
      #expect(try ArtifactFile.contentHash(of: URL(fileURLWithPath: output.path)) == output.contentSHA256, "\(role)")
    }
    #expect(first.standardError.contains("step 200/200"))
    let second = try run("2", seed: 5)
    let rerun = try Self.summary(second.standardOutput)
    for role in ["demonstrations", "policy"] {
      #expect(rerun.outputs[role]?.contentSHA256 == summary.outputs[role]?.contentSHA256, "\(role)")
    }
    let other = try run("3", seed: 6)
    #expect(try Self.summary(other.standardOutput).outputs["demonstrations"]?.contentSHA256
      != summary.outputs["demonstrations"]?.contentSHA256)
  }

  /// A stage started by hand, without `OPENBLAS_CORETYPE`, re-executes itself on the pinned kernel and so
  /// writes what a run with that `OPENBLAS_CORETYPE` writes. Checked with `Sandybridge` (AVX, no AVX2),
  /// whose bytes differ from `Haswell`'s, so on any x86-64 CPU a re-exec that did not take effect would
  /// give the native kernel's bytes and fail; then the default pin (`Haswell`) the same way.
  @Test func handRunStagesUseThePinnedKernel() throws {
    let folder = try TemporaryDirectory("amf-pretrain-kernel")
    defer { folder.remove() }
    func policyHash(_ tag: String, coreType: String?, pin: String?) throws -> String? {
      var environment = ProcessInfo.processInfo.environment
      environment["OPENBLAS_CORETYPE"] = coreType
      environment["AMF_BLAS_KERNEL"] = pin
      let result = try Executables.run(
        "amf-pretrain", Self.tiny + Self.outputs(in: folder, tag) + ["--json"], environment: environment)
      #expect(result.status == 0, "\(result.standardError)")
      return try Self.summary(result.standardOutput).outputs["policy"]?.contentSHA256
    }
    let sandybridge = try policyHash("s", coreType: "Sandybridge", pin: nil)
    let haswell = try policyHash("h", coreType: "Haswell", pin: nil)
    #expect(sandybridge != haswell)  // the kernel shows in the bytes, so the equalities below mean something
    #expect(try policyHash("ps", coreType: nil, pin: "Sandybridge") == sandybridge)
    #expect(try policyHash("ph", coreType: nil, pin: nil) == haswell)
  }

  /// What the orchestrator runs: `amf-pipeline stage pretrain --params-file F --seed S --output role=P …`.
  @Test func pipelineStageSubcommandRunsPretrainFromAParamsFile() throws {
    let folder = try TemporaryDirectory("amf-pretrain-stage")
    defer { folder.remove() }
    var params = PretrainParams(scenario: TaskScenario.balanced)
    params.pretrain.policy = .gp
    params.pretrain.demosPerTask = 1
    let paramsFile = folder.file("params.json")
    try CanonicalJSON.data(params).write(to: paramsFile)
    let viaPipeline = try Executables.run(
      "amf-pipeline", ["stage", "pretrain", "--params-file", paramsFile.path, "--seed", "2", "--json"]
        + Self.outputs(in: folder, "a"))
    #expect(viaPipeline.status == 0, "\(viaPipeline.standardError)")
    let direct = try Executables.run(
      "amf-pretrain", ["--params-file", paramsFile.path, "--seed", "2", "--json"] + Self.outputs(in: folder, "b"))
    let (a, b) = (try Self.summary(viaPipeline.standardOutput), try Self.summary(direct.standardOutput))
    #expect(a.outputs["policy"]?.contentSHA256 == b.outputs["policy"]?.contentSHA256)
    #expect(a.params == (try CanonicalJSON.string(params)))
    let policy = try ArtifactFile.read(folder.file("pa.h5"), expecting: .policy)
    #expect(policy.provenance.paramsJSON == (try CanonicalJSON.string(params)))
  }

  @Test func unknownParameterExits65NamingTheKeyAndWritesNothing() throws {
    let folder = try TemporaryDirectory("amf-pretrain-typo")
    defer { folder.remove() }
    let result = try Executables.run("amf-pretrain", ["--param", "pretrain.stepz=10"] + Self.outputs(in: folder))
    #expect(result.status == ExitStatus.dataError)
    #expect(result.standardError.split(separator: "\n").count == 1)
    #expect(result.standardError.contains("pretrain.stepz"))
    #expect(result.standardError.contains("steps"))
    #expect(result.standardOutput.isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
  }

  @Test func missingOutputRoleIsAUsageError() throws {
    let result = try Executables.run("amf-pretrain", ["--output", "/tmp/amf-never-written.h5"])
    #expect(result.status == ExitStatus.usage)
    #expect(result.standardError.contains("--output demonstrations=PATH --output policy=PATH"))
  }

  @Test func killedRunLeavesNoOutput() throws {
    let folder = try TemporaryDirectory("amf-pretrain-kill")
    defer { folder.remove() }
    let process = try Executables.start(
      "amf-pretrain", ["--param", "pretrain.steps=10000000", "--param", "env.name=reacher"] + Self.outputs(in: folder))
    usleep(1_500_000)
    #expect(process.isRunning)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
    #expect(!left.contains("d.h5") && !left.contains("p.h5"), "\(left)")
  }

  @Test func helpListsEveryParameterWithItsDefault() throws {
    let help = try Executables.run("amf-pretrain", ["--help"]).standardOutput
    for (key, value) in try ParamsResolver.flattened(PretrainParams()) {
      #expect(help.contains(key) && help.contains(value), "\(key) = \(value)")
    }
    #expect(help.contains("pretrain.gp.lengthscale"))
    #expect(help.contains("--output demonstrations=PATH --output policy=PATH"))
  }

  @Test func exitCodesOfStageErrors() {
    #expect(ExitStatus.code(for: StageError.invalidParameter(path: "a", reason: "b")) == ExitStatus.dataError)
    #expect(ExitStatus.code(for: StageError.missingInput(role: "policy")) == ExitStatus.usage)
    #expect(ExitStatus.code(for: StageError.invalidOutputs(reason: "x", roles: ["a"])) == ExitStatus.usage)
    #expect(ExitStatus.code(for: StageError.computationFailed(reason: "x")) == ExitStatus.software)
    #expect(ExitStatus.code(for: StageError.unavailable(stage: "amf-embed", issue: 5)) == ExitStatus.unavailable)
    // Params that are not JSON come from the expander: a bug, not bad input.
    #expect(ExitStatus.code(for: PipelineError.invalidParams(run: "r", reason: "x")) == ExitStatus.software)
  }
}
