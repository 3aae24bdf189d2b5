import AMFCore
import Foundation

/// Meta-World episodes computed by a Python child (`BridgeProcess`), batched over up to `slotCount`
/// simulators per request (docs/environments/metaworld.md).
///
/// Requests (op, then a u32 count n and n records; replies hold n records in the same order):
/// * 1 reset: `(u32 slot, u32 task, f64 rand_vec[6])` → the observation (39 f64).
/// * 2 step: `(u32 slot, f64 action[4])` → observation (39), reward, success (f64 each).
/// * 3 expert: `u32 slot` → the expert's noise-free action (4 f64) at the slot's observation.
/// * 4 demonstration: `(u32 slot, u32 task, f64 rand_vec[6], u32 H, f64 noise[H × 4])` → `u32 T`, then
///   observations ((T+1) × 39), executed actions (T × 4), rewards (T), success flags (T): the expert run
///   until success or H steps, in one call.
/// * 5 ping → nothing. 6 prints to the child's stdout → nothing (tests check that frames survive it).
///
/// Slots hold one simulator per (slot, Meta-World environment), built on first use (about 150 ms and
/// 22 MB each), so a batch of n episodes of one task costs n simulators.
public final class MetaWorldBridge: @unchecked Sendable {
  /// The process-wide bridge, started at the first rollout: a child forked by the bridge server that
  /// `$AMF_METAWORLD_BRIDGE_SERVER` names, if it answers, else a child of the Python `PythonLocator` finds.
  public static let shared = MetaWorldBridge(launch: nil, server: BridgeServer.configuredSocket())

  /// The Meta-World and MuJoCo versions the bridge accepts (bit-reproducibility holds for these).
  public static let pinnedVersions = ["metaworld": "3.1.1", "mujoco": "3.3.0"]

  /// Episodes per request at most (simulators per Meta-World environment).
  public var slotCount = 5
  /// The longest wait for one reply, in seconds.
  public var timeout: Double = 120
  private let launch: (executable: URL, arguments: [String])?
  private let server: String?
  private let lock = NSLock()
  private var child: BridgeProcess?
  private var checksVersions: Bool

  /// A bridge that starts `executable arguments…` instead of Python (tests: a fake child); nil means Python.
  /// With `server` (a bridge server's socket, `BridgeServer`) the child is the one the server forks for
  /// this bridge; when nothing answers there, the bridge starts its own, as without it.
  public init(launch: (executable: URL, arguments: [String])?, server: String? = nil, checksVersions: Bool = true) {
    self.launch = launch
    self.server = server
    self.checksVersions = checksVersions
  }

  /// The handshake reply of the running child (versions), starting it if needed.
  public func versions() throws -> [String: String] {
    try lock.withLock { try started().hello.compactMapValues { $0 as? String } }
  }

  /// Stops the child (it restarts at the next request).
  public func stop() {
    lock.withLock {
      child?.close()
      child = nil
    }
  }

  /// The running child, for tests that kill it.
  public var process: BridgeProcess? { lock.withLock { child } }

  /// Rolls `controller` out for every request: episode i starts from `rand_vec` drawn with
  /// `seed.derived("initial-state")`; it ends at success or after `horizon` steps.
  public func rollOut(
    _ environment: MetaWorld, controller: inout some Controller, requests: [EpisodeRequest], horizon: Int
  ) throws -> [Episode] {
    try lock.withLock {
      try groups(of: requests).flatMap { group in
        try rollOutGroup(environment, controller: &controller, requests: group, horizon: horizon)
      }
    }
  }


  /// The expert's episodes, one request per `slotCount` episodes: noise `ρ_c · N(0, I)` drawn from
  /// `seed.derived("control")`, step-major, as `ScriptedExpert` draws it.
  public func expertEpisodes(_ environment: MetaWorld, requests: [EpisodeRequest], horizon: Int) throws -> [Episode] {
    try lock.withLock {
      try groups(of: requests).flatMap { group in
        var body = [UInt8]()
        BridgeWire.append(UInt32(group.count), to: &body)
        for (slot, request) in group.enumerated() {
          var control = request.seed.derived("control").generator()
          let std = environment.expertNoiseStd[request.task]
          appendStart(of: request, slot: slot, environment: environment, to: &body)
          BridgeWire.append(UInt32(horizon), to: &body)
          for _ in 0..<(horizon * environment.actionDimension) { BridgeWire.append(std * control.normal(), to: &body) }
        }
        let reply = try started().request(4, body: body)
        return try decodeDemonstrations(reply, requests: group, environment: environment, horizon: horizon)
      }
    }
  }

  /// `requests` in consecutive groups of at most `slotCount`, one request to the child each.
  private func groups(of requests: [EpisodeRequest]) -> [[EpisodeRequest]] {
    stride(from: 0, to: requests.count, by: slotCount).map { Array(requests[$0..<min($0 + slotCount, requests.count)]) }
  }

  /// Appends `(u32 slot, u32 task, f64 rand_vec[6])`, the start drawn from `seed.derived("initial-state")`.
  private func appendStart(of request: EpisodeRequest, slot: Int, environment: MetaWorld, to body: inout [UInt8]) {
    var initial = request.seed.derived("initial-state").generator()
    BridgeWire.append(UInt32(slot), to: &body)
    BridgeWire.append(UInt32(request.task), to: &body)
    BridgeWire.append(environment.startVector(task: request.task, using: &initial), to: &body)
  }

  private func started() throws -> BridgeProcess {
    if let child { return child }
    let hello: [String: Any] = ["protocol": 1, "tasks": MetaWorld.tasks.map(\.environment)]
    let process: BridgeProcess
    if let server {
      do {
        process = try BridgeProcess(
          connectingTo: server, hello: hello, label: "the Meta-World bridge (served at \(server))", timeout: timeout)
      } catch {
        FileHandle.standardError.write(Data("amf: \(error); starting a bridge child of our own\n".utf8))
        process = try launched(hello)
      }
    } else {
      process = try launched(hello)
    }
    if checksVersions {
      for (package, pinned) in Self.pinnedVersions.sorted(by: { $0.key < $1.key }) {
        let found = process.hello[package] as? String ?? "unknown"
        guard found == pinned else {
          process.close()
          throw BridgeError.handshakeRejected(
            label, reason: "\(package) \(found) is installed, the bridge needs \(pinned) for reproducible "
              + "episodes; run `bash Scripts/setup.sh --metaworld` to rebuild .venv-metaworld")
        }
      }
    }
    child = process
    return process
  }

  private func launched(_ hello: [String: Any]) throws -> BridgeProcess {
    let (executable, arguments, label) = try launchCommand()
    return try BridgeProcess(executable: executable, arguments: arguments, hello: hello, label: label, timeout: timeout)
  }

  private func launchCommand() throws -> (URL, [String], String) {
    if let launch { return (launch.executable, launch.arguments, "the bridge child \(launch.executable.lastPathComponent)") }
    let python = try PythonLocator.metaWorldPython()
    return (python, ["-u", "-c", MetaWorldBridgeScript.source], "the Meta-World bridge (\(python.path))")
  }

  private func rollOutGroup(
    _ environment: MetaWorld, controller: inout some Controller, requests: [EpisodeRequest], horizon: Int
  ) throws -> [Episode] {
    let child = try started()
    let (observationWidth, actionWidth) = (environment.observationDimension, environment.actionDimension)
    var body = [UInt8]()
    BridgeWire.append(UInt32(requests.count), to: &body)
    for (slot, request) in requests.enumerated() {
      appendStart(of: request, slot: slot, environment: environment, to: &body)
    }
    let first = try child.request(1, body: body)
    try expectSize(first, requests.count * observationWidth * 8, what: "reset")
    var traces = requests.indices.map { index in
      EpisodeTrace(task: requests[index].task, observation: BridgeWire.doubles(first, at: index * observationWidth * 8, count: observationWidth))
    }
    var generators = requests.map { $0.seed.derived("control").generator() }
    var active = Array(requests.indices)
    for step in 0..<horizon where !active.isEmpty {
      var activeGenerators = active.map { generators[$0] }
      var actions = [Double](repeating: 0, count: active.count * actionWidth)
      do {
        let input = ControlInput(
          observations: active.flatMap { traces[$0].observation }, states: active.flatMap { traces[$0].state },
          tasks: active.map { traces[$0].task }, step: step, observationDimension: observationWidth,
          stateDimension: environment.stateDimension, actionDimension: actionWidth)
        controller.act(input, actions: &actions, generators: &activeGenerators)
      }
      for (position, index) in active.enumerated() { generators[index] = activeGenerators[position] }
      body.removeAll(keepingCapacity: true)
      BridgeWire.append(UInt32(active.count), to: &body)
      for (position, index) in active.enumerated() {
        BridgeWire.append(UInt32(index), to: &body)
        for component in 0..<actionWidth {
          let clipped = min(1, max(-1, actions[position * actionWidth + component]))
          actions[position * actionWidth + component] = clipped.isNaN ? 0 : clipped
        }
        BridgeWire.append(actions[(position * actionWidth)..<((position + 1) * actionWidth)], to: &body)
      }
      let reply = try child.request(2, body: body)
      let record = (observationWidth + 2) * 8
      try expectSize(reply, active.count * record, what: "step")
      for (position, index) in active.enumerated() {
        let values = BridgeWire.doubles(reply, at: position * record, count: observationWidth + 2)
        traces[index].append(
          action: Array(actions[(position * actionWidth)..<((position + 1) * actionWidth)]),
          observation: Array(values[0..<observationWidth]), reward: values[observationWidth],
          success: values[observationWidth + 1])
      }
      active.removeAll { traces[$0].isSuccess }
    }
    return traces.map { $0.episode(environment) }
  }

  private func decodeDemonstrations(_ reply: [UInt8], requests: [EpisodeRequest], environment: MetaWorld, horizon: Int)
    throws -> [Episode]
  {
    let (observationWidth, actionWidth) = (environment.observationDimension, environment.actionDimension)
    var offset = 0
    var episodes: [Episode] = []
    for request in requests {
      try expectSize(reply, offset + 4, what: "demonstration", atLeast: true)
      let steps = Int(BridgeWire.uint32(reply, at: offset))
      offset += 4
      let count = (steps + 1) * observationWidth + steps * (actionWidth + 2)
      guard steps >= 1, steps <= horizon else {
        throw BridgeError.malformedReply(label, reason: "a demonstration of \(steps) steps (H = \(horizon))")
      }
      try expectSize(reply, offset + 8 * count, what: "demonstration", atLeast: true)
      let values = BridgeWire.doubles(reply, at: offset, count: count)
      offset += 8 * count
      var cursor = (steps + 1) * observationWidth
      let observations = Array(values[0..<cursor])
      let actions = Array(values[cursor..<(cursor + steps * actionWidth)])
      cursor += steps * actionWidth
      let rewards = Array(values[cursor..<(cursor + steps)])
      let successes = Array(values[(cursor + steps)..<(cursor + 2 * steps)])
      var trace = EpisodeTrace(task: request.task, observation: Array(observations[0..<observationWidth]))
      for step in 0..<steps {
        trace.append(
          action: Array(actions[(step * actionWidth)..<((step + 1) * actionWidth)]),
          observation: Array(observations[((step + 1) * observationWidth)..<((step + 2) * observationWidth)]),
          reward: rewards[step], success: successes[step])
      }
      episodes.append(trace.episode(environment))
    }
    try expectSize(reply, offset, what: "demonstration")
    return episodes
  }

  private var label: String { child?.label ?? "the Meta-World bridge" }

  private func expectSize(_ reply: [UInt8], _ size: Int, what: String, atLeast: Bool = false) throws {
    if atLeast ? reply.count >= size : reply.count == size { return }
    throw BridgeError.malformedReply(label, reason: "a \(what) reply of \(reply.count) bytes, expected \(atLeast ? "≥ " : "")\(size)")
  }
}

/// One episode being recorded: states are observation rows with the step's success flag appended.
private struct EpisodeTrace {
  let task: Int
  var observation: [Double]
  var states: [Double]
  var observations: [Double] = []
  var actions: [Double] = []
  var rewards: [Double] = []
  var isSuccess = false

  init(task: Int, observation: [Double]) {
    self.task = task
    self.observation = observation
    states = observation + [0]
  }

  /// The current state row: the observation and the last step's success flag.
  var state: [Double] { observation + [isSuccess ? 1 : 0] }

  mutating func append(action: [Double], observation next: [Double], reward: Double, success: Double) {
    observations += observation
    actions += action
    rewards.append(reward)
    observation = next
    isSuccess = success != 0
    states += state
  }

  func episode(_ environment: MetaWorld) -> Episode {
    Episode(
      task: task, states: states, observations: observations, finalObservation: observation, actions: actions,
      rewards: rewards, dones: rewards.indices.map { $0 == rewards.count - 1 }, isSuccess: isSuccess,
      stateDimension: environment.stateDimension, observationDimension: environment.observationDimension,
      actionDimension: environment.actionDimension)
  }
}
