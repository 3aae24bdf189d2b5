import AMFCore
import AMFStages
import ArgumentParser
import Foundation

/// `amf-pipeline`: the orchestrator, and a multi-call binary for the six stages.
public struct PipelineCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "amf-pipeline",
    abstract: "Run AMF studies from YAML manifests, rerunning only stale stage runs.",
    discussion: """
      Stage runs execute as `amf-pipeline stage <name> …` through this very binary, so the orchestrator \
      never runs an older or unoptimized copy of the stage code (README.md, "How the stages are found").

      Manifest keys with a closed set of values:
      \(ParameterChoices.text(ParameterChoices.all.filter(\.inManifests)))
      """,
    subcommands: [
      RunCommand.self, StatusCommand.self, DagCommand.self, ParamsCommand.self, ShowCommand.self, VerifyCommand.self,
      GCCommand.self, ArchiveCommand.self, CancelCommand.self, ImportCommand.self, ExportCommand.self, JobCommand.self,
      StageGroupCommand.self, VersionCommand.self,
    ])

  public init() {}
}

/// `amf-pipeline stage <name> …`: the stage commands, identical to the `amf-<name>` executables.
public struct StageGroupCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "stage",
    abstract: "Run one stage by hand, exactly as `amf-<name>` would.",
    subcommands: [
      PretrainCommand.self, EmbedCommand.self, SelectCommand.self, FinetuneCommand.self, EvaluateCommand.self,
      ReportCommand.self,
    ])

  public init() {}
}

/// `amf-pipeline version`: what this build is.
public struct VersionCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "version", abstract: "Print the version, the executable, and how the numerics were built.")

  public init() {}

  public func run() throws {
    print("amf \(BuildInfo.projectVersion)")
    print("executable: \(BuildInfo.executablePath)")
    print("numeric libraries optimized: \(BuildInfo.librariesAreOptimized ? "yes (-O)" : "no")")
    print("openblas: \(BuildInfo.blasConfiguration)")
    let kernel = BLASKernel.toPin(environment: ProcessInfo.processInfo.environment)
      ?? ProcessInfo.processInfo.environment[BLASKernel.variable].map { "\($0) (OPENBLAS_CORETYPE)" } ?? "OpenBLAS's choice"
    print("stage kernel: \(kernel)")
  }
}
