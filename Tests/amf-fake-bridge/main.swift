// A stand-in for the Meta-World bridge child, for the protocol tests (Tests/AMFEnvironmentsTests/BridgeTests).
//
// It speaks the frame protocol of BridgeProcess and MetaWorldBridge with a point mass instead of MuJoCo:
// observation (39) = [p (3), 0 … 0, g (3)] with p the start and g the goal from rand_vec; a step moves
// p by 0.1 · clip(a[0..<3]); reward −‖p − g‖; success when ‖p − g‖ < 0.05; the expert acts
// clip(10 (g − p)). Misbehaviour on request: `--refuse`, `--die-at N`, `--hang-at N`, `--fail-op OP`,
// `--garbage-at N` (N counts requests from 1).
import AMFEnvironments
import Foundation

let arguments = CommandLine.arguments
func option(_ name: String) -> Int? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  return Int(arguments[index + 1])
}

func readExact(_ count: Int) -> [UInt8] {
  var bytes = [UInt8]()
  while bytes.count < count {
    let chunk = FileHandle.standardInput.readData(ofLength: count - bytes.count)
    if chunk.isEmpty { exit(0) }
    bytes += chunk
  }
  return bytes
}

func send(_ bytes: [UInt8]) { FileHandle.standardOutput.write(Data(bytes)) }

func reply(status: UInt8, _ body: [UInt8]) {
  var frame = [UInt8]()
  BridgeWire.append(UInt32(body.count + 1), to: &frame)
  send(frame + [status] + body)
}

var line = [UInt8]()
while line.last != UInt8(ascii: "\n") { line += readExact(1) }
if arguments.contains("--refuse") {
  send(Array(#"{"error": "ModuleNotFoundError: No module named 'metaworld'", "ok": false}"#.utf8) + [10])
  exit(2)
}
send(Array(#"{"metaworld": "fake", "mujoco": "fake", "ok": true, "protocol": 1}"#.utf8) + [10])

struct Slot {
  var position = [0.0, 0, 0]
  var goal = [0.0, 0, 0]
  var observation: [Double] { position + [Double](repeating: 0, count: 33) + goal }
  var distance: Double { zip(position, goal).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() }
  mutating func reset(_ randVec: [Double]) { position = Array(randVec[0..<3]); goal = Array(randVec[3..<6]) }
  mutating func step(_ action: [Double]) -> (reward: Double, success: Double) {
    for axis in 0..<3 { position[axis] += 0.1 * min(1, max(-1, action[axis])) }
    return (-distance, distance < 0.05 ? 1 : 0)
  }
  var expert: [Double] { (0..<3).map { min(1, max(-1, 10 * (goal[$0] - position[$0]))) } + [0] }
}

var slots = [Int: Slot]()
var requestNumber = 0
while true {
  let length = Int(BridgeWire.uint32(readExact(4), at: 0))
  let frame = readExact(length)
  requestNumber += 1
  if frame[0] == 0 { exit(0) }
  if option("--die-at") == requestNumber { exit(7) }
  if option("--hang-at") == requestNumber { sleep(3600) }
  if option("--garbage-at") == requestNumber {
    send(Array("hello from a library print\n".utf8))
    continue
  }
  if option("--fail-op") == Int(frame[0]) {
    reply(status: 1, Array("ValueError: fake failure of op \(frame[0])".utf8))
    continue
  }
  let body = Array(frame[1...])
  let count = Int(BridgeWire.uint32(body, at: 0))
  var offset = 4
  var out = [UInt8]()
  for _ in 0..<count {
    let slot = Int(BridgeWire.uint32(body, at: offset))
    switch frame[0] {
    case 1:
      slots[slot, default: Slot()].reset(BridgeWire.doubles(body, at: offset + 8, count: 6))
      offset += 8 + 48
      BridgeWire.append(slots[slot]!.observation, to: &out)
    case 2:
      let (reward, success) = slots[slot, default: Slot()].step(BridgeWire.doubles(body, at: offset + 4, count: 4))
      offset += 4 + 32
      BridgeWire.append(slots[slot]!.observation + [reward, success], to: &out)
    case 3:
      offset += 4
      BridgeWire.append(slots[slot, default: Slot()].expert, to: &out)
    case 4:
      var state = Slot()
      state.reset(BridgeWire.doubles(body, at: offset + 8, count: 6))
      let steps = Int(BridgeWire.uint32(body, at: offset + 56))
      let noise = BridgeWire.doubles(body, at: offset + 60, count: steps * 4)
      offset += 60 + 8 * steps * 4
      var (observations, actions, rewards, successes) = (state.observation, [Double](), [Double](), [Double]())
      for step in 0..<steps {
        let action = (0..<4).map { min(1, max(-1, state.expert[$0] + noise[step * 4 + $0])) }
        let (reward, success) = state.step(action)
        observations += state.observation
        actions += action
        rewards.append(reward)
        successes.append(success)
        if success != 0 { break }
      }
      BridgeWire.append(UInt32(rewards.count), to: &out)
      BridgeWire.append(observations + actions + rewards + successes, to: &out)
      slots[slot] = state
    default:
      break
    }
  }
  reply(status: 0, out)
}
