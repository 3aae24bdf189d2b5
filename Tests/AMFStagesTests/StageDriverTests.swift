import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPipeline
import AMFTestSupport
import Foundation
import Testing

@testable import AMFStages

/// Parameter resolution: `--params-file` merged with `--param` overrides, decoded strictly.
@Suite struct ParamsResolverTests {
  func resolve(file: String? = nil, _ overrides: [String] = []) throws -> (PretrainParams, String) {
    let document = try ParamsResolver.merged(fileText: file, overrides: overrides)
    let resolved = try ParamsResolver.decode(PretrainParams.self, from: document)
    return (resolved.params, resolved.canonical)
  }

  @Test func emptyParamsTakeTheDefaults() throws {
    let (params, canonical) = try resolve()
    #expect(params == PretrainParams())
    #expect(canonical == (try CanonicalJSON.string(PretrainParams())))
    #expect(params.pretrain.steps == 20_000 && params.env.name == .integrator2d && params.scenario.name == .mismatch)
  }

  @Test func dottedOverridesParseJSONScalarsAndStrings() throws {
    let (params, _) = try resolve([
      "pretrain.steps=200", "pretrain.learning_rate=3e-4", "env.name=reacher", "pretrain.hidden=[32, 16]",
      "scenario=balanced",
    ])
    #expect(params.pretrain.steps == 200)
    #expect(params.pretrain.learningRate == 3e-4)
    #expect(params.env.name == .reacher)
    #expect(params.pretrain.hidden == [32, 16])
    #expect(params.scenario == TaskScenario.balanced)
  }

  @Test func overridesWinOverTheFileAndLaterOverridesWin() throws {
    let file = #"{"pretrain": {"steps": 500, "batch_size": 64}, "scenario": "balanced"}"#
    let (params, _) = try resolve(file: file, ["pretrain.steps=700", "pretrain.steps=900"])
    #expect(params.pretrain.steps == 900)
    #expect(params.pretrain.batchSize == 64)
    #expect(params.scenario.name == .balanced)
  }

  @Test func environmentDefaultsApplyWhenTheSectionIsAbsent() throws {
    #expect(try resolve(["env.name=kitchen"]).0.pretrain.hidden == [256, 256])
    #expect(try resolve(["env.name=kitchen", "pretrain.steps=5"]).0.pretrain.hidden == [256, 256])
    #expect(try resolve(["pretrain.policy=gp"]).0.pretrain.demosPerTask == 1)
  }

  @Test func explicitDefaultsAndAnEmptyFileHashAlike() throws {
    #expect(try resolve(file: "{}").1 == resolve(["pretrain.steps=20000", "env.name=integrator2d", "env.goals=12"]).1)
  }

  @Test(arguments: [
    ("pretrain.stepz=10", "pretrain.stepz", "steps"),
    ("envv.name=reacher", "envv", "scenario"),
    ("env.goalz=3", "env.goalz", "goals"),
    ("pretrain.gp.length=1", "pretrain.gp.length", "lengthscale"),
  ])
  func unknownKeyIsRejectedNamingItAndTheValidOnes(override: String, path: String, valid: String) throws {
    let error = #expect(throws: StageError.self) { try resolve([override]) }
    guard case .invalidParameter(let found, let reason) = error else {
      Issue.record("expected invalidParameter, got \(String(describing: error))")
      return
    }
    #expect(found == path)
    #expect(reason.contains("unknown key"))
    #expect(reason.contains(valid))
    #expect(error?.isUsageError == false)
  }

  @Test func wrongTypesAndRangesNameTheField() throws {
    let typed = #expect(throws: StageError.self) { try resolve(["pretrain.steps=many"]) }
    #expect(typed == .invalidParameter(path: "pretrain.steps", reason: "must be of type Int"))
    let ranged = #expect(throws: StageError.self) { try resolve(["pretrain.steps=0"]) }
    #expect(ranged?.description.contains("pretrain.steps") == true)
    let scenario = #expect(throws: StageError.self) { try resolve(["env.name=kitchen", "scenario=targeted"]) }
    #expect(scenario?.description.contains("scenario") == true)
  }

  @Test func malformedInputsAreRejected() throws {
    #expect(throws: StageError.self) { try resolve(file: "[1, 2]") }
    #expect(throws: StageError.self) { try resolve(file: "steps: 3") }
    #expect(throws: StageError.self) { try resolve(["pretrain..steps=3"]) }
    #expect(throws: StageError.self) { try resolve(["scenario=balanced", "scenario.k=3"]) }
  }

  @Test func helpListsEveryParameterWithItsDefault() throws {
    let help = StageDriver.parameterHelp(PretrainStage.self)
    for (key, value) in try ParamsResolver.flattened(PretrainParams()) {
      #expect(help.contains(key) && help.contains(value), "\(key) = \(value) missing from help")
    }
    for key in ["pretrain.gp.lengthscale", "pretrain.gp.signal_variance", "pretrain.gp.noise_variance"] {
      #expect(help.contains(key))
    }
  }
}

/// `StageDriver`'s command-line handling: outputs, inputs, failures leaving nothing.
@Suite struct StageDriverTests {
  static let roles = StageKind.pretrain.outputRoles

  @Test func multiOutputStagesNeedEveryRoleOnce() throws {
    let paths = try StageDriver.outputPaths(["policy=/t/p.h5", "demonstrations=/t/d.h5"], roles: Self.roles)
    #expect(paths.map(\.role) == ["demonstrations", "policy"])
    #expect(paths.map(\.url.path) == ["/t/d.h5", "/t/p.h5"])
    for bad in [["/t/p.h5"], ["policy=/t/p.h5"], ["policy=/t/p.h5", "policy=/t/q.h5", "demonstrations=/t/d.h5"],
                ["policy=/t/p.h5", "demos=/t/d.h5"], ["policy=/t/p.h5", "demonstrations=/t/p.h5"], []] {
      let error = #expect(throws: StageError.self) { try StageDriver.outputPaths(bad, roles: Self.roles) }
      #expect(error?.isUsageError == true)
    }
  }

  @Test func singleOutputStagesTakeAPlainPathOrTheirRole() throws {
    #expect(try StageDriver.outputPaths(["/t/e.h5"], roles: ["evaluation"]).first?.url.path == "/t/e.h5")
    #expect(try StageDriver.outputPaths(["evaluation=/t/e.h5"], roles: ["evaluation"]).first?.url.path == "/t/e.h5")
    #expect(try StageDriver.outputPaths(["/t/a=b.h5"], roles: ["evaluation"]).first?.url.path == "/t/a=b.h5")
  }

  @Test func inputsAreCheckedByRoleAndKind() throws {
    #expect(throws: StageError.unknownInput(role: "policy", valid: [])) {
      try StageDriver.readInputs(["policy=/nonexistent.h5"], kind: .pretrain)
    }
    #expect(throws: ArtifactError.self) { try StageDriver.readInputs(["policy=/nonexistent.h5"], kind: .embed) }
  }

  @Test func aFailedRunLeavesNoOutput() throws {
    let folder = try TemporaryDirectory("amf-driver")
    defer { folder.remove() }
    let request = StageRequest(
      params: ["pretrain.stepz=3"],
      outputs: ["demonstrations=\(folder.file("d.h5").path)", "policy=\(folder.file("p.h5").path)"])
    #expect(throws: StageError.self) { try StageKind.pretrain.execute(request) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
  }
}
