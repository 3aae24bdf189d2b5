import AMFArtifacts
import Testing

/// The target's test folder was missing from git (empty folders are not tracked), which broke
/// `swift build`; these checks keep the target non-empty until its real tests land.
@Suite struct ArtifactGroupTests {
  @Test func datasetIsFoundAtItsPath() throws {
    var group = ArtifactGroup()
    try group.setDataset(.vector([Float(1), 2]), at: "/layers/0/bias")
    #expect(try group.dataset(at: "/layers/0/bias") == .vector([Float(1), 2]))
    #expect(group.datasetPaths == ["/layers/0/bias"])
  }

  @Test func missingDatasetThrowsMissingObject() {
    #expect(throws: ArtifactError.missingObject(file: "", object: "dataset /x")) {
      _ = try ArtifactGroup().dataset(at: "/x")
    }
  }
}
