/// The Python side of the Meta-World bridge, run as `python -u -c <source>` (docs/environments/metaworld.md).
///
/// It is compiled into the binaries so that a stage's key, which hashes the build, also covers the child:
/// no file next to the executable can drift from the Swift side. The protocol is `BridgeProtocol`'s.
enum MetaWorldBridgeScript {
  /// The source.
  static let source = #"""
import json, os, platform, struct, sys, warnings

# Frames go to a private copy of fd 1; fd 1 itself becomes stderr, so a library's print cannot corrupt a frame.
FRAMES = os.fdopen(os.dup(1), "wb", buffering=0)
os.dup2(2, 1)
sys.stdout = sys.stderr
REQUESTS = os.fdopen(0, "rb", buffering=0)
warnings.filterwarnings("ignore", message=r"Constant\(s\) may be too high")

PROTOCOL = 1
OBS, ACT, RAND = 39, 4, 6


def read_exact(count):
    data = bytearray()
    while len(data) < count:
        chunk = REQUESTS.read(count - len(data))
        if not chunk:
            sys.exit(0 if not data else 3)  # the parent closed our stdin: leave quietly
        data += chunk
    return bytes(data)


def read_line():
    data = bytearray()
    while not data.endswith(b"\n"):
        data += read_exact(1)
    return data.decode()


def send(status, payload=b""):
    FRAMES.write(struct.pack("<IB", len(payload) + 1, status) + payload)


def send_json(value):
    FRAMES.write((json.dumps(value, sort_keys=True) + "\n").encode())


def cache_compiled_models(mujoco):
    """Compiles each MJCF file once per child; every simulator gets its own copy (mj_copyModel).

    Compiling the XML is 99% of building a Meta-World simulator (about 0.2-1 s each, 15 per evaluation).
    A copy of a compiled model is the model a fresh compile gives, bit for bit, and each environment still
    owns its copy (resets move bodies and sites in it), so episodes are unchanged
    (docs/environments/metaworld.md, "Speed").
    """
    import copy
    compile_xml = mujoco.MjModel.from_xml_path
    compiled = {}

    def from_xml_path(path, *args, **kwargs):
        if args or kwargs:
            return compile_xml(path, *args, **kwargs)
        model = compiled.get(path)
        if model is None:
            model = compiled[path] = compile_xml(path)
        return copy.copy(model)

    mujoco.MjModel.from_xml_path = staticmethod(from_xml_path)


class Bridge:
    def __init__(self, tasks):
        import numpy as np
        import metaworld, mujoco
        from importlib.metadata import version
        from metaworld import policies
        from metaworld.env_dict import ALL_V3_ENVIRONMENTS
        self.np, self.metaworld = np, metaworld
        cache_compiled_models(mujoco)
        self.classes, self.experts = {}, {}
        for name in tasks:
            if name not in ALL_V3_ENVIRONMENTS:
                raise ValueError(f"Meta-World has no environment {name!r}")
            self.classes[name] = ALL_V3_ENVIRONMENTS[name]
            stem = "".join(part.capitalize() for part in name.split("-"))
            self.experts[name] = getattr(policies, f"Sawyer{stem}Policy")()
        self.tasks = tasks
        self.envs = {}
        self.hello = {
            "ok": True, "protocol": PROTOCOL, "python": platform.python_version(),
            "metaworld": version("metaworld"), "mujoco": mujoco.__version__, "numpy": np.__version__,
            "observation_dimension": OBS, "action_dimension": ACT,
        }

    def env(self, slot, task):
        name = self.tasks[task]
        env = self.envs.get((slot, name))
        if env is None:
            env = self.classes[name]()
            data = {"env_cls": type(env), "rand_vec": env._random_reset_space.low.copy(), "partially_observable": False}
            import pickle
            env.set_task(self.metaworld.Task(env_name=name, data=pickle.dumps(data)))
            self.envs[(slot, name)] = env
        return env

    def reset(self, slot, task, rand_vec):
        env = self.env(slot, task)
        size = env._random_reset_space.low.size
        env._last_rand_vec = self.np.array(rand_vec[:size], dtype=self.np.float64)
        observation, _ = env.reset()
        self.current = getattr(self, "current", {})
        self.current[slot] = (env, task, observation)
        return observation

    def step(self, slot, action):
        env, task, _ = self.current[slot]
        action = self.np.clip(self.np.array(action, dtype=self.np.float64), -1.0, 1.0)
        observation, reward, _, _, info = env.step(action)
        self.current[slot] = (env, task, observation)
        return observation, float(reward), float(info["success"])

    def expert(self, slot):
        _, task, observation = self.current[slot]
        return self.experts[self.tasks[task]].get_action(observation)

    def handle(self, op, body):
        np = self.np
        count, = struct.unpack_from("<I", body, 0)
        offset, out = 4, []
        if op == 1:  # reset: (slot, task, rand_vec[6]) each -> observation
            for _ in range(count):
                slot, task = struct.unpack_from("<II", body, offset)
                rand_vec = struct.unpack_from(f"<{RAND}d", body, offset + 8)
                offset += 8 + 8 * RAND
                out.append(np.asarray(self.reset(slot, task, rand_vec), dtype="<f8").tobytes())
        elif op == 2:  # step: (slot, action[4]) each -> observation, reward, success
            for _ in range(count):
                slot, = struct.unpack_from("<I", body, offset)
                action = struct.unpack_from(f"<{ACT}d", body, offset + 4)
                offset += 4 + 8 * ACT
                observation, reward, success = self.step(slot, action)
                out.append(np.asarray(observation, dtype="<f8").tobytes() + struct.pack("<2d", reward, success))
        elif op == 3:  # expert: slot each -> noise-free action
            for _ in range(count):
                slot, = struct.unpack_from("<I", body, offset)
                offset += 4
                out.append(np.asarray(self.expert(slot), dtype="<f8").tobytes())
        elif op == 4:  # demonstration: (slot, task, rand_vec[6], steps, noise[steps × 4]) each -> episode
            for _ in range(count):
                slot, task = struct.unpack_from("<II", body, offset)
                rand_vec = struct.unpack_from(f"<{RAND}d", body, offset + 8)
                steps, = struct.unpack_from("<I", body, offset + 8 + 8 * RAND)
                offset += 12 + 8 * RAND
                noise = np.frombuffer(body, dtype="<f8", count=steps * ACT, offset=offset).reshape(steps, ACT)
                offset += 8 * steps * ACT
                observations = [self.reset(slot, task, rand_vec)]
                actions, rewards, successes = [], [], []
                for t in range(steps):
                    action = np.clip(np.asarray(self.expert(slot), dtype=np.float64) + noise[t], -1.0, 1.0)
                    observation, reward, success = self.step(slot, action)
                    observations.append(observation)
                    actions.append(action)
                    rewards.append(reward)
                    successes.append(success)
                    if success:
                        break
                out.append(
                    struct.pack("<I", len(actions))
                    + np.asarray(observations, dtype="<f8").tobytes()
                    + np.asarray(actions, dtype="<f8").reshape(-1).tobytes()
                    + np.asarray(rewards, dtype="<f8").tobytes()
                    + np.asarray(successes, dtype="<f8").tobytes())
        elif op == 5:  # ping
            pass
        elif op == 6:  # print to stdout, as a chatty library would (tests: frames must survive it)
            sys.stdout.write("a library print on stdout\n")  # what print() does
            sys.stdout.flush()
            os.write(1, b"and a raw write to fd 1\n")
        else:
            raise ValueError(f"unknown request {op}")
        return b"".join(out)


def main():
    hello = json.loads(read_line())
    if hello.get("protocol") != PROTOCOL:
        send_json({"ok": False, "error": f"protocol {hello.get('protocol')} requested, this child speaks {PROTOCOL}"})
        return 2
    try:
        bridge = Bridge(hello["tasks"])
    except Exception as error:
        send_json({"ok": False, "error": f"{type(error).__name__}: {error}"})
        return 2
    send_json(bridge.hello)
    while True:
        length, = struct.unpack("<I", read_exact(4))
        frame = read_exact(length)
        if frame[0] == 0:
            return 0
        try:
            send(0, bridge.handle(frame[0], frame[1:]))
        except Exception as error:
            send(1, f"{type(error).__name__}: {error}".encode())


sys.exit(main())
"""#
}
