/// The Python side of the Meta-World bridge, run as `python -u -c <source>` (docs/environments/metaworld.md).
///
/// It is compiled into the binaries so that a stage's key, which hashes the build, also covers the child:
/// no file next to the executable can drift from the Swift side. The protocol is `BridgeProtocol`'s.
enum MetaWorldBridgeScript {
  /// The source.
  static let source = #"""
import json, os, platform, struct, sys, warnings

FRAMES = REQUESTS = None
warnings.filterwarnings("ignore", message=r"Constant\(s\) may be too high")


def attach():
    """Frames go to a private copy of fd 1; fd 1 itself becomes stderr, so a library's print cannot corrupt a
    frame. Requests come on fd 0."""
    global FRAMES, REQUESTS
    FRAMES = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    REQUESTS = os.fdopen(0, "rb", buffering=0)

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


def vectorize_contact_test(sawyer_env):
    """Replaces `SawyerXYZEnv.touching_object` by the same test on MuJoCo's contact arrays.

    Meta-World walks `data.contact` in Python, one wrapper object per contact, every step of the tasks whose
    reward asks whether both pads touch the object (coffee-push among them): a third of such a step's Python
    time. Here the pads' contacts with the object are found with NumPy masks over `contact.geom1`/`geom2`, and
    their forces summed by the same `sum` over the same `efc_force` entries in the same order from the same
    integer 0, so the result is the original's, bit for bit (docs/environments/metaworld.md, "Speed").
    """
    def touching_object(self, object_geom_id):
        data = self.data
        left, right = data.geom("leftpad_geom").id, data.geom("rightpad_geom").id
        contacts = data.contact
        first, second, address = contacts.geom1, contacts.geom2, contacts.efc_address
        on_object = (first == object_geom_id) | (second == object_geom_id)
        force = data.efc_force
        left_force = sum(force[a] for a in address[on_object & ((first == left) | (second == left))])
        right_force = sum(force[a] for a in address[on_object & ((first == right) | (second == right))])
        return 0 < left_force and 0 < right_force

    sawyer_env.touching_object = touching_object


class Bridge:
    def __init__(self, tasks):
        import numpy as np
        import metaworld, mujoco
        from importlib.metadata import version
        from metaworld import policies
        from metaworld.env_dict import ALL_V3_ENVIRONMENTS
        self.np, self.metaworld = np, metaworld
        cache_compiled_models(mujoco)
        from metaworld.sawyer_xyz_env import SawyerXYZEnv
        vectorize_contact_test(SawyerXYZEnv)
        self.classes, self.experts = {}, {}
        for name in tasks:
            if name not in ALL_V3_ENVIRONMENTS:
                raise ValueError(f"Meta-World has no environment {name!r}")
            self.classes[name] = ALL_V3_ENVIRONMENTS[name]
            stem = "".join(part.capitalize() for part in name.split("-"))
            self.experts[name] = getattr(policies, f"Sawyer{stem}Policy")()
        self.tasks = tasks
        self.envs = {}
        self.mujoco = mujoco
        self.hello = {
            "ok": True, "protocol": PROTOCOL, "python": platform.python_version(),
            "metaworld": version("metaworld"), "mujoco": mujoco.__version__, "numpy": np.__version__,
            "observation_dimension": OBS, "action_dimension": ACT,
        }

    def warm(self):
        """Builds and drops one simulator per task: its compiled model stays in the cache, so that children
        forked from the server start with it (the simulators a session uses are still built in the session)."""
        for name in self.tasks:
            self.classes[name]().close()

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


def session(prepared=None):
    """One client: the handshake, then requests until op 0 or the end of the input."""
    hello = json.loads(read_line())
    if hello.get("protocol") != PROTOCOL:
        send_json({"ok": False, "error": f"protocol {hello.get('protocol')} requested, this child speaks {PROTOCOL}"})
        return 2
    try:
        bridge = prepared if prepared is not None and prepared.tasks == hello["tasks"] else Bridge(hello["tasks"])
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


def serve(path, tasks):
    """The bridge server (`--serve PATH TASKS_JSON`): imports Meta-World and MuJoCo and compiles every task's
    model once, then forks one child per connection on the Unix socket PATH. A client first sends one byte
    with its stderr attached (SCM_RIGHTS), which becomes the child's fd 2; then the child speaks the same
    handshake and frames as a child started on pipes, so a stage saves the start-up (imports, compiles) and
    nothing else changes. The server prints its hello as one JSON line on stdout when it accepts, and leaves
    when its stdin closes (the orchestrator that started it ended, however it ended)."""
    import select, socket, traceback
    hello = os.fdopen(os.dup(1), "w")  # the hello line only; a library's print goes to stderr
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        prepared = Bridge(tasks)
        prepared.warm()
    except Exception as error:
        hello.write(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}) + "\n")
        hello.flush()
        return 2
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)

    def reap(block=False):
        # Waited for, not ignored: a child's CPU time then counts in ours, and in whoever waits for us.
        while True:
            try:
                pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return

    hello.write(json.dumps(prepared.hello, sort_keys=True) + "\n")
    hello.flush()
    while True:
        ready, _, _ = select.select([listener, 0], [], [], 1.0)
        reap()
        if 0 in ready and not os.read(0, 4096):
            break
        if listener not in ready:
            continue
        connection, _ = listener.accept()
        if os.fork() != 0:
            connection.close()
            continue
        code = 1
        try:
            listener.close()
            hello.close()
            _, descriptors, _, _ = socket.recv_fds(connection, 1, 1)
            if descriptors:
                os.dup2(descriptors[0], 2)
                os.close(descriptors[0])
            os.dup2(connection.fileno(), 0)
            os.dup2(connection.fileno(), 1)
            connection.close()
            attach()
            code = session(prepared)
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    listener.close()
    os.unlink(path)
    reap(block=True)
    return 0


if len(sys.argv) == 4 and sys.argv[1] == "--serve":
    sys.exit(serve(sys.argv[2], json.loads(sys.argv[3])))
attach()
sys.exit(session())
"""#
}
