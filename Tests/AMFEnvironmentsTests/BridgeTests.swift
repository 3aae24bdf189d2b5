import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFEnvironments

/// The bridge's frame protocol against `amf-fake-bridge`, a point-mass child (no Python needed):
/// framing, episodes ending at success, errors, timeouts and a killed child.
@Suite struct BridgeTests {
  static let fake = Executables.productsFolder.appendingPathComponent("amf-fake-bridge")

  func bridge(_ arguments: [String] = [], timeout: Double = 20) -> MetaWorldBridge {
    let bridge = MetaWorldBridge(launch: (Self.fake, arguments), checksVersions: false)
    bridge.timeout = timeout
    return bridge
  }

  func child(_ arguments: [String] = [], timeout: Double = 20) throws -> BridgeProcess {
    try BridgeProcess(executable: Self.fake, arguments: arguments, hello: ["protocol": 1], label: "fake", timeout: timeout)
  }

  @Test func wireEncodingIsLittleEndian() {
    var bytes = [UInt8]()
    BridgeWire.append(UInt32(0x0403_0201), to: &bytes)
    BridgeWire.append(1.0, to: &bytes)
    #expect(bytes == [1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    #expect(BridgeWire.uint32(bytes, at: 0) == 0x0403_0201)
    #expect(BridgeWire.double(bytes, at: 4) == 1.0)
  }

  @Test func pingAndHandshake() throws {
    let process = try child()
    #expect(process.hello["metaworld"] as? String == "fake")
    #expect(try process.request(5, body: [0, 0, 0, 0]) == [])
    process.close()
  }

  /// A proportional policy a = g − p on cup task 2: the distance shrinks by 0.9 per step, so from ≥ 0.15 the
  /// episode needs ≥ ⌈ln(1/3) / ln 0.9⌉ = 11 steps; it stops at the first within 0.05 of the goal, which
  /// the test finds by replaying p ← p + 0.1 (g − p) itself.
  @Test func policyEpisodeEndsAtFirstSuccess() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    var controller = ClosureController { input, actions in
      for episode in 0..<input.episodeCount {
        let row = Array(input.observations[(episode * 39)..<((episode + 1) * 39)])
        for axis in 0..<3 { actions[episode * 4 + axis] = row[36 + axis] - row[axis] }
      }
    }
    let bridge = bridge()
    let request = EpisodeRequest(task: 2, seed: Seed(3))
    var initial = request.seed.derived("initial-state").generator()
    let start = environment.startVector(task: 2, using: &initial)
    var (position, goal, steps) = (Array(start[0..<3]), Array(start[3..<6]), 0)
    func distance() -> Double { zip(position, goal).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() }
    while distance() >= 0.05 {
      for axis in 0..<3 { position[axis] += 0.1 * (goal[axis] - position[axis]) }
      steps += 1
    }
    #expect(steps >= 11)
    let episodes = try bridge.rollOut(environment, controller: &controller, requests: [request], horizon: 40)
    let episode = try #require(episodes.first)
    #expect(episode.isSuccess)
    #expect(episode.stepCount == steps)
    #expect(episode.states.count == (steps + 1) * 40)
    #expect(episode.observations.count == steps * 39)
    #expect(episode.actions.count == steps * 4)
    #expect(episode.dones == (0..<steps).map { $0 == steps - 1 })
    #expect(Array(episode.states[0..<3]) == Array(start[0..<3]))
    #expect(episode.states[40 * steps + 39] == 1 && episode.states[40 * (steps - 1) + 39] == 0)
    #expect(zip(episode.finalObservation[0..<3], position).allSatisfy { abs($0 - $1) < 1e-12 })
    bridge.stop()
  }

  /// A policy that never reaches the goal runs the whole horizon: p_x grows by exactly 0.1 per step.
  @Test func failingEpisodeRunsTheHorizon() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    var controller = ClosureController { input, actions in
      for episode in 0..<input.episodeCount { actions[episode * 4] = 3 }  // clipped to 1
    }
    let bridge = bridge()
    let requests = Rollout.requests(seed: Seed(4), tasks: [1, 2], episodesPerTask: 7)
    bridge.slotCount = 4  // 14 episodes in 4 requests
    let episodes = try bridge.rollOut(environment, controller: &controller, requests: requests, horizon: 5)
    #expect(episodes.count == 14)
    for episode in episodes {
      #expect(episode.stepCount == 5)
      #expect(!episode.isSuccess)
      #expect(episode.actions.enumerated().allSatisfy { $0.offset % 4 == 0 ? $0.element == 1 : $0.element == 0 })
      #expect(abs(episode.finalObservation[0] - episode.states[0] - 0.5) < 1e-12)
    }
    bridge.stop()
  }

  /// A demonstration is one request; the noise is `ScriptedExpert`'s stream, and two children agree bit for bit.
  @Test func expertDemonstrationsAreOneCallAndDeterministic() throws {
    let environment = try MetaWorld(EnvironmentConfiguration(expertNoise: [2: 0]))
    let requests = Rollout.requests(seed: Seed(5), tasks: [2, 3], episodesPerTask: 3)
    let first = try bridge().expertEpisodes(environment, requests: requests, horizon: 60)
    let second = try bridge().expertEpisodes(environment, requests: requests, horizon: 60)
    #expect(first == second)
    for episode in first where episode.task == 2 {
      #expect(episode.isSuccess)  // noise-free: the point walks straight to the goal
      let start = Array(episode.states[0..<3])
      let goal = MetaWorld.tasks[2].goal!
      let distance = zip(start, goal).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
      #expect(distance >= MetaWorld.minimumCupTravel)
    }
    #expect(first.filter { $0.task == 3 }.contains { episode in
      episode.actions.enumerated().contains { $0.offset % 4 == 3 && $0.element != 0 }
    })  // ρ = 0.1 on task 3 perturbs the grip channel the expert leaves at 0
  }

  @Test func childErrorsAreReportedAndTheChildStaysUp() throws {
    let process = try child(["--fail-op", "2"])
    #expect(throws: BridgeError.childError("fake", message: "ValueError: fake failure of op 2")) {
      try process.request(2, body: [0, 0, 0, 0])
    }
    #expect(try process.request(5, body: [0, 0, 0, 0]) == [])
  }

  @Test func refusedHandshakeNamesTheReason() throws {
    #expect(throws: BridgeError.handshakeRejected("fake", reason: "ModuleNotFoundError: No module named 'metaworld'")) {
      try child(["--refuse"])
    }
  }

  @Test func deadChildIsAnErrorNotAHang() throws {
    let process = try child(["--die-at", "2"])
    #expect(try process.request(5, body: [0, 0, 0, 0]) == [])
    #expect(throws: BridgeError.childExited("fake", status: 7)) { try process.request(5, body: [0, 0, 0, 0]) }
    #expect(throws: BridgeError.childExited("fake", status: nil)) { try process.request(5, body: [0, 0, 0, 0]) }
  }

  /// Whether `error` is a `BridgeError` that `matches` accepts (for cases whose payload varies).
  func bridgeError(_ error: any Error, _ matches: (BridgeError) -> Bool) -> Bool {
    (error as? BridgeError).map(matches) ?? false
  }

  @Test func killedChildIsAnError() throws {
    let process = try child()
    process.kill()
    #expect {
      try process.request(5, body: [0, 0, 0, 0])
    } throws: { error in
      bridgeError(error) { if case .childExited("fake", _) = $0 { true } else { false } }
    }
  }

  @Test func hungChildTimesOut() throws {
    let process = try child(["--hang-at", "1"], timeout: 0.5)
    #expect(throws: BridgeError.timeout("fake", seconds: 0.5, waitingFor: "a reply")) {
      try process.request(5, body: [0, 0, 0, 0])
    }
  }

  @Test func garbageOnStdoutBreaksTheProtocolCleanly() throws {
    let process = try child(["--garbage-at", "1"], timeout: 2)
    #expect {
      try process.request(5, body: [0, 0, 0, 0])
    } throws: { error in
      bridgeError(error) { if case .protocolViolation("fake", _) = $0 { true } else { false } }
    }
  }

  /// A bridge pointed at a bridge server that is not there (gone, or never started) starts its own child,
  /// and the socket's problems are `launchFailed` naming the path.
  @Test func aMissingServerFallsBackToAChildOfOurOwn() throws {
    let folder = try TemporaryDirectory()
    let socket = folder.url.appendingPathComponent("gone.sock").path
    let bridge = MetaWorldBridge(launch: (Self.fake, []), server: socket, checksVersions: false)
    #expect(try bridge.versions()["metaworld"] == "fake")
    #expect(bridge.process?.label == "the bridge child amf-fake-bridge")
    bridge.stop()
    #expect {
      try BridgeProcess(connectingTo: socket, hello: ["protocol": 1], label: "s")
    } throws: { error in
      bridgeError(error) { if case .launchFailed("s", let reason) = $0 { reason.hasPrefix(socket + ": connect") } else { false } }
    }
    #expect {
      try BridgeProcess(connectingTo: "/" + String(repeating: "x", count: 200), hello: [:], label: "s")
    } throws: { error in
      bridgeError(error) { if case .launchFailed("s", let reason) = $0 { reason.contains("socket path needs") } else { false } }
    }
  }

  /// The server's own start-up failures are one error each, with nothing left running: a Python without
  /// Meta-World answers `ok: false` (handshakeRejected), a missing one cannot launch.
  @Test func aServerWithoutMetaWorldIsRejected() throws {
    #expect(BridgeServer.configuredSocket([:]) == nil && BridgeServer.configuredSocket([BridgeServer.variable: "off"]) == nil)
    #expect(BridgeServer.configuredSocket([BridgeServer.variable: "/tmp/s"]) == "/tmp/s")
    #expect {
      try BridgeServer(python: URL(fileURLWithPath: "/nonexistent/python"))
    } throws: { error in
      bridgeError(error) { if case .launchFailed = $0 { true } else { false } }
    }
    let plain = URL(fileURLWithPath: "/usr/bin/python3")
    guard FileManager.default.isExecutableFile(atPath: plain.path) else { return }
    #expect {
      try BridgeServer(python: plain, startupTimeout: 60)
    } throws: { error in
      bridgeError(error) { if case .handshakeRejected(_, let reason) = $0 { reason.contains("metaworld") || reason.contains("numpy") } else { false } }
    }
  }

  @Test func missingExecutableFailsToLaunch() throws {
    #expect {
      try BridgeProcess(executable: URL(fileURLWithPath: "/nonexistent/python"), arguments: [], hello: [:], label: "x")
    } throws: { error in
      bridgeError(error) { if case .launchFailed("x", _) = $0 { true } else { false } }
    }
  }

  @Test func locatorNamesTheFix() throws {
    let empty = try TemporaryDirectory()
    #expect {
      try PythonLocator.metaWorldPython(
        environment: [:], workingDirectory: empty.url, executable: empty.url.appendingPathComponent("bin/amf"))
    } throws: { error in
      "\(error)".contains("bash Scripts/setup.sh --metaworld")
    }
    #expect {
      try PythonLocator.metaWorldPython(environment: [PythonLocator.variable: "/nonexistent"])
    } throws: { error in
      "\(error)".contains("AMF_METAWORLD_PYTHON=/nonexistent is not an executable file")
    }
    let venv = empty.url.appendingPathComponent(".venv-metaworld/bin")
    try FileManager.default.createDirectory(at: venv, withIntermediateDirectories: true)
    let python = venv.appendingPathComponent("python")
    FileManager.default.createFile(atPath: python.path, contents: Data(), attributes: [.posixPermissions: 0o755])
    let nested = empty.url.appendingPathComponent("Pipelines/studies")
    try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
    let found = try PythonLocator.metaWorldPython(
      environment: [:], workingDirectory: nested, executable: URL(fileURLWithPath: "/usr/bin/true"))
    #expect(found.standardizedFileURL.path == python.standardizedFileURL.path)
  }
}
