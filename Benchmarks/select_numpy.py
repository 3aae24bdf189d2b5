"""NumPy reference of one round of AMF selection (AMF.md §2.3–2.4), for speed and agreement.

Reads a problem written by `amf-bench select` (a folder of .npy files), recomputes the B greedy picks and
every candidate's score with an independent implementation of the same definition — weight-space posterior
Σ_D = (I + ρ⁻² Φ_DᵀΦ_D)⁻¹, gain ½ log(σ²_D(x)/σ²_{D∪X'}(x)) from a Woodbury update per candidate block,
targets and blocks with importance weight below min_weight skipped (the argmax block of every task kept),
greedy conditioning on the most likely block — and prints the time and the largest relative difference
to Swift's scores.

Usage: python3 select_numpy.py FOLDER [--repeats 5]
"""
import json
import os
import sys
import time

import numpy as np
from scipy.linalg import cholesky, solve_triangular


def load(folder):
    names = ["targets", "candidates", "conditioning", "target_labels", "candidate_labels", "log_weights",
             "pool_tasks", "target_weights", "tie_order", "swift_scores", "swift_selected"]
    data = {name: np.load(os.path.join(folder, name + ".npy")) for name in names}
    with open(os.path.join(folder, "meta.json")) as handle:
        data.update(json.load(handle))
    return data


def is_tie(a, b):
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def select(d):
    rho2, batch, min_weight = d["noise_variance"], d["batch"], d["min_weight"]
    log_w = d["log_weights"]
    w = np.exp(log_w)
    pool, tasks = w.shape
    pool_tasks = d["pool_tasks"]
    rank = {int(task): position for position, task in enumerate(d["tie_order"])}

    def argmax_block(c):
        values = log_w[:, c]
        tied = [j for j in range(pool) if is_tie(values[j], values.max())]
        own = [j for j in tied if pool_tasks[j] == c]
        return max(own if own else tied)

    # Targets kept and their weights μ(c) w̄_i(c).
    t_labels = d["target_labels"]
    t_weight = d["target_weights"][t_labels[:, 0]] * w[t_labels[:, 1], t_labels[:, 0]]
    keep = (d["target_weights"][t_labels[:, 0]] > 0) & (w[t_labels[:, 1], t_labels[:, 0]] >= min_weight)
    targets = d["targets"][keep]
    t_weight = t_weight[keep]
    # Candidate blocks: contiguous rows per (task, pool).
    c_labels = d["candidate_labels"]
    blocks = []
    start = 0
    n = len(c_labels)
    for index in range(1, n + 1):
        if index == n or c_labels[index, 0] != c_labels[start, 0] or c_labels[index, 1] != c_labels[start, 1]:
            c, j = int(c_labels[start, 0]), int(c_labels[start, 1])
            if w[j, c] >= min_weight or j == argmax_block(c):
                blocks.append((c, j, w[j, c], d["candidates"][start:index]))
            start = index
    # Whitening: precision = I + ρ⁻² Φ_DᵀΦ_D = L Lᵀ, ψ = L⁻¹ φ.
    p = targets.shape[1]
    phi_d = d["conditioning"]
    lower = cholesky(np.eye(p) + phi_d.T @ phi_d / rho2, lower=True)
    psi_t = solve_triangular(lower, targets.T, lower=True).T
    psi_b = [solve_triangular(lower, b[3].T, lower=True).T for b in blocks]
    selected, rows = [], []
    for pick in range(batch):
        var_t = np.einsum("ij,ij->i", psi_t, psi_t)
        scores = np.zeros(tasks)
        for (c, j, weight, _), psi in zip(blocks, psi_b):
            m = psi.shape[0]
            corner = psi @ psi.T + rho2 * np.eye(m)
            solved = solve_triangular(cholesky(corner, lower=True), psi @ psi_t.T, lower=True)
            reduced = np.einsum("ij,ij->j", solved, solved)
            posterior = np.maximum(var_t - reduced, 1e-12 * var_t)
            scores[c] += weight * np.dot(t_weight, 0.5 * np.log(var_t / posterior))
        best = scores.max()
        task = min((c for c in range(tasks) if is_tie(scores[c], best)), key=lambda c: rank[c])
        selected.append(task)
        rows.append(scores)
        if pick + 1 < batch:
            j = argmax_block(task)
            index = next(k for k, b in enumerate(blocks) if b[0] == task and b[1] == j)
            psi = psi_b[index]
            lower2 = cholesky(np.eye(p) + psi.T @ psi / rho2, lower=True)
            psi_t = solve_triangular(lower2, psi_t.T, lower=True).T
            psi_b = [solve_triangular(lower2, b.T, lower=True).T for b in psi_b]
    return selected, np.array(rows)


def main():
    folder = sys.argv[1]
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 5
    data = load(folder)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        selected, scores = select(data)
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    swift = data["swift_scores"]
    difference = np.max(np.abs(scores - swift) / np.maximum(np.abs(swift), 1e-300))
    agree = list(selected) == [int(t) for t in data["swift_selected"]]
    print(f"RESULT numpy {os.path.basename(folder.rstrip('/'))} {times[len(times) // 2]:.1f} {times[0]:.1f} "
          f"{difference:.2e} {'same-picks' if agree else 'DIFFERENT-PICKS'}")


if __name__ == "__main__":
    main()
