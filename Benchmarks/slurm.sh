#!/usr/bin/env bash
# The Slurm executor's costs on a one-node cluster (Scripts/slurm-cluster.sh), as BENCHMARKS.md reports them:
#   0. starting the cluster;
#   1. a chain of 5 dependent trivial jobs (`--wrap true`, afterok, kill-on-invalid-dep): submit → last done;
#   2. submitting the full default study (every stage run stale: an empty store) with `run --executor slurm`;
#   3. a second submission while those jobs are queued (it submits nothing);
#   4. `status` with the queue; then `cancel`.
# Usage: bash Benchmarks/slurm.sh [BINARY]   (default: the debug build's amf-pipeline; run as root)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BIN=${1:-$(swift build --show-bin-path)/amf-pipeline}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
work=$(mktemp -d /tmp/amf-slurm-bench.XXXXXX)
chmod 755 "$work"
seconds() { python3 -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.2f}")' "$1"; }
start=$(date +%s.%N)
Scripts/slurm-cluster.sh start "$work/cluster" || { echo "slurm bench: no cluster here" >&2; exit 1; }
echo "cluster start (packages installed): $(seconds "$start") s"
trap '"$root/Scripts/slurm-cluster.sh" stop "$work/cluster"; rm -rf "$work"' EXIT
eval "$(Scripts/slurm-cluster.sh env "$work/cluster")"

start=$(date +%s.%N)
previous=$(sbatch --parsable --output=/dev/null --wrap true)
for _ in 2 3 4 5; do
  previous=$(sbatch --parsable --output=/dev/null --dependency=afterok:"$previous" --kill-on-invalid-dep=yes --wrap true)
done
while squeue --noheader --jobs "$previous" 2>/dev/null | grep -q .; do sleep 0.05; done
echo "chain of 5 dependent jobs, submit to last done: $(seconds "$start") s"

mkdir -p "$work/project"
cp -R Pipelines "$work/project/Pipelines"
find "$work/project/Pipelines" -name '*.lock.json' -delete
cd "$work/project"
study=studies/reacher-targeted.yaml
start=$(date +%s.%N)
first=$("$BIN" run "$study" --executor slurm 2>/dev/null | head -1)
echo "first submission ($first): $(seconds "$start") s"
start=$(date +%s.%N)
second=$("$BIN" run "$study" --executor slurm 2>/dev/null | head -1)
echo "second submission while queued ($second): $(seconds "$start") s"
start=$(date +%s.%N)
status=$("$BIN" status "$study" | sed -n 2p)
echo "status ($status): $(seconds "$start") s"
"$BIN" cancel "$study" | cut -c1-40
