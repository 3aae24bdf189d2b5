import AMFArtifacts
import AMFCore
import AMFPipeline
import Foundation
import Testing

@testable import AMFStages

/// The checks a stage makes on what it reads, and the artifact hasher the pipeline uses.
@Suite struct InputChecksTests {
  static func demo(task: Int, source: String) -> DemonstrationSet.Demonstration {
    .init(
      task: task, taskFeatures: [0, 0], source: source, isSuccess: true, expertNoiseStd: 0, observations: [0, 0],
      actions: [0], rewards: [0], dones: [true])
  }

  static func artifact(paramsJSON: String) -> Artifact {
    Artifact(
      kind: .policy, provenance: Provenance(stage: "pretrain", stageVersion: 1, paramsJSON: paramsJSON, projectVersion: "t"),
      content: ArtifactGroup())
  }

  @Test func onlyRoundDemonstrationsAreCounted() throws {
    let set = try DemonstrationSet(
      environmentName: "integrator2d", environmentArgumentsJSON: "{}", observationDimension: 2, actionDimension: 1,
      demonstrations: [
        Self.demo(task: 0, source: "pretrain"), Self.demo(task: 1, source: "round_1"),
        Self.demo(task: 1, source: "round_2"), Self.demo(task: 2, source: "rollout"),
        Self.demo(task: 7, source: "round_1"),
      ])
    // Task 7 is beyond the 3 counted tasks and is skipped.
    #expect(InputChecks.collectedCounts(set, taskCount: 3) == [0, 2, 0])
    #expect(InputChecks.collectedCounts(nil, taskCount: 2) == [0, 0])
    #expect(InputChecks.isCollected(Self.demo(task: 0, source: "round_12")))
    #expect(!InputChecks.isCollected(Self.demo(task: 0, source: "pretraining")))
  }

  @Test func aRecordedEnvironmentMustMatchTheRun() throws {
    let reacher = EnvironmentSettings(name: .reacher)
    let kitchen = Self.artifact(paramsJSON: #"{"env":{"name":"kitchen"},"scenario":"mismatch"}"#)
    #expect(throws: ArtifactError.invalidValue(
      file: "prior.h5", object: "attribute amf.params (env)",
      reason: "was made for env.name=kitchen with 5 tasks, but this run has env.name=reacher with 12 tasks; "
        + "pass the artifact of this environment or set --param env.name=kitchen")
    ) { try InputChecks.checkRecordedEnvironment(kitchen, matches: reacher, file: "prior.h5") }
    try InputChecks.checkRecordedEnvironment(
      Self.artifact(paramsJSON: #"{"env":{"name":"reacher"}}"#), matches: reacher, file: "p.h5")
  }

  @Test func theGoalCountIsPartOfTheEnvironment() throws {
    let twelve = EnvironmentSettings(name: .integrator2d)
    let six = Self.artifact(paramsJSON: #"{"env":{"goals":6,"name":"integrator2d"}}"#)
    #expect(throws: ArtifactError.self) { try InputChecks.checkRecordedEnvironment(six, matches: twelve, file: "p.h5") }
  }

  @Test func artifactsWithoutARecordedEnvironmentPass() throws {
    let env = EnvironmentSettings(name: .kitchen)
    for params in ["{}", "not json", #"{"env":3}"#, #"{"round":1}"#] {
      try InputChecks.checkRecordedEnvironment(Self.artifact(paramsJSON: params), matches: env, file: "x.h5")
    }
  }
}

@Suite struct ArtifactContentHasherTests {
  static func written() throws -> (url: URL, hash: String, folder: URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("amf-hasher-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var content = ArtifactGroup()
    try content.setDataset(.vector([Float(1), 2, 3]), at: "/data/values")
    let artifact = Artifact(kind: .evaluation, provenance: Provenance(stage: "t", stageVersion: 1), content: content)
    let url = folder.appendingPathComponent("a.h5")
    let hash = try ArtifactFile.write(artifact, to: url)
    return (url, hash, folder)
  }

  @Test func theContentHashIsTheOneTheWriterReturned() throws {
    let (url, hash, _) = try Self.written()
    #expect(try ArtifactContentHasher(cacheFolder: nil).contentHash(of: url) == hash)
  }

  @Test func digestsMatchOnlyTheirOwnBytes() throws {
    let (url, hash, folder) = try Self.written()
    let hasher = ArtifactContentHasher(cacheFolder: folder)
    let digest = try OutputDigest(of: url, contentSHA256: hash)
    #expect(try hasher.matches(url, digest))
    #expect(try hasher.matches(url, digest))  // now from the cache
    var wrongSize = digest
    wrongSize.bytes += 1
    #expect(try !hasher.matches(url, wrongSize))
    var wrongBytes = digest
    wrongBytes.bytesSHA256 = String(repeating: "0", count: 64)
    wrongBytes.contentSHA256 = String(repeating: "1", count: 64)
    #expect(try !hasher.matches(url, wrongBytes))
    try hasher.save()
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("content-hashes.txt").path))
  }

  @Test func aStoresCacheSitsBesideIt() throws {
    let (url, hash, folder) = try Self.written()
    let hasher = ArtifactContentHasher(store: Store(root: folder.appendingPathComponent("store")))
    #expect(try hasher.contentHash(of: url) == hash)
    try hasher.save()
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("cache/content-hashes.txt").path))
  }
}
