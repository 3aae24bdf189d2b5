import AMFCore
import Foundation

/// Everything a runner needs to execute one stage run.
public struct StageInvocation: Sendable {
  /// The stage run.
  public var run: StageRunSpec
  /// Its key.
  public var key: String
  /// Input role → file.
  public var inputs: [String: URL]
  /// Output role → file the stage must write.
  public var outputs: [String: URL]
  /// Where the stage's stdout and stderr go.
  public var log: URL
}

/// Executes stage runs: the seam between the engine and processes (tests substitute their own).
public protocol StageRunner: Sendable {
  /// Runs `invocation` and returns the exit status (0 = success).
  func run(_ invocation: StageInvocation) async throws -> Int32
  /// Stops every running child (SIGTERM, then SIGKILL after a grace period).
  func terminateAll()
}

/// Runs stages as child processes: `<executable> <leading arguments> <kind> --input … --params-file …
/// --seed … --output role=path …`, with OpenBLAS pinned to one thread and the child told to die with us.
public final class SubprocessStageRunner: StageRunner, @unchecked Sendable {
  /// The stage executable, normally this very binary (`amf-pipeline`).
  public let executable: URL
  /// Arguments before the stage kind, normally `["stage"]`.
  public let leadingArguments: [String]
  private let lock = NSLock()
  private var running: [Int32: Process] = [:]

  /// A runner that calls `executable leadingArguments… <kind> …`.
  public init(executable: URL, leadingArguments: [String] = ["stage"]) {
    self.executable = executable
    self.leadingArguments = leadingArguments
  }

  /// The command line for `invocation` (without the executable), params passed through `paramsFile`.
  public func arguments(for invocation: StageInvocation, paramsFile: URL) -> [String] {
    var arguments = leadingArguments + [invocation.run.kind]
    for role in invocation.inputs.keys.sorted() {
      if let url = invocation.inputs[role] { arguments += ["--input", "\(role)=\(url.path)"] }
    }
    arguments += ["--params-file", paramsFile.path, "--seed", String(invocation.run.seed)]
    for role in invocation.outputs.keys.sorted() {
      if let url = invocation.outputs[role] { arguments += ["--output", "\(role)=\(url.path)"] }
    }
    return arguments
  }

  public func run(_ invocation: StageInvocation) async throws -> Int32 {
    let folder = invocation.log.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let paramsFile = folder.appendingPathComponent(".\(invocation.key).params.\(getpid()).json")
    try PlainFile.write(Data(invocation.run.paramsJSON.utf8), to: paramsFile)
    defer { unlink(paramsFile.path) }
    try PlainFile.write(Data(), to: invocation.log)
    let log = try FileHandle(forWritingTo: invocation.log)
    defer { try? log.close() }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments(for: invocation, paramsFile: paramsFile)
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_NUM_THREADS"] = "1"
    if let kernel = BLASKernel.toPin(environment: environment) { environment[BLASKernel.variable] = kernel }
    environment["AMF_PARENT_PID"] = String(getpid())
    process.environment = environment
    process.standardOutput = log
    process.standardError = log
    process.standardInput = FileHandle.nullDevice
    return try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { [weak self] finished in
        self?.forget(finished.processIdentifier)
        // A stage killed by a signal reports 128 + the signal, as a shell does (Foundation gives the bare
        // signal number, indistinguishable from an exit status).
        let status = finished.terminationReason == .uncaughtSignal
          ? 128 + finished.terminationStatus : finished.terminationStatus
        continuation.resume(returning: status)
      }
      do {
        try process.run()
        remember(process)
      } catch {
        continuation.resume(throwing: error)
      }
    }
  }

  private func remember(_ process: Process) {
    lock.withLock { running[process.processIdentifier] = process }
  }

  private func forget(_ pid: Int32) {
    _ = lock.withLock { running.removeValue(forKey: pid) }
  }

  public func terminateAll() {
    let children = lock.withLock { Array(running.values) }
    for child in children where child.isRunning { kill(child.processIdentifier, SIGTERM) }
    let deadline = Date().addingTimeInterval(5)
    while children.contains(where: \.isRunning), Date() < deadline { usleep(20_000) }
    for child in children where child.isRunning { kill(child.processIdentifier, SIGKILL) }
  }
}
