"""Records a small Minari dataset with Minari's own DataCollector and prints its episodes as JSON.

Usage: make_minari.py ROOT. The dataset is ROOT/amf/pointmass/test-v0 (MINARI_DATASETS_PATH=ROOT). The
environment is a tiny planar double integrator written here (gymnasium Env): observations (x, y) 2 wide,
actions 2 wide, the task id in info["task"], terminated when the goal is reached; the shapes of amf's
integrator2d, so `amf-pipeline import demonstrations --env integrator2d` accepts it.
"""
import json
import os
import sys

import gymnasium as gym
import numpy as np

root = sys.argv[1]
os.environ["MINARI_DATASETS_PATH"] = root
import minari  # noqa: E402  (reads MINARI_DATASETS_PATH at import)
from minari import DataCollector  # noqa: E402


class PointMass(gym.Env):
    observation_space = gym.spaces.Box(-2.0, 2.0, (2,), np.float32)
    action_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.task = int(seed % 12)
        angle = 2 * np.pi * self.task / 12
        self.goal = np.array([np.cos(angle), np.sin(angle)], np.float32)
        self.position = np.zeros(2, np.float32)
        return self.position.copy(), {"task": self.task}

    def step(self, action):
        self.position = (self.position + 0.25 * np.asarray(action, np.float32)).astype(np.float32)
        distance = float(np.linalg.norm(self.position - self.goal))
        return self.position.copy(), -distance, distance < 0.3, False, {"task": self.task}


env = DataCollector(gym.wrappers.TimeLimit(PointMass(), max_episode_steps=6), record_infos=True)
for seed in (3, 7):
    observation, info = env.reset(seed=seed)
    for _ in range(6):
        action = np.clip(env.unwrapped.goal - observation, -1, 1).astype(np.float32) * 2
        observation, reward, terminated, truncated, info = env.step(np.clip(action, -1, 1))
        if terminated or truncated:
            break
dataset = env.create_dataset(dataset_id="amf/pointmass/test-v0", algorithm_name="scripted")
episodes = [
    {
        "observations": e.observations.tolist(), "actions": e.actions.tolist(), "rewards": e.rewards.tolist(),
        "terminations": e.terminations.astype(int).tolist(), "task": int(e.infos["task"][0]),
    }
    for e in dataset.iterate_episodes()
]
print(json.dumps({"minari": minari.__version__, "episodes": episodes}))
