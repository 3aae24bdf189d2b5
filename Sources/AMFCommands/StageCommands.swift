import AMFCore
import AMFStages
import Foundation
import ArgumentParser

/// What the six stage commands share: their configuration and their run.
enum StageCommandSupport {
  static func configuration(for kind: StageKind) -> CommandConfiguration {
    let inputs = kind.inputs.isEmpty
      ? "  (none)"
      : kind.inputs.map { "  --input \($0.role)=PATH   \($0.meaning) (\($0.kind?.rawValue ?? "any"))" }
        .joined(separator: "\n")
    let outputs = zip(kind.outputRoles, kind.outputKinds).map { "\($0) (\($1.rawValue))" }.joined(separator: ", ")
    let parameters = kind.parameterHelp.map { "\n\($0)\n" } ?? ""
    return CommandConfiguration(
      commandName: kind.executableName,
      abstract: kind.abstract,
      discussion: """
        Inputs:
        \(inputs)
        Writes: \(outputs) (HDF5, ARTIFACTS.md) with \(kind.outputUsage), atomically: a failed or killed run \
        leaves no file at any output.
        \(parameters)
        Progress goes to stderr; --json prints a summary (outputs, content hashes, seconds) on stdout.
        Exit codes: 0 success, 64 usage, 65 bad input data or parameters, 69 unavailable, 70 internal error.
        """,
      aliases: [kind.rawValue])
  }

  static func run(_ kind: StageKind, _ options: StageOptions) throws {
    BLASKernelPin.reexecIfNeeded()
    guard ParentWatch.dieWithParent() else { throw ExitCode(ExitStatus.software) }
    let summary: StageSummary
    do {
      summary = try kind.execute(options.request, progress: .standardError(label: kind.executableName))
    } catch {
      throw ExitStatus.report(error, command: kind.executableName)
    }
    if options.json { print((try? summary.jsonText()) ?? "{}") }
  }
}

/// `amf-pretrain`.
public struct PretrainCommand: ParsableCommand {
  public static let configuration = StageCommandSupport.configuration(for: .pretrain)
  @OptionGroup public var options: StageOptions
  public init() {}
  public func run() throws { try StageCommandSupport.run(.pretrain, options) }
}

/// `amf-embed`.
public struct EmbedCommand: ParsableCommand {
  public static let configuration = StageCommandSupport.configuration(for: .embed)
  @OptionGroup public var options: StageOptions
  public init() {}
  public func run() throws { try StageCommandSupport.run(.embed, options) }
}

/// `amf-select`.
public struct SelectCommand: ParsableCommand {
  public static let configuration = StageCommandSupport.configuration(for: .select)
  @OptionGroup public var options: StageOptions
  public init() {}
  public func run() throws { try StageCommandSupport.run(.select, options) }
}

/// `amf-finetune`; `--demonstrations-from FILE` is the input `demonstrations_from=FILE` (recorded in provenance).
public struct FinetuneCommand: ParsableCommand {
  public static let configuration = StageCommandSupport.configuration(for: .finetune)
  @OptionGroup public var options: StageOptions
  @Option(
    name: .customLong("demonstrations-from"),
    help: ArgumentHelp(
      "Take each selected task's next unused demonstration from this demonstrations artifact (e.g. recorded on a "
        + "real robot) instead of querying the simulated expert.", valueName: "file"))
  public var demonstrationsFrom: String?
  public init() {}
  public func run() throws {
    var options = options
    if let file = demonstrationsFrom { options.inputs.append("\(FinetuneStage.recordedRole)=\(file)") }
    try StageCommandSupport.run(.finetune, options)
  }
}

/// `amf-evaluate`.
public struct EvaluateCommand: ParsableCommand {
  public static let configuration = StageCommandSupport.configuration(for: .evaluate)
  @OptionGroup public var options: StageOptions
  public init() {}
  public func run() throws { try StageCommandSupport.run(.evaluate, options) }
}

/// `amf-report`.
public struct ReportCommand: ParsableCommand {
  public static let configuration = StageCommandSupport.configuration(for: .report)
  @OptionGroup public var options: StageOptions
  public init() {}
  public func run() throws { try StageCommandSupport.run(.report, options) }
}

/// Makes a stage started by hand use the pinned OpenBLAS kernel (`BLASRuntime.pinnedKernel`), as the
/// orchestrator's children do: OpenBLAS reads `OPENBLAS_CORETYPE` when it loads, before `main`, so the
/// process sets it and replaces itself with a fresh copy (once: the copy finds it set).
enum BLASKernelPin {
  static func reexecIfNeeded() {
    guard let kernel = BLASKernel.toPin(environment: ProcessInfo.processInfo.environment) else { return }
    setenv(BLASKernel.variable, kernel, 1)
    let arguments = CommandLine.arguments
    var pointers = arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", &pointers)
    // Only reached when exec failed: go on with OpenBLAS's own kernel choice, and say so.
    FileHandle.standardError.write(Data("warning: could not re-execute with \(BLASKernel.variable)=\(kernel) (\(String(cString: strerror(errno)))); results may differ in the last bits from other machines\n".utf8))
  }
}
