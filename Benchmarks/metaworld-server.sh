#!/usr/bin/env bash
# The Meta-World bridge server (issue #20) against a bridge child per stage: one arm-seed of the committed
# Meta-World × mismatch study (amf, seed 0: 43 stage runs) from an empty store, once with
# AMF_METAWORLD_BRIDGE_SERVER=off and once with the server, each in its own cpuacct cgroup so that the CPU of
# every descendant counts (a stage's bridge child outlives it and is not waited for, so `time` misses it).
# Then every stage output of both runs is compared with the committed lock.
#
#   bash Benchmarks/metaworld-server.sh [--bin DIR] [--repeats N] [--modes off,server]
#   (root, cgroup v1 cpuacct; .venv-metaworld). --modes server measures only the server run, e.g. to compare
#   two builds (--bin) with each other.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/.build/release
repeats=1
modes=off,server
while (($#)); do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    *) echo "usage: $0 [--bin DIR] [--repeats N] [--modes off,server]" >&2; exit 64 ;;
  esac
done
export AMF_METAWORLD_PYTHON=${AMF_METAWORLD_PYTHON:-$root/.venv-metaworld/bin/python}
[[ -x $AMF_METAWORLD_PYTHON ]] || { echo "metaworld-server: no Meta-World Python; run bash Scripts/setup.sh --metaworld" >&2; exit 69; }
cg=/sys/fs/cgroup/cpuacct
[[ -w $cg ]] || { echo "metaworld-server: needs root and cgroup v1 cpuacct at $cg" >&2; exit 69; }
work=$(mktemp -d /tmp/amf-mw-server.XXXXXX)
trap 'rm -rf "$work"; rmdir "$cg"/amf-mw-* 2>/dev/null || true' EXIT

# measure MODE: prints "MODE wall_s cpu_s identical/total"
measure() {
  local mode=$1 dir=$work/$1 group=$cg/amf-mw-$1-$$
  rm -rf "$dir" && mkdir -p "$dir" && cp -R Pipelines "$dir/"
  printf 'name: amf\nextends: ../../base/metaworld-mismatch.yaml\nseeds: [0]\nselect: {strategy: amf, importance_weights: true}\n' \
    > "$dir/Pipelines/studies/metaworld-mismatch/amf-seed0.yaml"
  mkdir -p "$group"
  local start end
  start=$(date +%s.%N)
  (
    echo $BASHPID > "$group/cgroup.procs"
    cd "$dir"
    if [[ $mode == off ]]; then export AMF_METAWORLD_BRIDGE_SERVER=off; else unset AMF_METAWORLD_BRIDGE_SERVER; fi
    "$bin/amf-pipeline" run Pipelines/studies/metaworld-mismatch/amf-seed0.yaml --store store --jobs 2 > out 2> err
  )
  end=$(date +%s.%N)
  sleep 1  # orphaned bridge children finish and are charged
  local cpu
  cpu=$(awk '{ printf "%.1f", $1 / 1e9 }' "$group/cpuacct.usage")
  local same
  same=$(python3 - "$dir/Pipelines/studies/metaworld-mismatch/amf-seed0.lock.json" <<'EOF'
import json, sys
mine = json.load(open(sys.argv[1]))["stages"]
committed = {e["key"]: e for e in json.load(open("Pipelines/studies/metaworld-mismatch.lock.json"))["stages"].values()}
runs = [e for name, e in mine.items() if name != "report"]
print(f"{sum(committed.get(e['key'], {}).get('outputs') == e['outputs'] for e in runs)}/{len(runs)}")
EOF
)
  rmdir "$group" 2>/dev/null || true
  printf '%s %.1f %s %s\n' "$mode" "$(echo "$end - $start" | bc)" "$cpu" "$same"
}

echo "| mode | wall s | CPU s (all processes) | stage outputs equal to the committed lock |"
echo "|---|---:|---:|---:|"
for ((i = 0; i < repeats; i++)); do
  for mode in ${modes//,/ }; do
    [[ $mode == off || $mode == server ]] || { echo "metaworld-server: unknown mode $mode (off, server)" >&2; exit 64; }
    read -r m wall cpu same < <(measure "$mode")
    echo "| $m | $wall | $cpu | $same |"
  done
done
