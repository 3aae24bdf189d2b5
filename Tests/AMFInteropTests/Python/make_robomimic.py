"""Writes a small file in robomimic's documented layout with h5py and prints its demos as JSON.

Usage: make_robomimic.py FILE. Layout (robomimic.github.io, "Dataset Structure"): data.attrs["total"] and
data.attrs["env_args"]; data/demo_N with attrs["num_samples"] and datasets obs/<key>, actions, rewards,
dones; mask/<filter> lists demo names as bytes. (robomimic_loader.py reads exports with robomimic itself.)
"""
import json
import sys

import h5py
import numpy as np

demos = []
with h5py.File(sys.argv[1], "w") as f:
    data = f.create_group("data")
    data.attrs["env_args"] = json.dumps({"env_name": "PointMass", "type": 2, "env_kwargs": {}})
    total = 0
    for n, (steps, task) in enumerate([(4, 3), (2, 11)]):
        demo = data.create_group(f"demo_{n}")
        rng = np.random.default_rng(n)
        x = rng.normal(size=(steps, 1))  # float64, narrowed to float32 by amf
        y = rng.normal(size=(steps, 1)).astype(np.float32)
        actions = rng.uniform(-1, 1, size=(steps, 2)).astype(np.float32)
        rewards = np.zeros(steps)
        rewards[-1] = 1.0
        dones = np.zeros(steps, dtype=np.int64)
        dones[-1] = 1
        demo.create_dataset("obs/x", data=x)
        demo.create_dataset("obs/y", data=y)
        demo.create_dataset("next_obs/x", data=x)
        demo.create_dataset("actions", data=actions)
        demo.create_dataset("rewards", data=rewards)
        demo.create_dataset("dones", data=dones)
        demo.create_dataset("states", data=np.zeros((steps, 5)))
        demo.attrs["num_samples"] = steps
        demo.attrs["task"] = task
        total += steps
        obs = np.concatenate([x, y], axis=1).astype(np.float32)
        demos.append({"observations": obs.tolist(), "actions": actions.tolist(), "rewards": rewards.tolist(),
                      "dones": dones.tolist(), "task": task})
    data.attrs["total"] = total
    f.create_dataset("mask/train", data=np.array([b"demo_0", b"demo_1"]))
    f.create_dataset("mask/valid", data=np.array([b"demo_1"]))
print(json.dumps({"h5py": h5py.__version__, "episodes": demos}))
