import AMFArtifacts
import AMFEnvironments
import AMFTestSupport
import Foundation
import Testing

@testable import AMFInterop

/// Every bad input is one `InteropError` naming the file, the episode or object, and the fix.
@Suite struct DemonstrationImportErrorTests {
  /// Imports `tree` (robomimic unless `format` says otherwise) into integrator2d or `environment`.
  func importing(
    _ tree: ArtifactGroup, format: DemonstrationFormat = .robomimic, environment: EnvironmentID = .integrator2d,
    options: ImportOptions? = nil
  ) throws -> (file: String, run: () throws -> Void) {
    let folder = try TemporaryDirectory()
    let file = try InteropFixtures.write(tree, "in.hdf5", in: folder)
    let target = try DemonstrationTarget(environment: environment)
    return (file, { _ = try DemonstrationInterop.artifact(from: file, options: options ?? ImportOptions(format: format), target: target) })
  }

  @Test func observationWidthNamesTheKeysAndTheEnvironment() throws {
    let (file, run) = try importing(InteropFixtures.robomimicTree(), environment: .reacher)
    #expect(throws: InteropError.observationWidth(
      file: file, episode: "demo_2", keys: ["pos", "vel"], found: 2, expected: 8, environment: "reacher")) { try run() }
  }

  @Test func actionWidth() throws {
    let (file, run) = try importing(InteropFixtures.robomimicTree(), options: ImportOptions(format: .robomimic, observationKeys: ["pos", "vel"]))
    _ = file
    try run()  // fits integrator2d
    var tree = try InteropFixtures.robomimicTree()
    try tree.setDataset(try .matrix([Float](repeating: 0, count: 9), rows: 3, columns: 3), at: "/data/demo_2/actions")
    let bad = try importing(tree)
    #expect(throws: InteropError.actionWidth(file: bad.file, episode: "demo_2", found: 3, expected: 2, environment: "integrator2d")) {
      try bad.run()
    }
  }

  @Test func lengthsMustAgree() throws {
    var tree = try InteropFixtures.robomimicTree()
    try tree.setDataset(.vector([0.0, 1.0]), at: "/data/demo_2/rewards")
    let (file, run) = try importing(tree)
    #expect(throws: InteropError.lengthMismatch(
      file: file, episode: "/data/demo_2", field: "rewards", found: 2, expected: 3, reason: "one row per action")) { try run() }
  }

  @Test func minariNeedsTheFinalObservation() throws {
    var tree = try InteropFixtures.minariTree()
    try tree.setDataset(try .matrix([Float](repeating: 0, count: 6), rows: 3, columns: 2), at: "/episode_0/observations")
    let (file, run) = try importing(tree, format: .minari)
    #expect(throws: InteropError.lengthMismatch(
      file: file, episode: "/episode_0", field: "observations", found: 3, expected: 4,
      reason: "one row per action plus the final observation")) { try run() }
  }

  @Test func episodesLongerThanTheHorizonAreRefused() throws {
    var tree = ArtifactGroup()
    try InteropFixtures.demo(&tree, "/data/demo_0", steps: 21, task: 0, offset: 0)
    let (file, run) = try importing(tree)
    #expect(throws: InteropError.episodeLength(file: file, episode: "demo_0", steps: 21, horizon: 20, environment: "integrator2d")) {
      try run()
    }
  }

  @Test func taskOutOfRange() throws {
    var tree = try InteropFixtures.robomimicTree()
    try tree.setAttribute("task", .scalar(Int64(12)), onGroup: "/data/demo_10")
    let (file, run) = try importing(tree)
    #expect(throws: InteropError.taskOutOfRange(
      file: file, episode: "demo_10", field: "task", task: 12, taskCount: 12, environment: "integrator2d")) { try run() }
  }

  @Test func taskMissingAndUnmapped() throws {
    let (file, run) = try importing(InteropFixtures.robomimicTree(), options: ImportOptions(format: .robomimic, taskKey: "goal"))
    #expect(throws: InteropError.taskMissing(file: file, episode: "demo_2", key: "goal")) { try run() }
    var tree = try InteropFixtures.robomimicTree()
    try tree.setAttribute("task", .scalar("open"), onGroup: "/data/demo_2")
    let named = try importing(tree)
    #expect(throws: InteropError.taskUnmapped(file: named.file, episode: "demo_2", key: "task", value: "open")) { try named.run() }
  }

  @Test func layoutErrors() throws {
    var noData = ArtifactGroup()
    try noData.ensureGroup(at: "/stuff")
    let missing = try importing(noData)
    #expect(throws: InteropError.layout(file: missing.file, object: "/data", format: "robomimic", reason: "missing group")) {
      try missing.run()
    }
    var stray = try InteropFixtures.robomimicTree()
    try stray.ensureGroup(at: "/data/extra")
    let extra = try importing(stray)
    #expect(throws: InteropError.layout(
      file: extra.file, object: "/data/extra", format: "robomimic", reason: "a group not named demo_<N>")) { try extra.run() }
  }

  @Test func nonFiniteValuesAreRefused() throws {
    var tree = try InteropFixtures.robomimicTree()
    try tree.setDataset(.vector([0.0, .nan, 1.0]), at: "/data/demo_2/rewards")
    let (file, run) = try importing(tree)
    #expect(throws: InteropError.invalidValue(
      file: file, object: "demo_2/rewards", reason: "has a NaN or infinite value",
      fix: "clean the recording or drop the episode")) { try run() }
  }

  @Test func taskMapFileMustBeAnObjectOfIntegers() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let url = folder.file("map.json")
    try Data(#"{"open": "three"}"#.utf8).write(to: url)
    #expect(throws: InteropError.taskMap(file: url.path, reason: "not a JSON object whose values are integers")) {
      _ = try DemonstrationInterop.taskMap(url)
    }
    try Data(#"{"open": 3}"#.utf8).write(to: url)
    #expect(try DemonstrationInterop.taskMap(url) == ["open": 3])
  }

  /// The command prints one line naming the file and the fix, and exits 65.
  @Test func theCommandExits65WithOneLine() throws {
    var tree = try InteropFixtures.robomimicTree()
    try tree.setAttribute("task", .scalar(Int64(12)), onGroup: "/data/demo_10")
    let (file, _) = try importing(tree)
    let output = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("out.h5")
    let result = try Executables.run(
      "amf-pipeline",
      ["import", "demonstrations", "--format", "robomimic", file, "--env", "integrator2d", "--output", output.path])
    #expect(result.status == 65)
    #expect(result.standardError.split(separator: "\n").count == 1)
    #expect(result.standardError.contains("\(file): demo_10@task: task 12 is not a task of integrator2d"))
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }
}
