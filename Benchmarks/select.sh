#!/usr/bin/env bash
# One round of AMF selection (B = 2 greedy picks): in-process Swift, the NumPy reference (same problem, same
# definition; scores compared) and the `amf-select` process, at the default study size and at 4× tasks, pool
# and width, with sharp importance weights (is) and without (nois). Writes a Markdown table on stdout.
# Usage: bash Benchmarks/select.sh [--repeats N] [--sizes default,tasks4x,pool4x,width4x]
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=5
SIZES=default,tasks4x,pool4x,width4x
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) REPEATS="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
OUT=$(mktemp -d /tmp/amf-select-bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
swift build --product amf-bench >&2
swift build --product amf-select >&2
BIN=$(swift build --show-bin-path)
python3 -c "import numpy, scipy" 2>/dev/null || python3 -m pip install --quiet numpy scipy >&2
export OPENBLAS_NUM_THREADS=1
"$BIN/amf-bench" select --repeats "$REPEATS" --sizes "$SIZES" --out "$OUT" > "$OUT/swift.txt"
echo "| size | weights | tasks | pool | width | targets kept | blocks kept | Swift ms (median) | NumPy ms (median) | NumPy / Swift | max rel. score diff | same picks | amf-select process ms |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
grep '^| [a-z0-9]* | [a-z]* |' "$OUT/swift.txt" | grep -v '^| size' | while IFS='|' read -r _ size weights tasks pool width targets blocks median best _; do
  size=$(echo $size); weights=$(echo $weights)
  folder="$OUT/$size-$weights"
  read -r _ _ _ npmedian _ diff picks < <(python3 Benchmarks/select_numpy.py "$folder" --repeats "$REPEATS")
  process="–"
  if [[ "$size" == "default" ]]; then
    flag=$([[ "$weights" == "is" ]] && echo true || echo false)
    start=$(date +%s%N)
    for _ in $(seq "$REPEATS"); do
      "$BIN/amf-select" --input embeddings="$folder/embeddings.h5" --param scenario=targeted \
        --param select.importance_weights=$flag --param task_count="$(echo $tasks)" --output "$folder/sel.h5" 2>"$folder/select.err"
    done
    process=$(( ($(date +%s%N) - start) / REPEATS / 1000000 ))
  fi
  ratio=$(python3 -c "print(f'{$npmedian / $(echo $median):.2f}')")
  echo "| $size | $weights |$tasks|$pool|$width|$targets|$blocks| $(echo $median) | $npmedian | $ratio× | $diff | $picks | $process |"
done
