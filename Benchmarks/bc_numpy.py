"""NumPy reference of the BC step (manual backprop, float32), same workload as amf-bench bc.

Usage: OPENBLAS_NUM_THREADS=1 python3 Benchmarks/bc_numpy.py [--steps 1000]
Prints a markdown row and a machine-readable line `RESULT numpy <workload> <threads> <steps/s> <rows/s>`.
"""
import argparse, os, time
import numpy as np
from bc_common import BATCH, data, flops_per_step, init

LO, HI = -5.0, 1.0


def step(params, m, v, t, x, a):
    (w0, b0), (w1, b1), (w2, b2) = params
    h1 = np.tanh(x @ w0 + b0)
    h2 = np.tanh(h1 @ w1 + b1)
    out = h2 @ w2 + b2
    k = a.shape[1]
    mu, raw = out[:, :k], out[:, k:]
    ls = np.clip(raw, LO, HI)
    inv = np.exp(-2 * ls)
    r = a - mu
    loss = np.mean(np.sum(0.5 * r * r * inv + ls, axis=1))
    n = x.shape[0]
    d = np.empty_like(out)
    d[:, :k] = -r * inv / n
    d[:, k:] = np.where((raw >= LO) & (raw <= HI), (1 - r * r * inv) / n, 0)
    g2 = (h2.T @ d, d.sum(0))
    d2 = (d @ w2.T) * (1 - h2 * h2)
    g1 = (h1.T @ d2, d2.sum(0))
    d1 = (d2 @ w1.T) * (1 - h1 * h1)
    g0 = (x.T @ d1, d1.sum(0))
    grads = [g0, g1, g2]
    t += 1
    c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
    for li, g in enumerate(grads):
        for j in range(2):
            m[li][j] *= 0.9
            m[li][j] += 0.1 * g[j]
            v[li][j] *= 0.999
            v[li][j] += 0.001 * g[j] * g[j]
            params[li][j][...] -= (1e-3 / c1) * m[li][j] / (np.sqrt(v[li][j] / c2) + 1e-8)
    return loss, t


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workloads", default="A,B")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    for name in args.workloads.split(","):
        inputs, actions = data(name)
        params = [list(p) for p in init(name)]
        m = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
        v = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
        rng = np.random.default_rng(2)
        t = 0
        steps = args.steps if name == "A" else max(1, args.steps // 4)
        best = best_cpu = float("inf")
        for rep in range(args.repeats + 1):
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(steps if rep else 100):
                idx = rng.integers(0, inputs.shape[0], BATCH)
                _, t = step(params, m, v, t, inputs[idx], actions[idx])
            if rep:
                best = min(best, time.perf_counter() - start)
                best_cpu = min(best_cpu, time.process_time() - start_cpu)
        rate, cpu = steps / best, steps / best_cpu
        x = inputs[:4096]
        (w0, b0), (w1, b1), (w2, b2) = params
        best_inf = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            for _ in range(20):
                np.tanh(np.tanh(x @ w0 + b0) @ w1 + b1) @ w2 + b2
            best_inf = min(best_inf, time.perf_counter() - start)
        rows = 20 * 4096 / best_inf
        print(f"| {name} | numpy | {threads} | {rate:.0f} | {rate * flops_per_step(name) / 1e9:.1f} | {rows:.3g} |")
        print(f"RESULT numpy {name} {threads} {rate:.1f} {rows:.1f} {cpu:.1f}")


if __name__ == "__main__":
    main()
