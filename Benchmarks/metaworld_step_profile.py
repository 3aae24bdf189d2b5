"""Where Meta-World's Python step spends its time, and the bridge's vectorized pad-contact test against
Meta-World's own (issue #20). Run with the bridge's Python: `.venv-metaworld/bin/python
Benchmarks/metaworld_step_profile.py` (OPENBLAS_CORETYPE=Haswell, as the stages).

1. `cProfile` of 6 000 steps with random actions over the bridge's task set of the mismatch study
   (faucet-open, faucet-close, coffee-push twice), with Meta-World's own `touching_object`: the share of the
   profiled time of the functions that matter.
2. Per environment, 12 expert episodes with noise (1 800 steps), with Meta-World's function and with the
   bridge's (`vectorize_contact_test`, read from the Swift source of the bridge): process CPU seconds of
   each, and whether every observation, reward and info is bit-identical.
"""
import cProfile
import os
import pickle
import pstats
import sys
import time

import numpy as np

import metaworld
from metaworld import policies
from metaworld.env_dict import ALL_V3_ENVIRONMENTS
from metaworld.sawyer_xyz_env import SawyerXYZEnv

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
swift = open(os.path.join(root, "Sources/AMFEnvironments/MetaWorld/MetaWorldBridgeScript.swift")).read()
bridge = swift.split('static let source = #"""', 1)[1].split('\nif len(sys.argv) == 4', 1)[0]
definitions = {}
exec(bridge, definitions)
original = SawyerXYZEnv.touching_object


class Vectorized:
    pass


definitions["vectorize_contact_test"](Vectorized)


def make(name):
    env = ALL_V3_ENVIRONMENTS[name]()
    data = {"env_cls": type(env), "rand_vec": env._random_reset_space.low.copy(), "partially_observable": False}
    env.set_task(metaworld.Task(env_name=name, data=pickle.dumps(data)))
    return env


def profile():
    SawyerXYZEnv.touching_object = original
    envs = [make(name) for name in ["faucet-open-v3", "faucet-close-v3", "coffee-push-v3"]]
    rng = np.random.default_rng(0)

    def steps():
        for _ in range(10):
            for env in envs + [envs[2]]:
                env._last_rand_vec = env._random_reset_space.low.copy()
                env.reset()
                for _ in range(150):
                    env.step(np.clip(rng.normal(size=4), -1, 1))

    profiler = cProfile.Profile()
    profiler.runcall(steps)
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"1. 6 000 steps, {total:.2f} s profiled; share of the profiled time (own time, or with callees):")
    rows = {}
    for (path, _, function), (_, _, own, cumulative, _) in stats.stats.items():
        for label, wanted, use in [("mj_step (MuJoCo)", "mj_step", own), ("touching_object", "touching_object", cumulative),
                                   ("Rotation.from_matrix (scipy)", "from_matrix", cumulative),
                                   ("tolerance (reward)", "tolerance", own), ("numpy norm", "norm", own),
                                   ("numpy hstack", "hstack", cumulative), ("numpy array_split", "array_split", cumulative)]:
            if function == wanted or function == f"<built-in method mujoco._functions.{wanted}>":
                rows[label] = rows.get(label, 0) + use
    for label, seconds in sorted(rows.items(), key=lambda item: -item[1]):
        print(f"   {label:30s} {100 * seconds / total:5.1f}%")


def episodes(name, function, seed=1):
    SawyerXYZEnv.touching_object = function
    env = make(name)
    expert = getattr(policies, "Sawyer" + "".join(p.capitalize() for p in name.split("-")) + "Policy")()
    rng = np.random.default_rng(seed)
    out, touching = [], 0
    start = time.process_time()
    for episode in range(12):
        low, high = env._random_reset_space.low, env._random_reset_space.high
        while True:  # coffee-push loops forever on a mug placed at its goal
            vector = low + rng.random(low.size) * (high - low)
            if low.size < 6 or np.linalg.norm(vector[:2] - vector[3:5]) >= 0.15:
                break
        env._last_rand_vec = vector
        observation, _ = env.reset()
        for _ in range(150):
            action = expert.get_action(observation) + (0 if episode % 3 == 0 else rng.normal(size=4) * 0.1 * (episode % 3))
            observation, reward, _, _, info = env.step(np.clip(action, -1, 1))
            out.append(observation.tobytes() + np.float64(reward).tobytes() + repr(sorted(info.items())).encode())
            touching += bool(info.get("grasp_success", 0))
    return out, time.process_time() - start, touching


def compare():
    print("2. 1 800 expert steps with noise per environment: CPU s with Meta-World's test -> the bridge's")
    for name in ["coffee-push-v3", "faucet-open-v3", "faucet-close-v3", "pick-place-v3", "sweep-v3"]:
        theirs, before, touching = episodes(name, original)
        mine, after, _ = episodes(name, Vectorized.touching_object)
        print(f"   {name:16s} {before:5.2f} -> {after:5.2f}  {'bit-identical' if mine == theirs else 'DIFFERENT'}"
              f" ({touching} steps with grasp_success)")
        if mine != theirs:
            sys.exit(1)


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    profile()
    compare()
