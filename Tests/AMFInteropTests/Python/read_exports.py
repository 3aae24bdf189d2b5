"""Loads amf's exports with the libraries' own readers and prints them as JSON.

Usage: read_exports.py MINARI_DATASET_FOLDER ROBOMIMIC_FILE. The Minari folder is loaded with
minari.MinariDataset (Minari's loader); the robomimic file is read as robomimic's SequenceDataset reads it
(data/demo_N sorted by N, attrs["num_samples"], obs/<key>, actions, rewards, dones, data.attrs["env_args"]
as JSON), with h5py; robomimic_loader.py reads it with robomimic's own SequenceDataset.
"""
import json
import os
import sys

import h5py
import minari
import numpy as np

dataset = minari.MinariDataset(os.path.join(sys.argv[1], "data"))
minari_episodes = [
    {
        "observations": e.observations.tolist(), "actions": e.actions.tolist(), "rewards": e.rewards.tolist(),
        "terminations": np.asarray(e.terminations).astype(int).tolist(),
        "truncations": np.asarray(e.truncations).astype(int).tolist(),
    }
    for e in dataset.iterate_episodes()
]
robomimic_demos = []
with h5py.File(sys.argv[2], "r") as f:
    env_args = json.loads(f["data"].attrs["env_args"])
    names = sorted(f["data"].keys(), key=lambda name: int(name[5:]))
    for name in names:
        demo = f["data"][name]
        steps = int(demo.attrs["num_samples"])
        robomimic_demos.append({
            "observations": demo["obs/observation"][:steps].tolist(), "actions": demo["actions"][:].tolist(),
            "rewards": demo["rewards"][:].tolist(), "dones": demo["dones"][:].tolist(), "task": int(demo.attrs["task"]),
        })
    masks = {key: [m.decode() if isinstance(m, bytes) else m for m in f["mask"][key][:]] for key in f.get("mask", {})}
print(json.dumps({
    "minari": {"total_episodes": dataset.total_episodes, "total_steps": dataset.total_steps,
               "observation_shape": list(dataset.observation_space.shape), "episodes": minari_episodes},
    "robomimic": {"env_args": env_args, "demos": robomimic_demos,
                  "masks": masks},
}))
