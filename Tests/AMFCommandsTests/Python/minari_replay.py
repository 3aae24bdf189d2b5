"""Writes an amf demonstrations artifact's episodes as a Minari dataset, with Minari's own DataCollector.

Usage: minari_replay.py ARTIFACT.h5 ROOT. The dataset is ROOT/amf/recorded/replay-v0 (MINARI_DATASETS_PATH=ROOT).
A gymnasium environment replays each recorded demonstration: reset returns its first observation, step t its
observation t + 1 (the last one again after the final step, which amf does not keep), its reward and done, and
info {"task", "success"}; the actions fed to DataCollector are the recorded ones. Prints {"minari", "episodes"}.
"""
import os
import sys

import gymnasium as gym
import h5py
import numpy as np

artifact, root = sys.argv[1], sys.argv[2]
os.environ["MINARI_DATASETS_PATH"] = root
import minari  # noqa: E402  (reads MINARI_DATASETS_PATH at import)
from minari import DataCollector  # noqa: E402

with h5py.File(artifact, "r") as f:
    names = sorted(f["data"].keys(), key=lambda name: int(name.split("_")[1]))
    demos = [
        {
            "obs": np.asarray(f["data"][n]["obs"], np.float32), "actions": np.asarray(f["data"][n]["actions"], np.float32),
            "rewards": np.asarray(f["data"][n]["rewards"], np.float64), "dones": np.asarray(f["data"][n]["dones"]),
            "task": int(f["data"][n].attrs["task"]), "success": bool(f["data"][n].attrs["success"]),
        }
        for n in names
    ]
width, action_width = demos[0]["obs"].shape[1], demos[0]["actions"].shape[1]


class Replay(gym.Env):
    observation_space = gym.spaces.Box(-1e6, 1e6, (width,), np.float32)
    action_space = gym.spaces.Box(-1e6, 1e6, (action_width,), np.float32)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.demo, self.t = demos[options["index"]], 0
        return self.demo["obs"][0].copy(), {"task": self.demo["task"], "success": False}

    def step(self, action):
        demo, t = self.demo, self.t
        last = t == len(demo["actions"]) - 1
        self.t += 1
        observation = demo["obs"][min(t + 1, len(demo["obs"]) - 1)].copy()
        done = bool(demo["dones"][t])
        info = {"task": demo["task"], "success": bool(last and demo["success"])}
        return observation, float(demo["rewards"][t]), done, last and not done, info


env = DataCollector(Replay(), record_infos=True)
for index, demo in enumerate(demos):
    env.reset(seed=index, options={"index": index})
    for action in demo["actions"]:
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            break
env.create_dataset(dataset_id="amf/recorded/replay-v0", algorithm_name="recorded")
print('{"minari": "%s", "episodes": %d}' % (minari.__version__, len(demos)))
