import AMFCore
import Testing

@testable import AMFArtifacts

/// The closed vocabularies of artifact attributes: `DemonstrationSource` and `EmbeddingSpace`.
@Suite struct SourceAndSpaceTests {
  @Test(arguments: [
    (DemonstrationSource.pretrain, "pretrain"), (.round(1), "round_1"), (.round(12), "round_12"),
    (.rollout, "rollout"),
  ])
  func sourcesRoundTrip(source: DemonstrationSource, text: String) {
    #expect(source.description == text && DemonstrationSource(text) == source)
  }

  @Test func onlyRoundsAreCollected() {
    #expect(DemonstrationSource.round(3).isCollected && DemonstrationSource.round(3).round == 3)
    #expect(!DemonstrationSource.pretrain.isCollected && !DemonstrationSource.rollout.isCollected)
    #expect(DemonstrationSource.rollout.round == nil)
  }

  @Test(arguments: ["robot", "round_", "round_x", "round_+3", "round_-1", "Pretrain", ""])
  func unknownSourcesDoNotParse(text: String) {
    #expect(DemonstrationSource(text) == nil)
  }

  @Test(arguments: EmbeddingSpace.allCases)
  func spacesRoundTrip(space: EmbeddingSpace) throws {
    #expect(EmbeddingSpace(rawValue: space.rawValue) == space)
    #expect(try CanonicalJSON.decode([EmbeddingSpace].self, from: CanonicalJSON.string([space])) == [space])
    #expect(EmbeddingSpace.allowedValues == ["weight", "function"])
  }
}
