import AMFEnvironments
import AMFInterop
import ArgumentParser
import Foundation

extension DemonstrationFormat: ExpressibleByArgument {}
extension EnvironmentID: ExpressibleByArgument {}

/// `amf-pipeline import`: outside data in, as sealed artifacts (docs/INTEROP.md, docs/BYO-EMBEDDINGS.md).
public struct ImportCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "import", abstract: "Import outside data as a sealed amf artifact.",
    subcommands: [ImportDemonstrationsCommand.self, ImportEmbeddingsCommand.self])

  public init() {}
}

/// `amf-pipeline export`: artifacts out, in other libraries' formats.
public struct ExportCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Export an amf artifact in another library's format.",
    subcommands: [ExportDemonstrationsCommand.self])

  public init() {}
}

/// `amf-pipeline import demonstrations --format robomimic|minari FILE --env NAME --output OUT.h5`.
public struct ImportDemonstrationsCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "demonstrations", abstract: "Import a robomimic file or a Minari dataset as a demonstrations artifact.",
    discussion: """
      Checks every episode against --env: observation and action widths, length (1 … the horizon), task id; \
      the first problem is one line naming the file, the episode and the fix (exit 65). The field mapping \
      is in docs/INTEROP.md. The artifact's provenance names the format and the SHA-256 of the source file.
      """)

  @Option(help: "The file's format.") var format: DemonstrationFormat
  @Argument(help: "A robomimic HDF5 file; for minari a dataset folder, its data folder, or main_data.hdf5.")
  var file: String
  @Option(help: "The amf environment the data was recorded in.") var env: EnvironmentID
  @Option(help: "integrator2d only: the goal count (default 12).") var goals: Int?
  @Option(help: "The per-episode attribute (or Minari infos/<key>) holding the task.")
  var taskKey = ImportOptions.defaultTaskKey
  @Option(help: ArgumentHelp("JSON object: task value or episode name → task id.", valueName: "file"))
  var taskMap: String?
  @Option(help: ArgumentHelp("Observation keys to concatenate, in order (default: all, by name).", valueName: "a,b"))
  var obsKeys: String?
  @Option(help: "Where to write the demonstrations artifact.") var output: String

  public init() {}

  public func run() throws {
    do {
      let options = ImportOptions(
        format: format, taskKey: taskKey, taskMap: try taskMap.map { try DemonstrationInterop.taskMap(URL(fileURLWithPath: $0)) },
        observationKeys: obsKeys.map { $0.split(separator: ",").map(String.init) })
      let target = try DemonstrationTarget(environment: env, goals: goals)
      let hash = try DemonstrationInterop.importFile(file, options: options, target: target, to: URL(fileURLWithPath: output))
      print("\(output): demonstrations, content sha256 \(hash)")
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline import demonstrations")
    }
  }
}

/// `amf-pipeline export demonstrations ART.h5 --format robomimic|minari --output FILE`.
public struct ExportDemonstrationsCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "demonstrations", abstract: "Write a demonstrations artifact as a robomimic file or a Minari dataset.",
    discussion: """
      robomimic: one HDF5 file (replaced atomically). minari: a dataset folder (data/main_data.hdf5, \
      data/metadata.json) that must not exist; point MINARI_DATASETS_PATH at its parent's parent to \
      minari.load_dataset it by id. The mapping is in docs/INTEROP.md.
      """)

  @Argument(help: "A demonstrations artifact.") var artifact: String
  @Option(help: "The format to write.") var format: DemonstrationFormat
  @Option(help: "minari only: the dataset id in metadata.json (default amf/<env>/export-v0).") var datasetId: String?
  @Option(help: "The robomimic file or the Minari dataset folder to write.") var output: String

  public init() {}

  public func run() throws {
    do {
      try DemonstrationInterop.export(
        URL(fileURLWithPath: artifact), format: format, to: URL(fileURLWithPath: output), datasetID: datasetId)
      print("\(output): \(format.rawValue)")
    } catch {
      throw ExitStatus.report(error, command: "amf-pipeline export demonstrations")
    }
  }
}
