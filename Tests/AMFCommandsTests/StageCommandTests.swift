import AMFTestSupport
import ArgumentParser
import Foundation
import Testing

@testable import AMFCommands
@testable import AMFStages

@Suite struct StageOptionsTests {
  @Test func parsesInputsParamsAndOutput() throws {
    let command = try SelectCommand.parse([
      "--input", "embeddings=Artifacts/e.h5", "--param", "strategy=amf", "--output", "out.h5", "--seed", "3",
    ])
    #expect(command.options.inputPairs.map(\.name) == ["embeddings"])
    #expect(command.options.inputPairs.map(\.path) == ["Artifacts/e.h5"])
    #expect(command.options.params == ["strategy=amf"])
    #expect(command.options.seed == 3)
  }

  @Test func malformedInputIsAUsageError() {
    #expect(throws: (any Error).self) { _ = try SelectCommand.parse(["--input", "just-a-path.h5"]) }
    #expect(throws: (any Error).self) { _ = try SelectCommand.parse(["--param", "novalue"]) }
  }

  @Test(arguments: StageKind.allCases)
  func everyStageHasItsExecutableAndInputs(kind: StageKind) {
    #expect(kind.executableName == "amf-\(kind.rawValue)")
    #expect(!kind.outputKinds.isEmpty)
  }
}

/// The built executables, run as a user would (`.build/<config>/amf-*`).
@Suite struct ExecutableTests {
  static let stages = StageKind.allCases.map(\.executableName)

  @Test(arguments: stages + ["amf-pipeline"])
  func helpExitsZeroAndListsOptions(executable: String) throws {
    let result = try Executables.run(executable, ["--help"])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("USAGE: \(executable)"))
    #expect(result.standardError.isEmpty)
  }

  @Test(arguments: stages)
  func unknownFlagIsUsageError(executable: String) throws {
    let result = try Executables.run(executable, ["--bogus"])
    #expect(result.status == ExitStatus.usage)
    #expect(result.standardError.contains("Unknown option '--bogus'"))
  }

  /// `amf-pipeline stage <name>` is the same command as `amf-<name>`: same options, same help body.
  @Test(arguments: StageKind.allCases)
  func pipelineStageSubcommandIsTheSameCommand(kind: StageKind) throws {
    let direct = try Executables.run(kind.executableName, ["--help"]).standardOutput
    let viaPipeline = try Executables.run("amf-pipeline", ["stage", kind.rawValue, "--help"]).standardOutput
    let options = { (text: String) in text.components(separatedBy: "OPTIONS:").last ?? "" }
    #expect(options(direct) == options(viaPipeline))
    #expect(!options(direct).isEmpty)
  }

  @Test func versionReportsOptimizedNumerics() throws {
    let result = try Executables.run("amf-pipeline", ["version"])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("numeric libraries optimized: yes (-O)"))
    #expect(result.standardOutput.contains("openblas: OpenBLAS"))
  }
}

/// `--help` lists every enumerated parameter's allowed values, from the IDs' `allCases` (issue #18).
@Suite struct HelpChoicesTests {
  @Test func selectHelpListsEveryStrategy() {
    let help = SelectCommand.helpMessage(columns: 200)
    #expect(help.contains("select.strategy: amf | uncertainty | uniform | rebalancing"), "\(help)")
    #expect(help.contains("the round's embeddings (amf, uncertainty)"))
    #expect(help.contains("pre-training demonstrations, for counts (rebalancing)"))
  }

  @Test func pretrainHelpListsEnvironmentsAndScenarios() {
    let help = PretrainCommand.helpMessage(columns: 200)
    #expect(help.contains("env.name: integrator2d | reacher | kitchen | metaworld"), "\(help)")
    #expect(help.contains("scenario: mismatch | balanced | targeted | allocation"))
    #expect(help.contains("pretrain.activation: tanh | relu") && help.contains("pretrain.policy: mlp | gp"))
  }

  @Test func pipelineHelpListsEveryManifestChoice() {
    let help = PipelineCommand.helpMessage(columns: 200)
    for choice in ParameterChoices.all where choice.inManifests {
      #expect(help.contains("\(choice.key): \(choice.values.joined(separator: " | "))"), "\(choice.key)")
    }
    for name in ["reacher", "kitchen", "metaworld", "rebalancing", "nll_gradient", "adaptive_prior"] {
      #expect(help.contains(name))
    }
  }

  @Test func everyStageListsTheChoicesOfItsSections() {
    #expect(EmbedCommand.helpMessage(columns: 200).contains("embed.kind: loss_gradient | nll_gradient | last_layer | dropout"))
    // One name per concept (issue #22): embed lists its importance settings as select.*, and only those.
    #expect(EmbedCommand.helpMessage(columns: 200).contains("select.is_variance: noise | predictive"))
    #expect(EmbedCommand.helpMessage(columns: 200).contains("  select.is_clip "))
    #expect(!EmbedCommand.helpMessage(columns: 200).contains("importance."))
    #expect(!EmbedCommand.helpMessage(columns: 200).contains("select.strategy"))
    #expect(FinetuneCommand.helpMessage(columns: 200).contains("finetune.mitigation: isolation | adaptive_prior | none | task_isolation"))
    #expect(!EvaluateCommand.helpMessage(columns: 200).contains("select.strategy"))
  }
}
