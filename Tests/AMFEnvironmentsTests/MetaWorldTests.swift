import AMFCore
import AMFTestSupport
import Foundation
import Testing

@testable import AMFEnvironments

/// The real bridge, when `bash Scripts/setup.sh --metaworld` has made `.venv-metaworld` (or
/// `AMF_METAWORLD_PYTHON` names a Python with Meta-World). Without it every test here is reported as
/// skipped, with the command that enables it.
@Suite(.enabled(if: MetaWorldInstall.python != nil, "Meta-World is not installed: run `bash Scripts/setup.sh --metaworld`"))
struct MetaWorldTests {
  func bridge() throws -> MetaWorldBridge {
    MetaWorldBridge(launch: (try #require(MetaWorldInstall.python), ["-u", "-c", MetaWorldBridgeScript.source]))
  }

  /// The bridge's source without `line` (which it must hold): the child as it was before that speed-up.
  static func source(without line: String) throws -> String {
    try #require(MetaWorldBridgeScript.source.contains(line), "the bridge source no longer has \(line)")
    return MetaWorldBridgeScript.source.replacingOccurrences(of: line, with: "")
  }

  @Test func handshakeReportsThePinnedVersions() throws {
    let bridge = try bridge()
    let versions = try bridge.versions()
    #expect(versions["metaworld"] == "3.1.1")
    #expect(versions["mujoco"] == "3.3.0")
    bridge.stop()
  }

  /// The child moved its stdout to stderr: a print and a raw write to fd 1 do not reach the frame pipe.
  @Test func printsInTheChildDoNotCorruptFrames() throws {
    let bridge = try bridge()
    _ = try bridge.versions()
    let child = try #require(bridge.process)
    #expect(try child.request(6, body: [0, 0, 0, 0]) == [])
    #expect(try child.request(5, body: [0, 0, 0, 0]) == [])
    bridge.stop()
  }

  /// AMF.md §3's validity condition on Meta-World: the noisy expert solves every task, within H.
  @Test func expertSolvesEveryTaskInOneCallEach() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    let bridge = try bridge()
    let episodes = try bridge.expertEpisodes(
      environment, requests: Rollout.requests(seed: Seed(2025), tasks: [0, 1, 2, 3], episodesPerTask: 5),
      horizon: environment.horizon)
    #expect(episodes.count == 20)
    for episode in episodes {
      #expect(episode.isSuccess, "task \(episode.task) failed")
      #expect(episode.stepCount < environment.horizon)
      #expect(episode.states.count == (episode.stepCount + 1) * 40)
      #expect(episode.states.last == 1)  // the success flag of the last state
      #expect(episode.actions.allSatisfy { abs($0) <= 1 })
      #expect(episode.rewards.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 10 })
    }
    for task in 2...3 {
      let goal = try #require(MetaWorld.tasks[task].goal)
      #expect(episodes.filter { $0.task == task }.allSatisfy { episode in
        abs(episode.finalObservation[36] - goal[0]) < 1e-9 && abs(episode.finalObservation[37] - goal[1]) < 1e-9
      })  // the fixed goal is the one the observation shows
    }
    bridge.stop()
  }

  /// Same requests, two child processes, and simulators reused after other episodes: identical bits.
  @Test func demonstrationsAreDeterministicAcrossProcesses() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    let requests = Rollout.requests(seed: Seed(11), tasks: [0, 2], episodesPerTask: 2)
    let first = try bridge()
    let fresh = try first.expertEpisodes(environment, requests: requests, horizon: 150)
    let second = try bridge()
    _ = try second.expertEpisodes(
      environment, requests: Rollout.requests(seed: Seed(12), tasks: [2, 0], episodesPerTask: 2), horizon: 150)
    let reused = try second.expertEpisodes(environment, requests: requests, horizon: 150)
    #expect(fresh == reused)
    first.stop()
    second.stop()
  }

  /// Simulators built from copies of a once-compiled model (the child's cache) give the episodes that freshly
  /// compiled models give, bit for bit, over every task and with simulators reused within a batch.
  @Test func cachedModelsGiveTheSameEpisodes() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    let uncachedSource = try Self.source(without: "        cache_compiled_models(mujoco)\n")
    let requests = Rollout.requests(seed: Seed(31), tasks: [0, 1, 2, 3], episodesPerTask: 7)
    let cached = try bridge()
    let uncached = MetaWorldBridge(launch: (try #require(MetaWorldInstall.python), ["-u", "-c", uncachedSource]))
    let expected = try uncached.expertEpisodes(environment, requests: requests, horizon: 150)
    #expect(try cached.expertEpisodes(environment, requests: requests, horizon: 150) == expected)
    cached.stop()
    uncached.stop()
  }

  /// The vectorized pad-contact test (issue #20) gives the episodes Meta-World's own loop over `data.contact`
  /// gives, bit for bit: expert demonstrations and step-by-step rollouts over every task.
  @Test func vectorizedContactTestGivesTheSameEpisodes() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    let originalSource = try Self.source(without: "        vectorize_contact_test(SawyerXYZEnv)\n")
    let requests = Rollout.requests(seed: Seed(37), tasks: [0, 1, 2, 3], episodesPerTask: 4)
    var wobble = ClosureController { input, actions in
      for index in actions.indices { actions[index] = sin(Double(input.step) * 0.2 + Double(index)) }
    }
    let original = MetaWorldBridge(launch: (try #require(MetaWorldInstall.python), ["-u", "-c", originalSource]))
    let expectedDemos = try original.expertEpisodes(environment, requests: requests, horizon: 150)
    let expectedRollouts = try original.rollOut(environment, controller: &wobble, requests: requests, horizon: 60)
    original.stop()
    let vectorized = try bridge()
    #expect(try vectorized.expertEpisodes(environment, requests: requests, horizon: 150) == expectedDemos)
    #expect(try vectorized.rollOut(environment, controller: &wobble, requests: requests, horizon: 60) == expectedRollouts)
    vectorized.stop()
  }

  /// The same function against Meta-World's own, call by call, where the pads do touch the object (our tasks'
  /// experts push the mug without grasping it, so pick-place-v3, whose expert grasps, supplies the touching
  /// states): every answer, true and false, is the original's.
  @Test func vectorizedContactTestAnswersAsMetaWorldDoes() throws {
    let python = try #require(MetaWorldInstall.python)
    let definitions = try #require(MetaWorldBridgeScript.source.components(separatedBy: "\nif len(sys.argv) == 4").first)
    let check = """
      import pickle, numpy as np, metaworld
      from metaworld.env_dict import ALL_V3_ENVIRONMENTS
      from metaworld import policies
      from metaworld.sawyer_xyz_env import SawyerXYZEnv
      original = SawyerXYZEnv.touching_object
      class Patched: pass
      vectorize_contact_test(Patched)
      answers = {True: 0, False: 0}
      for name in ["pick-place-v3", "coffee-push-v3"]:
          env = ALL_V3_ENVIRONMENTS[name]()
          data = {"env_cls": type(env), "rand_vec": env._random_reset_space.low.copy(), "partially_observable": False}
          env.set_task(metaworld.Task(env_name=name, data=pickle.dumps(data)))
          expert = getattr(policies, "Sawyer" + "".join(p.capitalize() for p in name.split("-")) + "Policy")()
          rng = np.random.default_rng(5)
          for episode in range(3):
              observation, _ = env.reset()
              for step in range(120):
                  action = np.clip(expert.get_action(observation) + 0.1 * episode * rng.normal(size=4), -1, 1)
                  observation, *_ = env.step(action)
                  geom = env._get_id_main_object()
                  mine, theirs = Patched.touching_object(env, geom), original(env, geom)
                  assert bool(mine) == bool(theirs) and type(mine) is type(theirs), (name, episode, step, mine, theirs)
                  answers[bool(theirs)] += 1
      print(answers[True], answers[False])
      """
    let result = try Executables.run(executable: python, ["-W", "ignore", "-c", definitions + "\n" + check])
    let output = result.standardOutput
    #expect(result.status == 0, "the comparison script failed: \(result.standardError)")
    let counts = output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    #expect(counts.count == 2 && counts[0] > 0 && counts[1] > 0, "touching/not touching states checked: \(output)")
  }

  /// Children forked by the bridge server (issue #20) give the episodes a child of our own gives, bit for
  /// bit: expert demonstrations and step-by-step rollouts over every task, two clients at once, and after
  /// the server is gone a bridge pointed at it starts its own child instead.
  @Test func servedChildrenGiveTheSameEpisodes() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    let python = try #require(MetaWorldInstall.python)
    let requests = Rollout.requests(seed: Seed(41), tasks: [0, 1, 2, 3], episodesPerTask: 3)
    var wobble = ClosureController { input, actions in
      for index in actions.indices { actions[index] = sin(Double(input.step) * 0.3 + Double(index)) }
    }
    let own = try bridge()
    let expectedDemos = try own.expertEpisodes(environment, requests: requests, horizon: 150)
    let expectedRollouts = try own.rollOut(environment, controller: &wobble, requests: requests, horizon: 40)
    own.stop()
    let server = try BridgeServer(python: python)
    #expect(server.hello["metaworld"] as? String == "3.1.1")
    let first = MetaWorldBridge(launch: nil, server: server.socketPath)
    let second = MetaWorldBridge(launch: nil, server: server.socketPath)
    #expect(try first.expertEpisodes(environment, requests: requests, horizon: 150) == expectedDemos)
    #expect(try second.rollOut(environment, controller: &wobble, requests: requests, horizon: 40) == expectedRollouts)
    #expect(try first.rollOut(environment, controller: &wobble, requests: requests, horizon: 40) == expectedRollouts)
    #expect(first.process?.label.contains("served at \(server.socketPath)") == true)
    #expect(second.process?.label.contains("served at") == true)
    first.stop()
    second.stop()
    server.stop()
    #expect(!FileManager.default.fileExists(atPath: server.socketPath))
    let orphan = MetaWorldBridge(launch: nil, server: server.socketPath)
    #expect(try orphan.expertEpisodes(environment, requests: Array(requests.prefix(2)), horizon: 150)
      == Array(expectedDemos.prefix(2)))
    #expect(orphan.process?.label.contains("served at") == false)
    orphan.stop()
  }

  /// A step-by-step rollout of a policy: a still policy never succeeds and runs the horizon.
  @Test func policyRolloutStepsInBatches() throws {
    let environment = try MetaWorld(EnvironmentConfiguration())
    var still = ClosureController { _, actions in
      for index in actions.indices { actions[index] = 0 }
    }
    let bridge = try bridge()
    bridge.slotCount = 3
    let episodes = try bridge.rollOut(
      environment, controller: &still, requests: Rollout.requests(seed: Seed(1), tasks: [0, 3], episodesPerTask: 4),
      horizon: 25)
    #expect(episodes.count == 8)
    #expect(episodes.allSatisfy { $0.stepCount == 25 && !$0.isSuccess })
    bridge.stop()
  }
}

/// Where the bridge's Python is, if anywhere.
enum MetaWorldInstall {
  static let python = try? PythonLocator.metaWorldPython(workingDirectory: Executables.repositoryRoot)
}
