"""JAX reference of the BC step (jit, float32, CPU), same workload as amf-bench bc.

Usage: python3 Benchmarks/bc_jax.py [--steps 2000]   (installs jax with pip when missing)
For one thread run it under `taskset -c 0` (XLA sizes its thread pool from the visible CPUs).
Two timings: `jax` calls a jitted step from a Python loop (the usual training loop, as in the JAX
reference speeds of NOTES.md); `jax-scan` runs 100 steps per call inside `lax.scan`, which removes the
per-call dispatch cost and is JAX's best case. Prints markdown rows and
`RESULT <jax|jax-scan> <workload> <threads> <steps/s> <rows/s>` lines.
"""
import argparse, os, subprocess, sys, time

try:
    import jax
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "jax"])
    import jax
import jax.numpy as jnp
from bc_common import BATCH, data, flops_per_step, init

jax.config.update("jax_platforms", "cpu")
LO, HI = -5.0, 1.0


def loss_fn(params, x, a):
    h = x
    for w, b in params[:-1]:
        h = jnp.tanh(h @ w + b)
    out = h @ params[-1][0] + params[-1][1]
    k = a.shape[1]
    mu, ls = out[:, :k], jnp.clip(out[:, k:], LO, HI)
    return jnp.mean(jnp.sum(0.5 * (a - mu) ** 2 * jnp.exp(-2 * ls) + ls, axis=1))


def make_step(inputs, actions):
    def step(state, _):
        params, m, v, t, key = state
        key, sub = jax.random.split(key)
        idx = jax.random.randint(sub, (BATCH,), 0, inputs.shape[0])
        loss, grads = jax.value_and_grad(loss_fn)(params, inputs[idx], actions[idx])
        t = t + 1
        m = jax.tree.map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
        v = jax.tree.map(lambda v, g: 0.999 * v + 0.001 * g * g, v, grads)
        c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
        params = jax.tree.map(lambda p, m, v: p - 1e-3 * (m / c1) / (jnp.sqrt(v / c2) + 1e-8), params, m, v)
        return (params, m, v, t, key), loss
    return step


def timed(fn, state, calls, repeats):
    state = fn(state)
    jax.block_until_ready(state)
    best = best_cpu = float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            state = fn(state)
        jax.block_until_ready(state)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best, best_cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workloads", default="A,B")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    threads = len(os.sched_getaffinity(0))
    for name in args.workloads.split(","):
        inputs, actions = (jnp.asarray(x) for x in data(name))
        params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in init(name)]
        zeros = jax.tree.map(jnp.zeros_like, params)
        state = (params, zeros, zeros, jnp.float32(0), jax.random.PRNGKey(2))
        step = make_step(inputs, actions)
        steps = args.steps if name == "A" else max(100, args.steps // 4)
        single = jax.jit(lambda s: step(s, None)[0])
        scan = jax.jit(lambda s: jax.lax.scan(step, s, None, length=100)[0])
        wall, cpu = timed(single, state, steps, args.repeats)
        rate_loop, cpu_loop = steps / wall, steps / cpu
        calls = max(1, steps // 100)
        wall, cpu = timed(scan, state, calls, args.repeats)
        rate_scan, cpu_scan = 100 * calls / wall, 100 * calls / cpu
        x = inputs[:4096]
        infer = jax.jit(lambda p, x: (jnp.tanh(jnp.tanh(x @ p[0][0] + p[0][1]) @ p[1][0] + p[1][1]) @ p[2][0]
                                      + p[2][1]))
        infer(params, x).block_until_ready()
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            for _ in range(20):
                out = infer(params, x)
            out.block_until_ready()
            best = min(best, time.perf_counter() - start)
        rows = 20 * 4096 / best
        for label, rate, cpu in (("jax", rate_loop, cpu_loop), ("jax-scan", rate_scan, cpu_scan)):
            print(f"| {name} | {label} | {threads} | {rate:.0f} | {rate * flops_per_step(name) / 1e9:.1f} | {rows:.3g} |")
            print(f"RESULT {label} {name} {threads} {rate:.1f} {rows:.1f} {cpu:.1f}")


if __name__ == "__main__":
    main()
