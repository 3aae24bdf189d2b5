import AMFArtifacts
import AMFTestSupport
import Foundation
import Testing

@testable import AMFInterop

/// The interop Python's scripts (`InteropPython` finds the interpreter).
enum InteropInstall {
  /// Runs `Tests/AMFInteropTests/Python/<script>` with `arguments` and decodes its JSON stdout.
  static func run(_ script: String, _ arguments: [String]) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(InteropPython.path))
    let folder = Executables.repositoryRoot.appendingPathComponent("Tests/AMFInteropTests/Python")
    process.arguments = [folder.appendingPathComponent(script).path] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "\(script) exited \(process.terminationStatus)")
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }
}

/// Rows of a JSON matrix (a list of lists of numbers) as float32, row-major.
private func floats(_ value: Any?) -> [Float] {
  ((value as? [[Double]]) ?? []).flatMap { $0.map { Float($0) } }
}

/// Files made by the libraries themselves: Minari's DataCollector and h5py in robomimic's layout; exports
/// loaded back by Minari's loader and by robomimic 0.3.0's SequenceDataset. Skipped (with the command that enables
/// them) when the interop Python is not installed.
@Suite(.enabled(if: InteropPython.path != nil, "the interop Python is not installed: run `bash Scripts/setup.sh --interop`"))
struct InteropPythonTests {
  @Test func aMinariDataCollectorDatasetImportsWithItsNumbers() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let made = try InteropInstall.run("make_minari.py", [folder.url.path])
    #expect(made["minari"] as? String == "0.5.4")
    let dataset = folder.file("amf/pointmass/test-v0")
    let artifact = folder.file("imported.h5")
    try DemonstrationInterop.importFile(
      dataset.path, options: ImportOptions(format: .minari), target: InteropFixtures.integrator(), to: artifact)
    let set = try InteropFixtures.demonstrations(artifact)
    let episodes = try #require(made["episodes"] as? [[String: Any]])
    #expect(set.demonstrations.count == episodes.count)
    for (demo, episode) in zip(set.demonstrations, episodes) {
      #expect(demo.task == episode["task"] as? Int)
      #expect(demo.observations == floats(episode["observations"]).dropLast(2))  // the final observation
      #expect(demo.actions == floats(episode["actions"]))
      #expect(demo.rewards == ((episode["rewards"] as? [Double]) ?? []).map { Float($0) })
      #expect(demo.dones == ((episode["terminations"] as? [Int]) ?? []).map { $0 != 0 })
    }
    try exportsLoadWithTheSameNumbers(set, artifact: artifact, folder: folder)
  }

  @Test func anH5pyRobomimicFileImportsWithItsNumbers() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let file = folder.file("demo.hdf5")
    let made = try InteropInstall.run("make_robomimic.py", [file.path])
    let artifact = folder.file("imported.h5")
    try DemonstrationInterop.importFile(
      file.path, options: ImportOptions(format: .robomimic), target: InteropFixtures.integrator(), to: artifact)
    let set = try InteropFixtures.demonstrations(artifact)
    let demos = try #require(made["episodes"] as? [[String: Any]])
    #expect(set.demonstrations.map(\.task) == demos.map { $0["task"] as? Int ?? -1 })
    for (demo, expected) in zip(set.demonstrations, demos) {
      #expect(demo.observations == floats(expected["observations"]))  // [x, y], x narrowed from float64
      #expect(demo.actions == floats(expected["actions"]))
      #expect(demo.rewards == ((expected["rewards"] as? [Double]) ?? []).map { Float($0) })
      #expect(demo.dones == ((expected["dones"] as? [Int]) ?? []).map { $0 != 0 })
    }
    #expect(set.masks == ["train": [0, 1], "valid": [1]])
    try exportsLoadWithTheSameNumbers(set, artifact: artifact, folder: folder)
  }

  /// robomimic 0.3.0's own loader reads the robomimic export: `file_utils.get_env_metadata_from_dataset` and
  /// `get_shape_metadata_from_dataset`, and `SequenceDataset` (seq_length 1) over the whole file and over each
  /// `mask/<split>` (`filter_by_attribute`), give every sample's action, observation, reward and done of the
  /// artifact, in order and as float32 (Python prints each float32 exactly as a double).
  @Test func robomimicsSequenceDatasetLoadsTheExportWithItsNumbers() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let source = try InteropFixtures.write(InteropFixtures.robomimicTree(), "robo.hdf5", in: folder)
    let artifact = folder.file("demos.h5")
    try DemonstrationInterop.importFile(
      source, options: ImportOptions(format: .robomimic), target: InteropFixtures.integrator(), to: artifact)
    let set = try InteropFixtures.demonstrations(artifact)
    // two demos (T = 3 and 2) and a split
    try #require(set.demonstrations.count == 2 && set.masks == ["train": [1]])
    let export = folder.file("export.hdf5")
    try DemonstrationInterop.export(artifact, format: .robomimic, to: export)
    let splits = set.masks.keys.sorted()
    let read = try InteropInstall.run("robomimic_loader.py", [export.path] + splits)
    #expect(read["robomimic"] as? String == "0.3.0")
    let environment = try #require(read["env_meta"] as? [String: Any])
    #expect(environment["env_name"] as? String == set.environmentName)
    #expect(environment["type"] as? Int == 2)  // EnvType.GYM_TYPE
    let shapes = try #require(read["shape_meta"] as? [String: Any])
    #expect(shapes["ac_dim"] as? Int == set.actionDimension)
    let observationShape = ["observation": [set.observationDimension]]
    #expect((shapes["all_shapes"] as? [String: [Int]]) == observationShape)
    #expect(shapes["all_obs_keys"] as? [String] == ["observation"])
    #expect(shapes["use_images"] as? Bool == false)
    let everything = try #require(read["dataset"] as? [String: Any])
    try expectSamples(everything, of: set, demos: Array(set.demonstrations.indices))
    let masks = try #require(read["masks"] as? [String: [String: Any]])
    #expect(masks.keys.sorted() == splits)
    for split in splits {
      let indices = try #require(set.masks[split])
      let mask = try #require(masks[split])
      // file_utils.get_demos_for_filter_key
      #expect(mask["demos"] as? [String] == indices.map(DemonstrationSet.demoName))
      try expectSamples(try #require(mask["dataset"] as? [String: Any]), of: set, demos: indices)
    }
  }

  /// A SequenceDataset read (robomimic_loader.py's `load`) holds exactly the steps of `set`'s `demos`, in
  /// order.
  func expectSamples(_ loaded: [String: Any], of set: DemonstrationSet, demos: [Int]) throws {
    let names = demos.map(DemonstrationSet.demoName)
    let chosen = demos.map { set.demonstrations[$0] }
    #expect(loaded["demos"] as? [String] == names)
    #expect(loaded["n_demos"] as? Int == demos.count)
    #expect(loaded["samples"] as? Int == chosen.reduce(0) { $0 + $1.stepCount })
    let demoOfSample = zip(names, chosen).flatMap { Array(repeating: $0, count: $1.stepCount) }
    #expect(loaded["demo_of_sample"] as? [String] == demoOfSample)
    #expect(loaded["action_shape"] as? [Int] == [1, set.actionDimension])
    #expect(loaded["observation_shape"] as? [Int] == [1, set.observationDimension])
    #expect(loaded["action_dtype"] as? String == "float32")
    #expect(loaded["observation_dtype"] as? String == "float32")
    let actions = floats(loaded["actions"])
    let observations = floats(loaded["observations"])
    #expect(actions == chosen.flatMap(\.actions))
    #expect(observations == chosen.flatMap(\.observations))
    #expect(((loaded["rewards"] as? [Double]) ?? []).map { Float($0) } == chosen.flatMap(\.rewards))
    #expect(((loaded["dones"] as? [Int]) ?? []).map { $0 != 0 } == chosen.flatMap(\.dones))
    // the first and the last sample, spelled out
    let first = try #require(chosen.first)
    let last = try #require(chosen.last)
    let (a, d) = (set.actionDimension, set.observationDimension)
    #expect(Array(actions.prefix(a)) == Array(first.actions.prefix(a)))
    #expect(Array(actions.suffix(a)) == Array(last.actions.suffix(a)))
    #expect(Array(observations.prefix(d)) == Array(first.observations.prefix(d)))
    #expect(Array(observations.suffix(d)) == Array(last.observations.suffix(d)))
  }

  /// Exports `artifact` to both formats; Minari's loader and a robomimic-style h5py read give `set`'s numbers,
  /// and importing each export gives the same demonstrations.
  func exportsLoadWithTheSameNumbers(_ set: DemonstrationSet, artifact: URL, folder: TemporaryDirectory) throws {
    let minari = folder.file("export/amf/pointmass/export-v0")
    let robomimic = folder.file("export.hdf5")
    try DemonstrationInterop.export(artifact, format: .minari, to: minari)
    try DemonstrationInterop.export(artifact, format: .robomimic, to: robomimic)
    let read = try InteropInstall.run("read_exports.py", [minari.path, robomimic.path])
    let minariRead = try #require(read["minari"] as? [String: Any])
    #expect(minariRead["total_episodes"] as? Int == set.demonstrations.count)
    #expect(minariRead["total_steps"] as? Int == set.demonstrations.reduce(0) { $0 + $1.stepCount })
    let loaded = try #require(minariRead["episodes"] as? [[String: Any]])
    let demos = try #require((read["robomimic"] as? [String: Any])?["demos"] as? [[String: Any]])
    for (index, demo) in set.demonstrations.enumerated() {
      let final = Array(demo.observations.suffix(set.observationDimension))
      #expect(floats(loaded[index]["observations"]) == demo.observations + final)
      #expect(floats(loaded[index]["actions"]) == demo.actions)
      #expect(((loaded[index]["rewards"] as? [Double]) ?? []).map { Float($0) } == demo.rewards)
      #expect(((loaded[index]["terminations"] as? [Int]) ?? []).map { $0 != 0 } == demo.dones)
      #expect(floats(demos[index]["observations"]) == demo.observations)
      #expect(floats(demos[index]["actions"]) == demo.actions)
      #expect(demos[index]["task"] as? Int == demo.task)
    }
    for (format, url) in [(DemonstrationFormat.minari, minari), (.robomimic, robomimic)] {
      let again = folder.file("again-\(format.rawValue).h5")
      try DemonstrationInterop.importFile(
        url.path, options: ImportOptions(format: format), target: InteropFixtures.integrator(), to: again)
      #expect(try InteropFixtures.demonstrations(again).demonstrations == set.demonstrations)
    }
  }
}

/// `examples/python/byo_embeddings.py` (NumPy and h5py only) end to end, skipped without the interop Python.
@Suite(.enabled(if: InteropPython.path != nil, "the interop Python is not installed: run `bash Scripts/setup.sh --interop`"))
struct ExamplePythonTests {
  /// The example's picks and scores, read back with h5py, are those of the same problem built in Swift from
  /// the file it wrote.
  @Test func theByoEmbeddingsExamplePicksWhatSwiftPicks() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(InteropPython.path))
    let script = Executables.repositoryRoot.appendingPathComponent("examples/python/byo_embeddings.py")
    let amf = Executables.productsFolder.appendingPathComponent("amf-pipeline")
    process.arguments = [script.path, amf.path, folder.url.path, "--json"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)
    let printed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let set = try EmbeddingSet(EmbeddingsImport.artifact(from: folder.file("byo.h5")))
    let expected = try EmbeddingsSelection.amf(set, batch: 2, seed: 0)
    #expect(printed["selected"] as? [Int] == expected.selected)
    #expect(printed["selected"] as? [Int] == [0, 1])
    // Python prints the shortest round-tripping decimals, but Foundation's JSON parser on Linux may land one
    // ulp off; the bits are compared exactly through HDF5 in EmbeddingsImportTests.
    let scores = try #require(printed["scores"] as? [[Double]])
    #expect(scores.count == expected.scores.count)
    for (row, expectedRow) in zip(scores, expected.scores) {
      #expect(row.count == expectedRow.count)
      for (found, want) in zip(row, expectedRow) { #expect(abs(found - want) <= 1e-12 * max(1, abs(want))) }
    }
    #expect(set.taskCount == 4 && set.poolCount == 8 && set.candidates.width == 8 && set.importanceWeights)
  }
}
