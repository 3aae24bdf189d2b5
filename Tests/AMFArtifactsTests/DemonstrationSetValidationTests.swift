import AMFTestSupport
import Foundation
import Testing

@testable import AMFArtifacts

/// The `demonstrations` schema's checks when building a set and when reading one, object by object.
@Suite struct DemonstrationSetValidationTests {
  static func demo(steps: Int = 2, observationWidth: Int = 3) -> DemonstrationSet.Demonstration {
    DemonstrationSet.Demonstration(
      task: 1, taskFeatures: [1, 0], source: "round_1", isSuccess: true, expertNoiseStd: 0.05,
      observations: [Float](repeating: 0.5, count: steps * observationWidth), actions: [Float](repeating: -1, count: 2 * steps),
      rewards: [Float](repeating: -1, count: steps), dones: (0..<steps).map { $0 == steps - 1 })
  }

  static func build(_ demos: [DemonstrationSet.Demonstration], observationDimension: Int = 3,
                    masks: [String: [Int]] = [:]) throws -> DemonstrationSet {
    try DemonstrationSet(environmentName: "kitchen", environmentArgumentsJSON: "{}", observationDimension: observationDimension,
                         actionDimension: 2, demonstrations: demos, masks: masks)
  }

  @Test func buildingNamesTheDemoAndField() {
    #expect(throws: ArtifactError.invalidValue(file: "", object: "/data", reason: "dimensions must be positive")) {
      try Self.build([], observationDimension: 0)
    }
    var short = Self.demo()
    short.dones = [true]
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/data/demo_1/dones", expected: "2", found: "1 elements")) {
      try Self.build([Self.demo(), short])
    }
    var ragged = Self.demo()
    ragged.observations.removeLast()
    #expect(throws: ArtifactError.shapeMismatch(file: "", object: "/data/demo_0/obs", expected: "2×3", found: "5 elements")) {
      try Self.build([ragged])
    }
    #expect(throws: ArtifactError.invalidValue(file: "", object: "/mask/a/b", reason: "invalid split name")) {
      try Self.build([Self.demo()], masks: ["a/b": [0]])
    }
    #expect(throws: ArtifactError.invalidValue(file: "", object: "/mask/train", reason: "demo 2 does not exist (2 demos)")) {
      try Self.build([Self.demo(), Self.demo()], masks: ["train": [0, 2]])
    }
    #expect(DemonstrationSet.demoName(12) == "demo_12" && Self.demo(steps: 4).stepCount == 4)
  }

  static func artifact(_ edit: (inout ArtifactGroup) throws -> Void) throws -> Artifact {
    var content = try Self.build([Self.demo(), Self.demo(steps: 3)], masks: ["pretrain": [1, 0]]).contentGroup()
    try edit(&content)
    return Artifact(kind: .demonstrations, provenance: Provenance(stage: "pretrain", stageVersion: 1), content: content)
  }

  @Test func readingNamesTheBadObject() throws {
    #expect(try DemonstrationSet(Self.artifact { _ in }).masks == ["pretrain": [1, 0]])
    #expect(throws: ArtifactError.missingObject(file: "", object: "group /data")) {
      try DemonstrationSet(Self.artifact { $0.groups["data"] = nil })
    }
    let renamed = try Self.artifact { content in
      let moved = content.groups["data"]?.groups["demo_1"]
      content.groups["data"]?.groups["demo_5"] = moved
      content.groups["data"]?.groups["demo_1"] = nil
    }
    #expect(throws: ArtifactError.invalidValue(
      file: "", object: "/data", reason: #"total is 2 but the demo groups are ["demo_0", "demo_5"]…"#)) {
      try DemonstrationSet(renamed)
    }
    let scalarFeatures = try Self.artifact { try $0.setAttribute("task_features", .scalar(1.0), onGroup: "/data/demo_1") }
    #expect(throws: ArtifactError.shapeMismatch(
      file: "", object: "/data/demo_1@task_features", expected: "N", found: "scalar")) { try DemonstrationSet(scalarFeatures) }
    let floatDones = try Self.artifact { try $0.setDataset(.vector([Float]([0, 1])), at: "/data/demo_0/dones") }
    #expect(throws: ArtifactError.typeMismatch(
      file: "", object: "/data/demo_0/dones", expected: "uint8", found: "float32")) { try DemonstrationSet(floatDones) }
    let flatObservations = try Self.artifact { try $0.setDataset(.vector([Float](repeating: 0, count: 6)), at: "/data/demo_0/obs") }
    #expect(throws: ArtifactError.shapeMismatch(
      file: "", object: "/data/demo_0/obs", expected: "T×d", found: "[6]")) { try DemonstrationSet(flatObservations) }
    let longActions = try Self.artifact {
      try $0.setDataset(try .matrix([Float](repeating: 0, count: 8), rows: 4, columns: 2), at: "/data/demo_1/actions")
    }
    #expect(throws: ArtifactError.shapeMismatch(
      file: "", object: "/data/demo_1/actions", expected: "3×2", found: "4×2")) { try DemonstrationSet(longActions) }
  }

  /// The hash returned by `write` is the one verified on read, and a cache remembers it by file identity.
  @Test func writtenHashIsTheVerifiedHash() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("demos.h5")
    let artifact = try Self.artifact { _ in }
    let hash = try ArtifactFile.write(artifact, to: url)
    #expect(try artifact.contentHash() == hash && hash.count == 64)
    #expect(try ArtifactFile.contentHash(of: url) == hash)
    let cache = VerificationCache()
    _ = try ArtifactFile.read(url, expecting: .demonstrations, cache: cache)
    #expect(cache.hash(for: try FileIdentity(path: url.path)) == hash)
    #expect(throws: ArtifactError.wrongKind(file: url.path, expected: "embeddings", found: "demonstrations")) {
      _ = try ArtifactFile.read(url, expecting: .embeddings, cache: cache)
    }
  }
}
