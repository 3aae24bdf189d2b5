import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// The `demonstrations` schema: bit-exact file round trip, strict reading, and h5dump compatibility.
@Suite struct DemonstrationSetTests {
  /// Two demos of different lengths, 3-dimensional observations and 2-dimensional actions.
  static func twoDemos() throws -> DemonstrationSet {
    let first = DemonstrationSet.Demonstration(
      task: 4, taskFeatures: [0.5, -0.25], source: "pretrain", isSuccess: true, expertNoiseStd: 0.02,
      observations: [1, 2, 3, 4, 5, 6], actions: [0.1, 0.2, 0.3, 0.4], rewards: [-1.5, -0.5], dones: [false, true])
    let second = DemonstrationSet.Demonstration(
      task: 9, taskFeatures: [0, 1], source: "round_3", isSuccess: false, expertNoiseStd: 0.2,
      observations: [7, 8, 9], actions: [-0.5, 0.5], rewards: [-2], dones: [true])
    return try DemonstrationSet(
      environmentName: "integrator2d", environmentArgumentsJSON: #"{"goals":12}"#, observationDimension: 3,
      actionDimension: 2, demonstrations: [first, second], masks: ["pretrain": [0], "round_3": [1]])
  }

  static let provenance = Provenance(stage: "pretrain", stageVersion: 1, seed: 3, projectVersion: "fixture")

  @Test func roundTripsThroughAFile() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("demos.h5")
    let set = try Self.twoDemos()
    try ArtifactFile.write(try set.artifact(provenance: Self.provenance), to: url)
    let read = try DemonstrationSet(try ArtifactFile.read(url, expecting: .demonstrations))
    #expect(read == set)
  }

  @Test func rejectsInconsistentShapesOnBuild() throws {
    var demo = try Self.twoDemos().demonstrations[0]
    demo.actions.removeLast()
    #expect(throws: ArtifactError.shapeMismatch(
      file: "", object: "/data/demo_0/actions", expected: "2×2", found: "3 elements")) {
      try DemonstrationSet(
        environmentName: "x", environmentArgumentsJSON: "{}", observationDimension: 3, actionDimension: 2,
        demonstrations: [demo])
    }
    #expect(throws: ArtifactError.self) {
      try DemonstrationSet(
        environmentName: "x", environmentArgumentsJSON: "{}", observationDimension: 3, actionDimension: 2,
        demonstrations: [], masks: ["pretrain": [0]])
    }
  }

  @Test func readingNamesTheObjectWithAWrongShape() throws {
    var content = try Self.twoDemos().contentGroup()
    try content.setDataset(try .matrix([Float](repeating: 0, count: 4), rows: 1, columns: 4), at: "/data/demo_1/obs")
    let artifact = Artifact(kind: .demonstrations, provenance: Self.provenance, content: content)
    let expected = ArtifactError.shapeMismatch(file: "", object: "/data/demo_1/obs", expected: "1×3", found: "1×4")
    #expect(throws: expected) {
      try DemonstrationSet(artifact)
    }
  }

  @Test func readingChecksTotalKindAndMasks() throws {
    var content = try Self.twoDemos().contentGroup()
    try content.setAttribute("total", .scalar(Int64(3)), onGroup: "/data")
    #expect(throws: ArtifactError.self) {
      try DemonstrationSet(Artifact(kind: .demonstrations, provenance: Self.provenance, content: content))
    }
    var masked = try Self.twoDemos().contentGroup()
    try masked.setDataset(.vector(["demo_7"]), at: "/mask/round_1")
    #expect(throws: ArtifactError.invalidValue(file: "", object: "/mask/round_1", reason: "'demo_7' names no demo")) {
      try DemonstrationSet(Artifact(kind: .demonstrations, provenance: Self.provenance, content: masked))
    }
    let policy = Artifact(kind: .policy, provenance: Self.provenance, content: try Self.twoDemos().contentGroup())
    #expect(throws: ArtifactError.wrongKind(file: "", expected: "demonstrations", found: "policy")) {
      try DemonstrationSet(policy)
    }
  }

  @Test func h5dumpReadsTheLayout() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("demos.h5")
    try ArtifactFile.write(try Self.twoDemos().artifact(provenance: Self.provenance), to: url)
    let h5dump = try #require(
      ["/usr/bin/h5dump", "/usr/local/bin/h5dump"].first { FileManager.default.isExecutableFile(atPath: $0) },
      "h5dump not found: run Scripts/setup.sh (installs hdf5-tools)")
    let result = try Executables.run(executable: URL(fileURLWithPath: h5dump), ["-g", "/data/demo_0", url.path])
    let output = result.standardOutput
    #expect(result.status == 0)
    for fragment in [
      "DATASET \"obs\"", "DATASPACE  SIMPLE { ( 2, 3 ) / ( 2, 3 ) }", "(1,0): 4, 5, 6", "DATASET \"dones\"",
      "H5T_STD_U8LE", "ATTRIBUTE \"task_features\"", "ATTRIBUTE \"expert_noise_std\"", "\"pretrain\"",
    ] {
      #expect(output.contains(fragment), "h5dump output lacks \(fragment)")
    }
  }
}
