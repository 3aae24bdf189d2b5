import AMFArtifacts
import AMFEnvironments
import AMFTestSupport
import Foundation
import Testing

@testable import AMFInterop

/// Imports of hand-made robomimic and Minari files (written by the project's HDF5 layer, no Python):
/// the exact numbers of each field mapping, and the round trips.
@Suite struct DemonstrationImportTests {
  @Test func robomimicMapsEveryFieldInRobomimicsOrder() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let file = try InteropFixtures.write(InteropFixtures.robomimicTree(), "robo.hdf5", in: folder)
    let target = try InteropFixtures.integrator()
    let artifact = try DemonstrationInterop.artifact(from: file, options: ImportOptions(format: .robomimic), target: target)
    let set = try DemonstrationSet(artifact)
    #expect(set.demonstrations.map(\.task) == [2, 5])  // demo_2 before demo_10
    let first = set.demonstrations[0]
    #expect(first.observations == [0, 0.5, 1, 0.5, 2, 0.5])  // [pos, vel] per step
    #expect(first.actions == [0, 0, 0.25, -0.25, 0.5, -0.5])
    #expect(first.rewards == [0, 0, 1])
    #expect(first.dones == [false, false, true])
    #expect(first.isSuccess == false)  // the success attribute wins over the last reward
    #expect(set.demonstrations[1].isSuccess == true)  // last reward 1
    #expect(set.demonstrations[1].observations == [10, 0.5, 11, 0.5])
    #expect(first.taskFeatures == target.taskFeatures[2])
    #expect(first.source == "pretrain")
    #expect(first.expertNoiseStd == target.expertNoiseStd[2])
    #expect(set.masks == ["train": [1]])
    #expect(set.environmentName == "integrator2d")
    #expect(artifact.provenance.stage == "import")
    #expect(artifact.provenance.paramsJSON.contains(#""observation_keys":["pos","vel"]"#))
    #expect(artifact.provenance.inputs == [DemonstrationInterop.sourceInput: try HDF5Tree.fileSHA256(URL(fileURLWithPath: file))])
  }

  @Test func observationKeysAreConcatenatedInTheOrderGiven() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let file = try InteropFixtures.write(InteropFixtures.robomimicTree(), "robo.hdf5", in: folder)
    let options = ImportOptions(format: .robomimic, observationKeys: ["vel", "pos"])
    let set = try DemonstrationSet(
      DemonstrationInterop.artifact(from: file, options: options, target: InteropFixtures.integrator()))
    #expect(set.demonstrations[0].observations == [0.5, 0, 0.5, 1, 0.5, 2])
  }

  @Test func minariDropsTheFinalObservationAndReadsTasksFromInfos() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let file = try InteropFixtures.write(InteropFixtures.minariTree(), "main_data.hdf5", in: folder)
    let set = try DemonstrationSet(
      DemonstrationInterop.artifact(from: file, options: ImportOptions(format: .minari), target: InteropFixtures.integrator()))
    #expect(set.demonstrations.map(\.task) == [7, 1])
    #expect(set.demonstrations[0].observations == [0, 0, 1, -1, 2, -2])  // row (3, −3) dropped
    #expect(set.demonstrations[0].actions == [0, 0.125, 0.25, 0.375, 0.5, 0.625])
    #expect(set.demonstrations[0].rewards == [0, -1, -2])
    #expect(set.demonstrations[0].dones == [false, false, true])  // terminations
    #expect(set.demonstrations[1].dones == [false, false])  // a truncation is not a done
    #expect(set.demonstrations.map(\.isSuccess) == [true, true])  // last termination; infos/success
  }

  @Test func aTaskMapResolvesNamesAndEpisodes() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    var tree = try InteropFixtures.robomimicTree()
    try tree.setAttribute("skill", .scalar("open"), onGroup: "/data/demo_2")
    let file = try InteropFixtures.write(tree, "robo.hdf5", in: folder)
    let options = ImportOptions(format: .robomimic, taskKey: "skill", taskMap: ["open": 4, "demo_10": 9])
    let set = try DemonstrationSet(
      DemonstrationInterop.artifact(from: file, options: options, target: InteropFixtures.integrator()))
    #expect(set.demonstrations.map(\.task) == [4, 9])
  }

  /// import → export → import gives the same artifact bytes, and export → import → export the same file bytes.
  @Test(arguments: DemonstrationFormat.allCases) func roundTripsAreByteExact(format: DemonstrationFormat) throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let source = try InteropFixtures.write(InteropFixtures.robomimicTree(), "robo.hdf5", in: folder)
    let target = try InteropFixtures.integrator()
    let original = folder.file("original.h5")
    try DemonstrationInterop.importFile(source, options: ImportOptions(format: .robomimic), target: target, to: original)
    let exported = [folder.file("export-1"), folder.file("export-2")]
    let imported = [folder.file("import-1.h5"), folder.file("import-2.h5")]
    try DemonstrationInterop.export(original, format: format, to: exported[0])
    try DemonstrationInterop.importFile(exported[0].path, options: ImportOptions(format: format), target: target, to: imported[0])
    try DemonstrationInterop.export(imported[0], format: format, to: exported[1])
    try DemonstrationInterop.importFile(exported[1].path, options: ImportOptions(format: format), target: target, to: imported[1])
    #expect(try Data(contentsOf: imported[0]) == Data(contentsOf: imported[1]))
    let data = format == .minari ? MinariLayout.dataFile : ""
    #expect(
      try Data(contentsOf: exported[0].appendingPathComponent(data)) == Data(contentsOf: exported[1].appendingPathComponent(data)))
    // The demonstrations survive the trip exactly (the provenance names another source file).
    let before = try InteropFixtures.demonstrations(original)
    let after = try InteropFixtures.demonstrations(imported[0])
    #expect(before.demonstrations == after.demonstrations)
    #expect(after.masks == (format == .robomimic ? before.masks : [:]))  // Minari has no masks
  }

  /// The content hash of the fixture's import: a change to the mapping must bump `stageVersion` and this.
  @Test func importContentHashIsPinned() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let file = try InteropFixtures.write(InteropFixtures.robomimicTree(), "robo.hdf5", in: folder)
    let fileHash = try HDF5Tree.fileSHA256(URL(fileURLWithPath: file))
    #expect(fileHash == "6d7dc188ab9b423a5e05b5faf3871dfe5863d0a0e83452aef0f1c4ca3ecaef25")
    let artifact = try DemonstrationInterop.artifact(
      from: file, options: ImportOptions(format: .robomimic), target: InteropFixtures.integrator())
    let contentHash = try artifact.contentHash()
    #expect(contentHash == "f8cc30ccb9856ffeb727fed00b55da65b42d22b205cf4326ea1602744d017559")
  }

  @Test func minariExportIsALoadableDatasetFolder() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let source = try InteropFixtures.write(InteropFixtures.robomimicTree(), "robo.hdf5", in: folder)
    let artifact = folder.file("a.h5")
    try DemonstrationInterop.importFile(
      source, options: ImportOptions(format: .robomimic), target: InteropFixtures.integrator(), to: artifact)
    let output = folder.file("amf/integrator2d/test-v0")
    try DemonstrationInterop.export(artifact, format: .minari, to: output, datasetID: "amf/integrator2d/test-v0")
    let tree = try HDF5Tree.read(output.appendingPathComponent(MinariLayout.dataFile))
    #expect(try tree.dataset(at: "/episode_0/observations").shape == [4, 2])  // T + 1 rows
    #expect(try tree.dataset(at: "/episode_1/truncations").elements == .uint8([0, 0]))
    let metadata = try String(contentsOf: output.appendingPathComponent(MinariLayout.metadataFile), encoding: .utf8)
    #expect(metadata.contains(#""total_episodes": 2, "total_steps": 5"#))
    #expect(metadata.contains(#""dataset_id": "amf\/integrator2d\/test-v0""#) || metadata.contains(#""dataset_id": "amf/integrator2d/test-v0""#))
    #expect(throws: InteropError.outputExists(path: output.path)) {
      try DemonstrationInterop.export(artifact, format: .minari, to: output)
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
    #expect(leftovers == ["test-v0"])
  }
}
