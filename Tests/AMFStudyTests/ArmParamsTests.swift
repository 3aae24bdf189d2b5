import AMFPipeline
import AMFStages
import AMFTestSupport
import Foundation
import Testing

@testable import AMFStudy

/// `amf-pipeline params` (issue #22): one document per arm and seed from which every stage run of that arm
/// and seed decodes exactly the params the orchestrator passes it — so a hand-run loop has the same keys.
@Suite struct ArmParamsTests {
  static func graph(_ manifest: String) throws -> StageGraph {
    try PipelineSession(
      manifest: repositoryRoot.appendingPathComponent(manifest).path, storeFolder: "/nonexistent-store",
      pipelinesFolder: repositoryRoot.appendingPathComponent("Pipelines").path
    ).graph
  }

  /// Every run of `arm` at `seed`, decoded from the document plus its round, gives its own params.
  static func expectEveryRunReproduced(_ graph: StageGraph, arm: String?, seed: UInt64) throws {
    let document = try ArmParams.document(graph: graph, arm: arm, seed: seed)
    guard case .object(let members) = document else { throw ArmParams.Failure.seed(seed, seeds: []) }
    let prefix = arm.map { $0 + "/" } ?? ""
    var checked = 0
    for run in graph.order where run.name.hasPrefix(prefix) && (run.seed == seed || run.kind == "report")
      && run.name.dropFirst(prefix.count).split(separator: "/").count <= 3
    {
      var withRound = members
      if let round = run.name.split(separator: "/").last.flatMap({ $0.hasPrefix("round-") ? Int($0.dropFirst(6)) : nil }) {
        withRound["round"] = .number(Double(round))
      }
      let kind = try #require(StageKind(rawValue: run.kind))
      let projected = try PipelineParams.project(.object(withRound), for: kind)
      #expect(try kind.decodeParams(projected) == run.paramsJSON, "\(run.name)")
      checked += 1
    }
    #expect(checked > 0)
  }

  @Test(arguments: ["amf", "no-is", "uniform", "uncertainty", "rebalancing"])
  func everyArmOfAStudyIsReproduced(arm: String) throws {
    let graph = try Self.graph("Pipelines/smoke/studies/reacher-mismatch.yaml")
    #expect(ArmParams.arms(of: graph) == ["amf", "uniform", "uncertainty", "no-is", "rebalancing"])
    for seed: UInt64 in [0, 1] { try Self.expectEveryRunReproduced(graph, arm: arm, seed: seed) }
  }

  @Test func aSingleArmNeedsNoArmAndTheGPArmWorksToo() throws {
    try Self.expectEveryRunReproduced(try Self.graph("examples/shell/amf-reacher.yaml"), arm: nil, seed: 1)
    let gp = try Self.graph("Pipelines/smoke/studies/integrator2d-gp-targeted.yaml")
    try Self.expectEveryRunReproduced(gp, arm: "amf", seed: 0)
  }

  @Test func armAndSeedErrors() throws {
    let graph = try Self.graph("Pipelines/smoke/studies/reacher-mismatch.yaml")
    #expect(throws: ArmParams.Failure.arm(given: nil, arms: ["amf", "uniform", "uncertainty", "no-is", "rebalancing"])) {
      try ArmParams.document(graph: graph, arm: nil, seed: 0)
    }
    #expect("\(ArmParams.Failure.arm(given: "no_is", arms: ["amf", "no-is"]))".contains("did you mean 'no-is'?"))
    #expect(throws: ArmParams.Failure.seed(7, seeds: [0, 1])) { try ArmParams.document(graph: graph, arm: "amf", seed: 7) }
  }

  @Test func twoValuesForOneKeyAreAConflict() throws {
    var document: [String: JSONValue] = ["select": .object(["is_clip": .number(30)])]
    var origin = ["select.is_clip": "select/seed-0/round-1"]
    #expect(throws: ArmParams.Failure.conflict(key: "select.is_clip", runs: ["select/seed-0/round-1", "embed/seed-0/round-1"])) {
      try ArmParams.merge(["select": .object(["is_clip": .number(10)])], into: &document, path: "",
                          run: "embed/seed-0/round-1", origin: &origin)
    }
  }
}

/// `run` starts a Meta-World bridge server only when a stale run steps Meta-World (its params' env.name).
@Suite struct BridgeServerNeedTests {
  static func session(_ manifest: String) throws -> PipelineSession {
    try PipelineSession(
      manifest: repositoryRoot.appendingPathComponent(manifest).path, storeFolder: "/nonexistent-store",
      pipelinesFolder: repositoryRoot.appendingPathComponent("Pipelines").path)
  }

  @Test func onlyStaleMetaWorldRunsNeedTheServer() throws {
    let metaworld = try Self.session("Pipelines/studies/metaworld-mismatch/amf.yaml")
    let stale = metaworld.graph.order.map { (name: $0.name, state: RunState.stale(.new, key: nil)) }
    #expect(metaworld.needsMetaWorld(stale))
    let done = metaworld.graph.order.map { (name: $0.name, state: RunState.upToDate(key: "k", outputs: [:])) }
    #expect(!metaworld.needsMetaWorld(done))
    let reacher = try Self.session("Pipelines/smoke/ablations/amf.yaml")
    #expect(!reacher.needsMetaWorld(reacher.graph.order.map { (name: $0.name, state: RunState.stale(.new, key: nil)) }))
  }
}
