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
