import AMFCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A Meta-World bridge server for the stage processes of one `amf-pipeline run` (issue #20).
///
/// Starting a bridge child costs each stage process about 1.1 s of Python imports, and each of its simulators
/// a model compile. The server (`MetaWorldBridgeScript`, `--serve`) pays both once: it imports Meta-World and
/// MuJoCo, compiles every task's model, then forks one child per connection on a Unix socket. A stage whose
/// environment names the socket in `$AMF_METAWORLD_BRIDGE_SERVER` (`MetaWorldBridge.shared`) connects, hands
/// over its stderr, and speaks to the forked child exactly as to a child of its own; episodes are the same
/// bits (`MetaWorldTests.servedChildrenGiveTheSameEpisodes`). When the server is gone, a stage starts its own
/// child, so a stage run by hand or under Slurm is unchanged.
///
/// The server leaves when its stdin closes, i.e. when the process that started it ends, however it ends.
public final class BridgeServer {
  /// The variable naming the server's socket for stage processes; empty or `off` means none.
  public static let variable = "AMF_METAWORLD_BRIDGE_SERVER"

  /// The socket stage processes connect to.
  public let socketPath: String
  /// The server's hello (versions), as a child's.
  public let hello: [String: Any]
  private let process: Process
  private let input: FileHandle
  private let folder: URL

  /// The socket named in `environment`, or nil when it is unset, empty or `off`.
  public static func configuredSocket(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    guard let value = environment[variable], !value.isEmpty, value != "off" else { return nil }
    return value
  }

  /// Starts the server with `python` (default: `PythonLocator`'s) and waits for its hello.
  ///
  /// Edge cases: throws `BridgeError.launchFailed` when Python cannot start, `.handshakeRejected` when the
  /// server cannot import Meta-World or has other versions than `MetaWorldBridge.pinnedVersions`, and
  /// `.timeout` after `startupTimeout` seconds; nothing is left running or on disk then.
  public init(python: URL? = nil, startupTimeout: Double = 120) throws {
    let python = try python ?? PythonLocator.metaWorldPython()
    let label = "the Meta-World bridge server (\(python.path))"
    // Short and private: sun_path holds 107 bytes.
    let template = Array("/tmp/amf-bridge-XXXXXX".utf8CString)
    var buffer = template
    guard let made = mkdtemp(&buffer) else {
      throw BridgeError.launchFailed(label, reason: "mkdtemp: \(String(cString: strerror(errno)))")
    }
    folder = URL(fileURLWithPath: String(cString: made))
    socketPath = folder.appendingPathComponent("bridge.sock").path
    process = Process()
    process.executableURL = python
    let tasks = String(decoding: try JSONSerialization.data(withJSONObject: MetaWorld.tasks.map(\.environment)), as: UTF8.self)
    process.arguments = ["-u", "-c", MetaWorldBridgeScript.source, "--serve", socketPath, tasks]
    var environment = ProcessInfo.processInfo.environment
    // As a stage's own child would see it (StageRunner): one BLAS thread (no threads to lose in a fork) and
    // the pinned BLAS kernel, which numpy's OpenBLAS reads too — with another kernel, rewards (np.linalg.norm
    // through ddot) differ in the last bit, and so would the evaluations' returns.
    environment["OPENBLAS_NUM_THREADS"] = "1"
    if let kernel = BLASKernel.toPin(environment: environment) { environment[BLASKernel.variable] = kernel }
    environment.removeValue(forKey: Self.variable)
    process.environment = environment
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.standardError
    input = stdin.fileHandleForWriting
    do { try process.run() } catch {
      try? FileManager.default.removeItem(at: folder)
      throw BridgeError.launchFailed(label, reason: "\(python.path): \(error.localizedDescription)")
    }
    try? stdin.fileHandleForReading.close()
    try? stdout.fileHandleForWriting.close()
    do {
      let line = try Self.readLine(stdout.fileHandleForReading.fileDescriptor, within: startupTimeout, label: label)
      try? stdout.fileHandleForReading.close()
      guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
        throw BridgeError.protocolViolation(label, reason: "the hello line is not a JSON object")
      }
      guard object["ok"] as? Bool == true else {
        throw BridgeError.handshakeRejected(label, reason: object["error"] as? String ?? "no reason given")
      }
      for (package, pinned) in MetaWorldBridge.pinnedVersions.sorted(by: { $0.key < $1.key }) {
        let found = object[package] as? String ?? "unknown"
        guard found == pinned else {
          throw BridgeError.handshakeRejected(
            label, reason: "\(package) \(found) is installed, the bridge needs \(pinned); run `bash Scripts/setup.sh --metaworld`")
        }
      }
      hello = object
    } catch {
      try? stdout.fileHandleForReading.close()
      Self.stop(process, input: input, folder: folder)
      throw error
    }
  }

  deinit { stop() }

  /// Closes the server's stdin (it leaves), waits up to 2 s, kills it if needed, and removes its socket.
  /// Children still serving a stage finish their session on their own.
  public func stop() {
    Self.stop(process, input: input, folder: folder)
  }

  private static func stop(_ process: Process, input: FileHandle, folder: URL) {
    try? input.close()
    let deadline = Date().addingTimeInterval(2)
    while process.isRunning && Date() < deadline { usleep(2000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    try? FileManager.default.removeItem(at: folder)
  }

  /// One line from `descriptor`, waiting at most `seconds`.
  private static func readLine(_ descriptor: Int32, within seconds: Double, label: String) throws -> [UInt8] {
    let deadline = Date().addingTimeInterval(seconds)
    var line = [UInt8]()
    var byte: UInt8 = 0
    while true {
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { throw BridgeError.timeout(label, seconds: seconds, waitingFor: "its hello line") }
      var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(min(remaining * 1000, 1_000_000)) + 1)
      if ready < 0 && errno != EINTR { throw BridgeError.childExited(label, status: nil) }
      guard ready > 0 else { continue }
      let got = read(descriptor, &byte, 1)
      if got < 0 && errno == EINTR { continue }
      guard got == 1 else { throw BridgeError.childExited(label, status: nil) }
      if byte == UInt8(ascii: "\n") { return line }
      line.append(byte)
      if line.count > 1 << 20 { throw BridgeError.protocolViolation(label, reason: "a hello line over 1 MiB") }
    }
  }
}
