import Foundation

/// Runs the package's built executables from tests.
public enum Executables {
  /// The folder holding the built products: the test runner's own folder.
  public static var productsFolder: URL {
    let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments[0]
    var folder = URL(fileURLWithPath: runner).deletingLastPathComponent()
    // On Linux the runner is `<products>/amfPackageTests.xctest`; elsewhere it may sit in a bundle.
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("amf-pipeline").path),
      folder.path != "/"
    {
      folder = folder.deletingLastPathComponent()
    }
    return folder
  }

  /// The repository root (two levels above this file's folder).
  public static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }

  /// The result of a finished process.
  public struct Result: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
    /// Whether a signal ended the process (then `status` is the signal's number).
    public var terminatedBySignal = false
  }

  /// Runs product `name` with `arguments` and waits for it.
  public static func run(
    _ name: String, _ arguments: [String], environment: [String: String]? = nil, workingDirectory: URL? = nil
  ) throws -> Result {
    try run(executable: productsFolder.appendingPathComponent(name), arguments, environment: environment,
            workingDirectory: workingDirectory)
  }

  /// Runs any executable (a tool such as `h5dump` or `python3`) with `arguments` and waits for it.
  public static func run(
    executable: URL, _ arguments: [String], environment: [String: String]? = nil, workingDirectory: URL? = nil
  ) throws -> Result {
    let process = Process()
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Read before waiting so that a full pipe cannot block the child.
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
      standardError: String(decoding: errData, as: UTF8.self),
      terminatedBySignal: process.terminationReason == .uncaughtSignal)
  }

  /// Starts product `name` without waiting; output is discarded.
  public static func start(_ name: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = productsFolder.appendingPathComponent(name)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }
}
