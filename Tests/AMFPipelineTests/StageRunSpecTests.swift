import Foundation
import Testing

@testable import AMFPipeline

@Suite struct StageRunSpecTests {
  @Test func codableRoundTrip() throws {
    let spec = StageRunSpec(
      name: "embed/seed-0/round-1", kind: "embed", stageVersion: 1, paramsJSON: "{}", seed: 0,
      inputs: ["policy": InputReference(run: "pretrain/seed-0", role: "policy")], outputRoles: ["embeddings"])
    let data = try JSONEncoder().encode(spec)
    #expect(try JSONDecoder().decode(StageRunSpec.self, from: data) == spec)
  }
}

@Suite struct StageRunSpecFastPathTests {
  /// The hand-written reader builds the same runs as `JSONDecoder`, and refuses what it cannot represent.
  @Test func fastPathEqualsDecoder() throws {
    let spec = StageRunSpec(
      name: "finetune/seed-3/round-2", kind: "finetune", stageVersion: 4, paramsJSON: #"{"a":"b/\"c\""}"#, seed: 3,
      inputs: ["prior": InputReference(run: "pretrain/seed-3", role: "policy")], outputRoles: ["demonstrations", "policy"])
    let data = try JSONEncoder().encode(spec)
    #expect(StageRunSpec(json: try JSONValue.parse(data)) == spec)
    var huge = spec
    huge.seed = UInt64.max
    #expect(StageRunSpec(json: try JSONValue.parse(try JSONEncoder().encode(huge))) == nil)
  }
}
