"""Shared workload definition for bc_jax.py and bc_numpy.py (mirrors Sources/amf-bench/BCBench.swift).

Workload A: observation 8 + task features 2 = input 10, hidden 2 x 64 tanh, 2-d actions, batch 256.
Workload B: observation 12 + task features 2 = input 14, hidden 2 x 256 tanh, 2-d actions, batch 256.
Data: 10 000 rows of standard-normal observations, features and actions. Gaussian NLL with log-std
clamped to [-5, 1], Adam(lr 1e-3, 0.9, 0.999, 1e-8), batches drawn uniformly with replacement.
"""
import numpy as np

WORKLOADS = {"A": (8, 64), "B": (12, 256)}
ROWS, TASK, ACTION, BATCH = 10_000, 2, 2, 256


def data(name):
    observation, _ = WORKLOADS[name]
    rng = np.random.default_rng(0)
    obs = rng.standard_normal((ROWS, observation)).astype(np.float32)
    feats = rng.standard_normal((ROWS, TASK)).astype(np.float32)
    actions = rng.standard_normal((ROWS, ACTION)).astype(np.float32)
    mean, std = obs.mean(0), np.maximum(obs.std(0), 0.1)
    inputs = np.concatenate([(obs - mean) / std, feats], axis=1).astype(np.float32)
    return inputs, actions


def init(name, seed=1):
    observation, hidden = WORKLOADS[name]
    widths = [observation + TASK, hidden, hidden, 2 * ACTION]
    rng = np.random.default_rng(seed)
    params = []
    for k in range(3):
        limit = (0.1 if k == 2 else 1.0) * np.sqrt(6.0 / (widths[k] + widths[k + 1]))
        w = rng.uniform(-limit, limit, (widths[k], widths[k + 1])).astype(np.float32)
        params.append((w, np.zeros(widths[k + 1], np.float32)))
    return params


def flops_per_step(name):
    observation, hidden = WORKLOADS[name]
    shapes = [(observation + TASK, hidden), (hidden, hidden), (hidden, 2 * ACTION)]
    forward = sum(2 * BATCH * i * o for i, o in shapes)
    return 3 * forward - 2 * BATCH * shapes[0][0] * shapes[0][1]
