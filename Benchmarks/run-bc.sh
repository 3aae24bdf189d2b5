#!/usr/bin/env bash
# Runs the BC benchmark in Swift (amf-bench bc), NumPy and JAX on workloads A and B with 1 and 2
# threads, then prints one table with steps/s and the Swift/JAX ratios (BENCHMARKS-bc.md).
# Usage: bash Benchmarks/run-bc.sh [--steps N] [--repeats R]    (from the package root)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=4000
REPEATS=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) STEPS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT

swift build -c release --product amf-bench >&2
BENCH="$(swift build -c release --show-bin-path)/amf-bench"
python3 -c "import jax" 2>/dev/null || python3 -m pip install --quiet jax >&2

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$BENCH" bc --threads 1,2 --steps "$STEPS" --repeats "$REPEATS" | grep '^RESULT' >> "$RESULTS"
for threads in 1 2; do
  OPENBLAS_NUM_THREADS=$threads python3 Benchmarks/bc_numpy.py --steps "$((STEPS / 4))" --repeats "$REPEATS" \
    | grep '^RESULT' >> "$RESULTS"
done
# XLA sizes its thread pool from the CPUs it may use: one CPU for the 1-thread row.
(cd Benchmarks && taskset -c 0 python3 bc_jax.py --steps "$STEPS" --repeats "$REPEATS" 2>/dev/null) \
  | grep '^RESULT' >> "$RESULTS"
(cd Benchmarks && python3 bc_jax.py --steps "$STEPS" --repeats "$REPEATS" 2>/dev/null) | grep '^RESULT' >> "$RESULTS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$RESULTS" <<'PY'
import sys
sys.path.insert(0, "Benchmarks")
from bc_common import flops_per_step
rows = {}
for line in open(sys.argv[1]):
    _, impl, workload, threads, steps, infer, cpu = line.split()
    rows[(impl, workload, threads)] = (float(steps), float(infer), float(cpu))
nan = (float("nan"),) * 3
print("Wall-clock steps/s (per CPU-second in brackets, 1-thread rows only: robust to other load).")
print("| workload | threads | Swift | NumPy | JAX loop | JAX scan | Swift / JAX loop | Swift / JAX scan "
      "| Swift GFLOP/s | Swift infer rows/s | JAX infer rows/s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for workload in ("A", "B"):
    for threads in ("1", "2"):
        s, n, j, js = (rows.get((impl, workload, threads), nan) for impl in ("swift", "numpy", "jax", "jax-scan"))
        cell = (lambda r: f"{r[0]:.0f} [{r[2]:.0f}]") if threads == "1" else (lambda r: f"{r[0]:.0f}")
        ratio = (lambda a, b: f"{a[0] / b[0]:.2f} [{a[2] / b[2]:.2f}]") if threads == "1" else \
            (lambda a, b: f"{a[0] / b[0]:.2f}")
        print(f"| {workload} | {threads} | {cell(s)} | {cell(n)} | {cell(j)} | {cell(js)} | {ratio(s, j)} | "
              f"{ratio(s, js)} | {s[0] * flops_per_step(workload) / 1e9:.1f} | {s[1]:.3g} | {j[1]:.3g} |")
PY
