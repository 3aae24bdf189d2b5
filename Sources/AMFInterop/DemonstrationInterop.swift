import AMFArtifacts
import AMFCore
import Foundation

/// `amf-pipeline import demonstrations` and `export demonstrations`: robomimic and Minari files to sealed
/// `demonstrations` artifacts and back (docs/INTEROP.md).
public enum DemonstrationInterop {
  /// `amf.stage` of an imported artifact.
  public static let stage = "import"
  /// The import's algorithm version: a change to the mapping bumps it.
  public static let stageVersion = 1
  /// The `amf.inputs` name of the source file's SHA-256 (of its raw bytes).
  public static let sourceInput = "source_sha256"

  /// The provenance params of an import.
  struct Params: Encodable {
    var env: DemonstrationTarget.Settings
    var format: String
    var observationKeys: [String]
    var taskKey: String
    var taskMap: [String: Int]?
    enum CodingKeys: String, CodingKey {
      case env, format, observationKeys = "observation_keys", taskKey = "task_key", taskMap = "task_map"
    }
  }

  /// The sealed artifact of the file at `path` (a robomimic HDF5 file; a Minari dataset folder, its
  /// `data` folder or its `main_data.hdf5`), checked against `target`.
  ///
  /// Provenance: stage `import`, params `{env, format, observation_keys, task_key, task_map}`, inputs
  /// `{source_sha256: SHA-256 of the HDF5 file's bytes}`, seed 0.
  public static func artifact(from path: String, options: ImportOptions, target: DemonstrationTarget) throws -> Artifact {
    let url = options.format == .minari ? MinariLayout.dataURL(path) : URL(fileURLWithPath: path)
    let file = url.path
    let tree = try HDF5Tree.read(url)
    let recorded: (episodes: [RecordedEpisode], masks: [String: [Int]])
    switch options.format {
    case .robomimic: recorded = try RobomimicLayout.episodes(tree, file: file, options: options)
    case .minari: recorded = (try MinariLayout.episodes(tree, file: file, options: options), [:])
    }
    let set = try DemonstrationImporter.demonstrationSet(
      recorded.episodes, masks: recorded.masks, target: target, options: options, file: file)
    let params = Params(
      env: target.settings, format: options.format.rawValue,
      observationKeys: recorded.episodes.first?.observationKeys ?? [], taskKey: options.taskKey,
      taskMap: options.taskMap)
    let provenance = Provenance(
      stage: stage, stageVersion: stageVersion, paramsJSON: try CanonicalJSON.string(params),
      inputs: [sourceInput: try HDF5Tree.fileSHA256(url)], seed: 0)
    return try set.artifact(provenance: provenance)
  }

  /// Imports `path` and writes the artifact to `output` atomically; returns its content hash.
  @discardableResult
  public static func importFile(_ path: String, options: ImportOptions, target: DemonstrationTarget, to output: URL)
    throws -> String
  {
    try ArtifactFile.write(try artifact(from: path, options: options, target: target), to: output)
  }

  /// Writes the demonstrations artifact at `artifact` as `format` to `output`: a robomimic HDF5 file, or a
  /// Minari dataset folder (`output` must not exist; `datasetID` goes into its metadata).
  public static func export(_ artifact: URL, format: DemonstrationFormat, to output: URL, datasetID: String? = nil)
    throws
  {
    let set: DemonstrationSet
    do throws(ArtifactError) { set = try DemonstrationSet(ArtifactFile.read(artifact, expecting: .demonstrations)) } catch {
      throw error.inFile(artifact.path)
    }
    switch format {
    case .robomimic: try HDF5Tree.write(try RobomimicLayout.tree(of: set), to: output)
    case .minari:
      let id = datasetID ?? "amf/\(set.environmentName)/export-v0"
      try writeFolder(output) { folder in
        try HDF5Tree.write(try MinariLayout.tree(of: set), to: folder.appendingPathComponent(MinariLayout.dataFile))
        try Data(try MinariLayout.metadata(of: set, datasetID: id).utf8)
          .write(to: folder.appendingPathComponent(MinariLayout.metadataFile))
      }
    }
  }

  /// Reads a task map: a JSON object of task values or episode names to task ids.
  public static func taskMap(_ url: URL) throws(InteropError) -> [String: Int] {
    guard let data = try? Data(contentsOf: url) else {
      throw InteropError.taskMap(file: url.path, reason: "cannot read the file")
    }
    guard let map = try? JSONDecoder().decode([String: Int].self, from: data) else {
      throw InteropError.taskMap(file: url.path, reason: "not a JSON object whose values are integers")
    }
    return map
  }

  /// Makes the folder `output` complete or not at all: `produce` fills a temporary sibling, renamed at the end.
  static func writeFolder(_ output: URL, _ produce: (URL) throws -> Void) throws {
    let manager = FileManager.default
    guard !manager.fileExists(atPath: output.path) else { throw InteropError.outputExists(path: output.path) }
    let temporary = output.deletingLastPathComponent()
      .appendingPathComponent(output.lastPathComponent + AtomicFile.temporaryMarker + String(getpid()))
    try? manager.removeItem(at: temporary)
    try manager.createDirectory(at: temporary.appendingPathComponent("data"), withIntermediateDirectories: true)
    do {
      try produce(temporary)
      try manager.moveItem(at: temporary, to: output)
    } catch {
      try? manager.removeItem(at: temporary)
      throw error
    }
  }
}
