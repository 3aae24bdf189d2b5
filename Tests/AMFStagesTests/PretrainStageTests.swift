import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFPolicy
import AMFTestSupport
import Foundation
import Testing

@testable import AMFStages

/// `PretrainStage` in-process on tiny configurations.
@Suite struct PretrainStageTests {
  /// integrator2d, mismatch, 3 demos per covered task, 50 MLP steps of 2 × 16.
  static func tinyParams(scenario: TaskScenario = TaskScenario.mismatch) -> PretrainParams {
    var params = PretrainParams(env: EnvironmentSettings(name: .integrator2d), scenario: scenario)
    params.pretrain.demosPerTask = 3
    params.pretrain.steps = 50
    params.pretrain.hidden = [16, 16]
    params.pretrain.batchSize = 32
    return params
  }

  static func demonstrations(_ params: PretrainParams, seed: UInt64) throws -> DemonstrationSet {
    try PretrainStage.collectDemonstrations(try PretrainSetup(params), seed: Seed(seed))
  }

  @Test(arguments: [
    TaskScenario.mismatch, TaskScenario.balanced, TaskScenario.targeted, TaskScenario.allocation(coveredCount: 2),
  ])
  func demonstrationCountsFollowTheScenario(scenario: TaskScenario) throws {
    let params = Self.tinyParams(scenario: scenario)
    let set = try Self.demonstrations(params, seed: 1)
    let plan = try PretrainSetup(params).plan
    for task in plan.pretrainDemos.indices {
      #expect(set.demonstrations.filter { $0.task == task }.count == plan.pretrainDemos[task], "task \(task)")
    }
    #expect(set.masks["pretrain"] == Array(set.demonstrations.indices))
    #expect(set.demonstrations.allSatisfy { $0.source == "pretrain" && $0.stepCount == 20 })
    #expect(set.demonstrations.allSatisfy { $0.expertNoiseStd == plan.expertNoiseStd[$0.task] })
    #expect(set.environmentName == "integrator2d")
  }

  @Test func targetedRecordsTheDistractorNoiseInEnvArgs() throws {
    let set = try Self.demonstrations(Self.tinyParams(scenario: TaskScenario.targeted), seed: 0)
    #expect(set.environmentArgumentsJSON == #"{"expert_noise":{"10":0.2,"9":0.2},"goals":12}"#)
  }

  @Test func demonstrationsAreBitIdenticalForOneSeedAndDifferForAnother() throws {
    let params = Self.tinyParams()
    let first = try Self.demonstrations(params, seed: 7)
    #expect(first == (try Self.demonstrations(params, seed: 7)))
    let other = try Self.demonstrations(params, seed: 8)
    #expect(first.demonstrations.map(\.observations) != other.demonstrations.map(\.observations))
    #expect(first.demonstrations.map(\.actions) != other.demonstrations.map(\.actions))
  }

  /// A change to what pretrain collects must bump `StageKind.pretrain.algorithmVersion` and re-record this
  /// (`AMF_RECORD_GOLDENS=1 swift test --filter PretrainStageTests`). Pure Swift, no BLAS: exact.
  @Test func demonstrationsContentHashIsPinned() throws {
    let params = Self.tinyParams()
    let set = try Self.demonstrations(params, seed: 3)
    let provenance = Provenance(
      stage: "pretrain", stageVersion: StageKind.pretrain.algorithmVersion,
      paramsJSON: try CanonicalJSON.string(params), seed: 3)
    let hash = try set.artifact(provenance: provenance).contentHash()
    let version = StageKind.pretrain.algorithmVersion
    let outcome = Golden.check("v\(version) \(hash)\n", named: "pretrain-demonstrations.txt")
    #expect(outcome == .matches, "\(outcome)")
  }

  @Test func runWritesBothOutputsWithProvenanceThroughTheDriver() throws {
    let folder = try TemporaryDirectory("amf-pretrain")
    defer { folder.remove() }
    let (demos, policy) = (folder.file("out/d.h5"), folder.file("out/p.h5"))
    let request = StageRequest(
      params: ["pretrain.steps=50", "pretrain.hidden=[16,16]", "pretrain.demos_per_task=3", "pretrain.batch_size=32"],
      outputs: ["demonstrations=\(demos.path)", "policy=\(policy.path)"], seed: 3)
    let lines = LineCollector()
    let summary = try StageKind.pretrain.execute(request, progress: .collecting(label: "t") { lines.append($0) })
    let set = try DemonstrationSet(try ArtifactFile.read(demos, expecting: .demonstrations))
    #expect(set == (try Self.demonstrations(Self.tinyParams(), seed: 3)))
    let artifact = try ArtifactFile.read(policy, expecting: .policy)
    #expect(artifact.provenance.paramsJSON == (try CanonicalJSON.string(Self.tinyParams())))
    #expect(artifact.provenance.seed == 3 && artifact.provenance.stage == "pretrain")
    #expect(artifact.provenance.inputs.isEmpty)
    let loaded = try PretrainedPolicy(artifactContent: artifact.content)
    guard case .mlp(let mlp) = loaded else { throw StageError.computationFailed(reason: "expected an MLP") }
    #expect(mlp.architecture.hiddenWidths == [16, 16])
    #expect(summary.outputs["demonstrations"]?.contentSHA256 == (try ArtifactFile.contentHash(of: demos)))
    #expect(summary.outputs["policy"]?.contentSHA256 == (try ArtifactFile.contentHash(of: policy)))
    #expect(lines.text.contains("collected 18 expert demonstrations of 6 tasks"))
    #expect(lines.text.contains("step 50/50 (100%) loss"))
  }

  @Test func gpPolicyStoresEveryStepAndFixedStandardization() throws {
    var params = Self.tinyParams()
    params.pretrain.policy = .gp
    let outputs = try PretrainStage.run(StageInputs(), params: params, context: StageContext(seed: Seed(0)))
    let content = try #require(outputs.first { $0.role == "policy" }).content
    guard case .gp(let gp) = try PretrainedPolicy(artifactContent: content) else {
      Issue.record("expected a GP policy")
      return
    }
    #expect(gp.inputs.rows == 6 * 3 * 20)
    #expect(gp.inputScale == [Double](repeating: 1 / 2.0.squareRoot(), count: 4))
    #expect(gp.inputMean == [0, 0, 0, 0])
  }

  @Test(arguments: EnvironmentID.allCases)
  func gpStandardizationFitsEveryEnvironment(id: EnvironmentID) throws {
    let environment = try id.make()
    let standardization = id.inputStandardization
    #expect(standardization.mean.count == environment.observationDimension + environment.taskFeatureDimension)
    #expect(standardization.scale.count == standardization.mean.count)
    #expect(standardization.scale.allSatisfy { $0 > 0 })
  }
}

/// Collects progress lines from a `@Sendable` sink.
final class LineCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []

  func append(_ line: String) {
    lock.lock()
    lines.append(line)
    lock.unlock()
  }

  var text: String {
    lock.lock()
    defer { lock.unlock() }
    return lines.joined()
  }
}
