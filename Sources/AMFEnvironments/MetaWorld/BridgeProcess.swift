import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A long-lived child process spoken to in length-prefixed binary frames (docs/environments/metaworld.md).
///
/// * Handshake: one JSON line each way. The child answers `{"ok": true, …}` or `{"ok": false, "error": …}`.
/// * Then every request is `u32 length | u8 op | body` and every reply `u32 length | u8 status | body`,
///   little-endian, status 0 for success and 1 for an error whose body is the child's message (the child
///   stays up). Op 0 asks the child to exit.
/// * The child's stderr is ours; its stdout carries frames only (the child moves its own stdout to stderr).
/// * Every read and write waits at most `timeout`; then the child is killed and `BridgeError.timeout` thrown.
///   A child that exits or closes its pipe gives `BridgeError.childExited`, never a hang.
/// * The child is either started here on two pipes, or forked for us by a bridge server we connect to on a
///   Unix socket (`init(connectingTo:…)`, `BridgeServer`): the same frames on one socket, our stderr handed
///   over first, so that its messages still land in our log.
///
/// Not thread-safe by itself: `MetaWorldBridge` serializes access.
public final class BridgeProcess {
  /// What the child is, for messages ("the Meta-World bridge (python …)").
  public let label: String
  /// The handshake reply.
  public private(set) var hello: [String: Any] = [:]
  /// The longest wait for one request's reply.
  public var timeout: Double
  /// The child, when we started it (nil when a server forked it for us).
  private let process: Process?
  private let requests: Int32
  private let replies: Int32
  private var isOpen = true

  private init(label: String, timeout: Double, process: Process?, requests: Int32, replies: Int32) {
    self.label = label
    self.timeout = timeout
    self.process = process
    self.requests = requests
    self.replies = replies
  }

  /// Starts `executable arguments…` and does the handshake with `hello` (a JSON object).
  ///
  /// Edge cases: throws `BridgeError.launchFailed` when the executable cannot start, `.handshakeRejected`
  /// when the child answers `ok: false`, and `.timeout` after `startupTimeout` seconds.
  public convenience init(
    executable: URL, arguments: [String], hello: [String: Any], label: String, timeout: Double = 120,
    startupTimeout: Double = 120
  ) throws {
    signal(SIGPIPE, SIG_IGN)  // a dead child must give EPIPE, not kill us
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    process.executableURL = executable
    process.arguments = arguments
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    do { try process.run() } catch {
      throw BridgeError.launchFailed(label, reason: "\(executable.path): \(error.localizedDescription)")
    }
    // Private close-on-exec copies: a second child must not inherit our ends, or it would hold them open.
    let requests = fcntl(input.fileHandleForWriting.fileDescriptor, F_DUPFD_CLOEXEC, 0)
    let replies = fcntl(output.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0)
    try? input.fileHandleForWriting.close()
    try? output.fileHandleForReading.close()
    try? input.fileHandleForReading.close()
    try? output.fileHandleForWriting.close()
    self.init(label: label, timeout: timeout, process: process, requests: requests, replies: replies)
    try handshake(hello, within: startupTimeout)
  }

  /// Connects to the bridge server listening on the Unix socket `path`, hands it our stderr, and does the
  /// handshake with `hello` on the child it forks for us.
  ///
  /// Edge cases: throws `BridgeError.launchFailed` when nothing listens at `path` (the caller may start its
  /// own child instead), and what the handshake throws.
  public convenience init(
    connectingTo path: String, hello: [String: Any], label: String, timeout: Double = 120,
    startupTimeout: Double = 120
  ) throws {
    signal(SIGPIPE, SIG_IGN)
    let socket = try UnixSocket.connect(to: path, label: label)
    do {
      try UnixSocket.send(descriptor: STDERR_FILENO, over: socket)
    } catch {
      Glibc.close(socket)
      throw BridgeError.launchFailed(label, reason: "\(path): cannot hand over stderr: \(error)")
    }
    self.init(label: label, timeout: timeout, process: nil, requests: socket, replies: socket)
    try handshake(hello, within: startupTimeout)
  }

  /// Sends `hello`, reads the reply into `self.hello`; closes everything on failure.
  private func handshake(_ hello: [String: Any], within startupTimeout: Double) throws {
    do {
      let line = try JSONSerialization.data(withJSONObject: hello, options: [.sortedKeys]) + Data("\n".utf8)
      try write([UInt8](line), within: startupTimeout)
      let reply = try readLine(within: startupTimeout)
      guard let object = try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] else {
        throw BridgeError.protocolViolation(label, reason: "the handshake reply is not a JSON object")
      }
      guard object["ok"] as? Bool == true else {
        throw BridgeError.handshakeRejected(label, reason: object["error"] as? String ?? "no reason given")
      }
      self.hello = object
    } catch {
      shutDown(kill: true)
      throw error
    }
  }

  deinit { shutDown(kill: false) }

  /// Sends request `op` with `body` and returns the reply's body.
  ///
  /// Edge cases: throws `.childError` for status 1 (the child is still usable), and `.timeout`,
  /// `.childExited` or `.protocolViolation` otherwise (the child is then gone).
  public func request(_ op: UInt8, body: [UInt8]) throws -> [UInt8] {
    guard isOpen else { throw BridgeError.childExited(label, status: nil) }
    var frame = [UInt8]()
    frame.reserveCapacity(body.count + 5)
    BridgeWire.append(UInt32(body.count + 1), to: &frame)
    frame.append(op)
    frame += body
    do {
      try write(frame, within: timeout)
      let header = try read(4, within: timeout)
      let length = Int(BridgeWire.uint32(header, at: 0))
      guard length >= 1, length <= 1 << 28 else {  // 256 MiB: far above any real reply, below ASCII text read as a length
        throw BridgeError.protocolViolation(label, reason: "a reply announced \(length) bytes")
      }
      let reply = try read(length, within: timeout)
      switch reply[0] {
      case 0: return Array(reply[1...])
      case 1: throw BridgeError.childError(label, message: String(decoding: reply[1...], as: UTF8.self))
      default: throw BridgeError.protocolViolation(label, reason: "status byte \(reply[0])")
      }
    } catch let error as BridgeError {
      if case .childError = error { throw error }
      shutDown(kill: true)
      throw error
    }
  }

  /// Asks the child to exit (op 0) and waits for it; kills it if it does not go within a second.
  public func close() {
    guard isOpen else { return }
    var frame = [UInt8]()
    BridgeWire.append(UInt32(1), to: &frame)
    frame.append(0)
    try? write(frame, within: 1)
    shutDown(kill: false)
  }

  /// Kills the child at once (tests use this to play a crash); a forked child is cut off instead (its end
  /// of the socket closes and it leaves).
  public func kill() {
    if let process { Glibc.kill(process.processIdentifier, SIGKILL) } else { shutDown(kill: true) }
  }

  private func shutDown(kill: Bool) {
    guard isOpen else { return }
    isOpen = false
    Glibc.close(requests)
    guard let process else { return }  // a socket: one descriptor, the server reaps its child
    if kill && process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    let deadline = Date().addingTimeInterval(1)
    while process.isRunning && Date() < deadline { usleep(1000) }
    if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    Glibc.close(replies)
  }

  /// The exit status once the child is gone, for messages (nil for a forked child: not ours to wait for).
  private func exitStatus() -> Int32? {
    guard let process else { return nil }
    let deadline = Date().addingTimeInterval(1)
    while process.isRunning && Date() < deadline { usleep(1000) }
    return process.isRunning ? nil : process.terminationStatus
  }

  private func wait(_ fd: Int32, for events: Int16, until deadline: Date, what: String) throws {
    while true {
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { throw BridgeError.timeout(label, seconds: timeout, waitingFor: what) }
      var descriptor = pollfd(fd: fd, events: events, revents: 0)
      let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 1_000_000)) + 1)
      if ready > 0 { return }
      if ready < 0 && errno != EINTR { throw BridgeError.childExited(label, status: exitStatus()) }
    }
  }

  private func write(_ bytes: [UInt8], within seconds: Double) throws {
    let deadline = Date().addingTimeInterval(seconds)
    var offset = 0
    while offset < bytes.count {
      try wait(requests, for: Int16(POLLOUT), until: deadline, what: "the child to read a request")
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(requests, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        throw BridgeError.childExited(label, status: exitStatus())
      }
      offset += written
    }
  }

  private func read(_ count: Int, within seconds: Double) throws -> [UInt8] {
    let deadline = Date().addingTimeInterval(seconds)
    var bytes = [UInt8](repeating: 0, count: count)
    var offset = 0
    while offset < count {
      try wait(replies, for: Int16(POLLIN), until: deadline, what: "a reply")
      let got = bytes[offset...].withUnsafeMutableBytes { Glibc.read(replies, $0.baseAddress, $0.count) }
      if got < 0 && (errno == EINTR || errno == EAGAIN) { continue }
      if got <= 0 { throw BridgeError.childExited(label, status: exitStatus()) }
      offset += got
    }
    return bytes
  }

  private func readLine(within seconds: Double) throws -> [UInt8] {
    var line = [UInt8]()
    while true {
      let byte = try read(1, within: seconds)[0]
      if byte == UInt8(ascii: "\n") { return line }
      line.append(byte)
      if line.count > 1 << 20 { throw BridgeError.protocolViolation(label, reason: "a handshake line over 1 MiB") }
    }
  }
}

/// Little-endian encoding of the bridge's frames.
public enum BridgeWire {
  /// Appends `value` little-endian.
  public static func append(_ value: UInt32, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  /// Appends `value`'s IEEE bits little-endian.
  public static func append(_ value: Double, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
  }

  /// Appends every value of `values`.
  public static func append(_ values: some Sequence<Double>, to bytes: inout [UInt8]) {
    for value in values { append(value, to: &bytes) }
  }

  /// The u32 at `offset`.
  public static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    var value: UInt32 = 0
    for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
    return value
  }

  /// The f64 at `offset`.
  public static func double(_ bytes: [UInt8], at offset: Int) -> Double {
    var bits: UInt64 = 0
    for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << (8 * index) }
    return Double(bitPattern: bits)
  }

  /// `count` f64 values from `offset`.
  public static func doubles(_ bytes: [UInt8], at offset: Int, count: Int) -> [Double] {
    (0..<count).map { double(bytes, at: offset + 8 * $0) }
  }
}

/// What can go wrong with a bridge child; every message names the child and what to do.
public enum BridgeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The child could not be started.
  case launchFailed(String, reason: String)
  /// The child refused the handshake (for instance: Meta-World is not installed).
  case handshakeRejected(String, reason: String)
  /// The child answered a request with an error; it is still running.
  case childError(String, message: String)
  /// The child exited or closed its pipe (status nil when it was still running).
  case childExited(String, status: Int32?)
  /// No reply within the timeout; the child was killed.
  case timeout(String, seconds: Double, waitingFor: String)
  /// The child broke the framing.
  case protocolViolation(String, reason: String)
  /// A reply's size does not match the request.
  case malformedReply(String, reason: String)

  public var description: String {
    switch self {
    case .launchFailed(let child, let reason): "\(child) could not start: \(reason)"
    case .handshakeRejected(let child, let reason): "\(child) refused to start: \(reason)"
    case .childError(let child, let message): "\(child) failed a request: \(message)"
    case .childExited(let child, let status):
      "\(child) exited\(status.map { " with status \($0)" } ?? "") in the middle of a request; its messages are above"
    case .timeout(let child, let seconds, let what):
      "\(child) timed out after \(seconds) s waiting for \(what); it was killed"
    case .protocolViolation(let child, let reason): "\(child) broke the frame protocol: \(reason)"
    case .malformedReply(let child, let reason): "\(child) sent a reply of the wrong size: \(reason)"
    }
  }
}
