import AMFCore
import AMFEnvironments
import ArgumentParser
import Foundation

/// The Meta-World bridge's costs (BENCHMARKS.md, "Meta-World bridge"): start-up, a round trip, a reset,
/// a policy step and an expert step, each through the child; Benchmarks/metaworld.sh sets the in-process
/// Python loop beside them.
struct MetaWorldBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metaworld", abstract: "Costs of the Meta-World bridge (needs Scripts/setup.sh --metaworld).")

  @Option(help: "Simulators per request.") var slots = 5
  @Option(help: "Round trips timed.") var pings = 2000
  @Option(help: "Steps per policy episode (a still policy never succeeds).") var steps = 150
  @Option(help: "Expert episodes per task for the success table (0: skip).") var expertEpisodes = 0

  func run() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    let clock = ContinuousClock()
    let bridge = MetaWorldBridge.shared
    bridge.slotCount = slots
    let startup = clock.measure { _ = try? bridge.versions() }
    let versions = try bridge.versions()
    let child = try bridge.process.orThrow()
    var times: [Duration] = []
    for _ in 0..<pings {
      times.append(clock.measure { _ = try? child.request(5, body: [0, 0, 0, 0]) })
    }
    times.sort()
    print("bridge: python \(versions["python"] ?? "?"), metaworld \(versions["metaworld"] ?? "?"), mujoco \(versions["mujoco"] ?? "?"); \(slots) simulators per request")
    print("| measure | value |")
    print("|---|---:|")
    print(String(format: "| start-up and handshake (import, no simulator yet) | %.0f ms |", startup.seconds * 1e3))
    print(String(format: "| round trip (empty request), median of %d | %.1f µs |", pings, times[pings / 2].seconds * 1e6))
    for task in 0..<environment.taskCount {
      var still = ClosureController { _, actions in
        for index in actions.indices { actions[index] = 0 }
      }
      let requests = Rollout.requests(seed: Seed(1), tasks: [task], episodesPerTask: slots)
      let first = clock.measure {
        _ = try? bridge.rollOut(environment, controller: &still, requests: requests, horizon: 1)
      }
      let rollout = clock.measure {
        _ = try? bridge.rollOut(environment, controller: &still, requests: requests, horizon: steps)
      }
      var stepped = 0
      let expert = try clock.measure {
        stepped = try bridge.expertEpisodes(
          environment, requests: Rollout.requests(seed: Seed(2), tasks: [task], episodesPerTask: slots),
          horizon: environment.horizon
        ).map(\.stepCount).reduce(0, +)
      }
      let name = MetaWorld.tasks[task].environment
      print(String(format: "| task %d (%@): first reset of %d episodes, building simulators | %.0f ms |", task, name, slots, first.seconds * 1e3))
      print(String(format: "| task %d: policy rollout, per episode step (batches of %d) | %.3f ms |", task, slots, rollout.seconds * 1e3 / Double(slots * steps)))
      print(String(format: "| task %d: expert demonstration, per step (one call for %d) | %.3f ms |", task, slots, expert.seconds * 1e3 / Double(stepped)))
    }
    if expertEpisodes > 0 { try expertTable(environment, bridge: bridge) }
    bridge.stop()
  }

  /// The expert's success rate and episode length per task (seed 2025, streams `rollout/task-c/episode-i`).
  func expertTable(_ environment: MetaWorld, bridge: MetaWorldBridge) throws {
    let episodes = try bridge.expertEpisodes(
      environment, requests: Rollout.requests(seed: Seed(2025), tasks: Array(0..<environment.taskCount),
                                              episodesPerTask: expertEpisodes), horizon: environment.horizon)
    print("\n| task | environment | goal | expert success | mean steps | max steps |")
    print("|---:|---|---|---:|---:|---:|")
    for task in 0..<environment.taskCount {
      let own = episodes.filter { $0.task == task }
      let rate = Double(own.filter(\.isSuccess).count) / Double(own.count)
      let steps = own.map(\.stepCount)
      let goal = MetaWorld.tasks[task].goal.map { String(format: "(%.2f, %.2f)", $0[0], $0[1]) } ?? "–"
      print(String(format: "| %d | %@ | %@ | %.2f | %.1f | %d |", task, MetaWorld.tasks[task].environment, goal, rate,
                   Double(steps.reduce(0, +)) / Double(steps.count), steps.max() ?? 0))
    }
  }
}

extension Optional {
  /// The value, or a thrown error naming what was missing.
  func orThrow() throws -> Wrapped {
    guard let self else { throw ValidationError("the bridge did not start") }
    return self
  }
}
