import AMFStudy
import AMFArtifacts
import AMFCore
import AMFEnvironments
import AMFInterop
import AMFPipeline
import AMFPolicy
import AMFSelection
import AMFStages
import ArgumentParser
import Foundation

/// Exit codes of every amf command (HOUSE-STYLE §3.9), and the one place errors become them.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | a stage run failed inside `amf-pipeline run` (its log is named, or the orchestrator's own error around it, e.g. a full disk); `verify` found problems |
/// | 2 | `amf-pipeline status --exit-code`: something is stale |
/// | 130 | `amf-pipeline run` was interrupted (SIGINT/SIGTERM) |
/// | 64 | usage error (argument-parser's validation failure; a stage's unknown or missing input/output role) |
/// | 65 | bad input data: missing, truncated, corrupt or mistyped artifact; invalid parameters |
/// | 69 | the stage is not available in this build |
/// | 70 | internal error, e.g. a numerical failure (training diverged) |
/// | 74 | I/O error: the disk is full (ENOSPC), or libhdf5 crashed while writing; nothing was written |
/// | 75 | temporary failure: `gc` found the store in use by a running `run`; try again later |
public enum ExitStatus {
  public static let success: Int32 = 0
  public static let usage: Int32 = 64
  public static let dataError: Int32 = 65
  public static let unavailable: Int32 = 69
  public static let software: Int32 = 70
  public static let stageFailed: Int32 = 1
  public static let temporaryFailure: Int32 = 75
  public static let ioError: Int32 = 74

  /// The exit code for `error`.
  public static func code(for error: any Error) -> Int32 {
    // A full disk is an I/O failure, whichever layer met ENOSPC (HDF5's error stack or a plain write).
    if "\(error)".contains(String(cString: strerror(ENOSPC))) { return ioError }
    return switch error {
    case is ArtifactError: dataError
    case PipelineError.stageFailed: stageFailed
    case PipelineError.toolFailed, PipelineError.invalidParams: software
    case PipelineError.storeBusy: temporaryFailure
    case is PipelineError: dataError
    case SlurmError.commandMissing: unavailable
    case SlurmError.commandFailed: software
    case SlurmError.badSetting, SlurmError.unknownRun: usage
    case is SlurmError: dataError
    case is ManifestError: dataError
    case is ArmParams.Failure: usage
    case is DecodingError: dataError
    case StageError.unavailable: unavailable
    case StageError.computationFailed: software
    case let error as StageError: error.isUsageError ? usage : dataError
    case is EnvironmentError: dataError
    case is InteropError: dataError
    case is SelectionError: dataError
    case is InvalidParameter: dataError
    case PolicyError.diverged: software
    case is PolicyError: dataError
    default: software
    }
  }

  /// Prints `error` as one line on stderr, prefixed by the command's name, and returns the exit to throw.
  public static func report(_ error: any Error, command: String) -> ExitCode {
    FileHandle.standardError.write(Data(line(for: error, command: command).utf8))
    return ExitCode(code(for: error))
  }

  /// The one line `report` prints: newlines inside the error (libhdf5's error stack has them) folded into
  /// spaces; a full disk said first, with the detail cut at 400 characters.
  static func line(for error: any Error, command: String) -> String {
    let text = "\(error)".split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .joined(separator: " ")
    let diskFull = text.contains(String(cString: strerror(ENOSPC)))
    let shown = diskFull && text.count > 400 ? String(text.prefix(400)) + " …" : text
    return "\(command): error: " + (diskFull ? "the disk is full: free space, then rerun (\(shown))" : text) + "\n"
  }
}
