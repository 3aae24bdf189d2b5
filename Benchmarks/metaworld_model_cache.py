"""The Meta-World bridge's compiled-model cache (issue #20): CPU time to build simulators with and without it,
and whether episodes from cached models are bit-identical to episodes from freshly compiled ones.

Usage: .venv-metaworld/bin/python Benchmarks/metaworld_model_cache.py   (needs bash Scripts/setup.sh --metaworld)
The cache is the same as `cache_compiled_models` in Sources/AMFEnvironments/MetaWorld/MetaWorldBridgeScript.swift.
"""
import copy
import pickle
import time
import warnings

import metaworld
import mujoco
import numpy as np
from metaworld import policies
from metaworld.env_dict import ALL_V3_ENVIRONMENTS

warnings.filterwarnings("ignore")
STARTS = {"faucet-open-v3": [0.0, 0.82, 0.0], "faucet-close-v3": [0.05, 0.83, 0.0],
          "coffee-push-v3": [0.05, 0.55, 0.0, -0.05, 0.70, 0.0]}


def episode(name):
    env = ALL_V3_ENVIRONMENTS[name]()
    data = {"env_cls": type(env), "rand_vec": env._random_reset_space.low.copy(), "partially_observable": False}
    env.set_task(metaworld.Task(env_name=name, data=pickle.dumps(data)))
    env._last_rand_vec = np.array(STARTS[name])
    observation, _ = env.reset()
    expert = getattr(policies, "Sawyer" + "".join(p.capitalize() for p in name.split("-")) + "Policy")()
    noise, out = np.random.default_rng(0), [observation]
    for _ in range(150):
        action = np.clip(expert.get_action(observation) + 0.1 * noise.standard_normal(4), -1, 1)
        observation, reward, _, _, info = env.step(action)
        out += [observation, [reward, info["success"]]]
    return np.concatenate([np.ravel(x) for x in out]).tobytes()


def builds(name, count=5):
    start = time.process_time()
    for _ in range(count):
        ALL_V3_ENVIRONMENTS[name]()
    return time.process_time() - start


fresh = {name: episode(name) for name in STARTS}
uncached = {name: builds(name) for name in STARTS}
compile_xml, compiled = mujoco.MjModel.from_xml_path, {}


def from_xml_path(path, *args, **kwargs):
    if args or kwargs:
        return compile_xml(path, *args, **kwargs)
    if path not in compiled:
        compiled[path] = compile_xml(path)
    return copy.copy(compiled[path])


mujoco.MjModel.from_xml_path = staticmethod(from_xml_path)
print("| environment | 5 builds, CPU s, uncached | 5 builds, CPU s, cached | episode bits |")
print("|---|---:|---:|---|")
for name in STARTS:
    same = all(episode(name) == fresh[name] for _ in range(3))
    print(f"| {name} | {uncached[name]:.2f} | {builds(name):.2f} | {'identical' if same else 'DIFFERENT'} |")
