"""Bring your own embeddings: last-layer embeddings of a small NumPy policy, through `amf-select`.

Usage: python byo_embeddings.py AMF_PIPELINE WORK_FOLDER [--json]

1. A fixed, seeded two-layer policy π(a | s, c) = N(W₂ tanh(W₁ [s, f(c)] + b₁) + b₂, 0.5² I) on a planar task
   family: 4 tasks, f(c) = (cos 2πc/4, sin 2πc/4), observations s ∈ R², actions a ∈ R².
2. Candidate trajectories: 2 per task (8), 5 steps each, states moving towards the task's goal, actions
   the policy's mean for the own task plus noise.
3. Last-layer embeddings φ(s, c) = tanh(W₁ [s, f(c)] + b₁) (8 wide: the mean is linear in them), for every
   candidate trajectory relabelled with every task (candidates) and for the target tasks (targets).
4. Importance log-weights: l_i(c) = Σ_t log π(a^i_t | s^i_t, c) − log π(a^i_t | s^i_t, c_i), normalized over
   trajectories per task (log-softmax).
5. Writes byo.h5 (docs/BYO-EMBEDDINGS.md, layout version 1), runs `amf-pipeline import embeddings` and
   `amf-pipeline stage select` (the very command behind `amf-select`) with μ = (0.5, 0.5, 0, 0), and reads the
   picks and scores back with h5py.
Only NumPy and h5py are needed.
"""
import json
import math
import os
import subprocess
import sys

import h5py
import numpy as np

TASKS, PER_TASK, STEPS, HIDDEN, NOISE = 4, 2, 5, 8, 0.5
MU = [0.5, 0.5, 0.0, 0.0]


def features(c):
    return np.array([math.cos(2 * math.pi * c / TASKS), math.sin(2 * math.pi * c / TASKS)])


rng = np.random.default_rng(19)
W1, b1 = rng.normal(0, 0.8, (HIDDEN, 4)), rng.normal(0, 0.1, HIDDEN)
W2, b2 = rng.normal(0, 0.5, (2, HIDDEN)), np.zeros(2)


def phi(s, c):
    """Last-layer embedding: the hidden activations the action mean is linear in."""
    return np.tanh(W1 @ np.concatenate([s, features(c)]) + b1)


def log_likelihood(s, a, c):
    mean = W2 @ phi(s, c) + b2
    return float(-0.5 * np.sum((a - mean) ** 2) / NOISE**2 - 2 * math.log(NOISE * math.sqrt(2 * math.pi)))


trajectories = []  # (id, task, states (T × 2), actions (T × 2))
for c in range(TASKS):
    for k in range(PER_TASK):
        states = np.array([t / STEPS * features(c) + rng.normal(0, 0.05, 2) for t in range(STEPS)])
        actions = np.array([W2 @ phi(s, c) + b2 + rng.normal(0, NOISE, 2) for s in states])
        trajectories.append((100 + 10 * c + k, c, states, actions))


def points(tasks, stride=1):
    """Every trajectory relabelled with every task in `tasks`, sorted by (task, trajectory, t)."""
    rows = [(c, tid, t, phi(states[t], c)) for c in tasks for tid, _, states, _ in trajectories
            for t in range(0, STEPS, stride)]
    return (np.array([r[3] for r in rows], np.float32), np.array([r[0] for r in rows]),
            np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))


sums = np.array([[sum(log_likelihood(s, a, c) - log_likelihood(s, a, own) for s, a in zip(states, actions))
                  for c in range(TASKS)] for _, own, states, actions in trajectories])
log_weights = sums - np.log(np.exp(sums - sums.max(0)).sum(0)) - sums.max(0)


def write(path):
    with h5py.File(path, "w") as f:
        f.attrs["byo_version"] = 1
        f.attrs["round"] = 1
        f.attrs["env_name"] = "numpy-pointmass"
        f["trajectories/id"] = np.array([t[0] for t in trajectories])
        f["trajectories/task"] = np.array([t[1] for t in trajectories])
        f["trajectories/log_weights"] = log_weights
        f["tasks/target_weight"] = np.array(MU)
        for name, tasks, stride in (("candidates", range(TASKS), 1), ("targets", [0, 1], 2)):
            values, task, trajectory, step = points(tasks, stride)
            f[f"{name}/phi"], f[f"{name}/task"], f[f"{name}/trajectory"], f[f"{name}/t"] = values, task, trajectory, step


def main():
    amf, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    byo, artifact, selection = (os.path.join(work, n) for n in ("byo.h5", "embeddings.h5", "selection.h5"))
    write(byo)
    subprocess.run([amf, "import", "embeddings", byo, "--output", artifact], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([amf, "stage", "select", "--input", f"embeddings={artifact}", "--param", "select.strategy=amf",
                    "--param", f"task_count={TASKS}", "--param", f"target_weights={json.dumps(MU)}",
                    "--param", "batch=2", "--param", "round=1", "--seed", "0", "--output", selection],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with h5py.File(selection, "r") as f:
        picks, scores = f["selected"][:].tolist(), f["scores"][:].tolist()
        provenance = {key: f.attrs[key] for key in ("amf.stage", "amf.content_sha256")}
    if "--json" in sys.argv:
        print(json.dumps({"selected": picks, "scores": scores}))
    else:
        print(f"picked tasks {picks} (μ = {MU}); scores per pick: {scores}")
        print(f"selection made by {provenance['amf.stage']}, content sha256 {provenance['amf.content_sha256']}")


if __name__ == "__main__":
    main()
