#!/usr/bin/env bash
# One round of AMF selection (B = 2 greedy picks): in-process Swift, the NumPy reference (same problem, same
# definition; scores compared) and the `amf-select` process, at the default study size and at 4× tasks, pool
# and width, with sharp importance weights (is) and without (nois). Writes a Markdown table on stdout.
# Usage: bash Benchmarks/select.sh [--repeats N] [--sizes default,tasks4x,pool4x,width4x] [--weightings is,nois]
#        [--gain-rank-tolerance EPS] [--release] [--blas-kernel Haswell|native|CORETYPE]
# --gain-rank-tolerance scores with the spectral gain (select.gain_rank_tolerance; issue #20): the score
# difference column then compares it with the NumPy reference's Woodbury scores. --release builds -c release.
# --blas-kernel: the OpenBLAS kernels of Swift and of NumPy (OPENBLAS_CORETYPE); default Haswell, the kernel
# every stage is pinned to (BLASKernel), so the in-process rows measure what an `amf-select` run does; native
# leaves OpenBLAS's own choice (on the Cooperlake machine of BENCHMARKS.md 1.45–1.64× slower here).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=5
SIZES=default,tasks4x,pool4x,width4x
WEIGHTINGS=is,nois
GAIN=()
SELECT_GAIN=()
CONFIG=debug
KERNEL=${OPENBLAS_CORETYPE:-Haswell}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) REPEATS="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --weightings) WEIGHTINGS="$2"; shift 2 ;;
    --gain-rank-tolerance) GAIN=(--gain-rank-tolerance "$2"); SELECT_GAIN=(--param "select.gain_rank_tolerance=$2"); shift 2 ;;
    --release) CONFIG=release; shift ;;
    --blas-kernel) KERNEL="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
OUT=$(mktemp -d /tmp/amf-select-bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
swift build -c "$CONFIG" --product amf-bench >&2
swift build -c "$CONFIG" --product amf-select >&2
BIN=$(swift build -c "$CONFIG" --show-bin-path)
python3 -c "import numpy, scipy" 2>/dev/null || python3 -m pip install --quiet numpy scipy >&2
export OPENBLAS_NUM_THREADS=1
if [[ $KERNEL == native ]]; then unset OPENBLAS_CORETYPE; export AMF_BLAS_KERNEL=native; else export OPENBLAS_CORETYPE=$KERNEL; fi
echo "select: OpenBLAS kernels: $KERNEL (Swift and NumPy)" >&2
"$BIN/amf-bench" select --repeats "$REPEATS" --sizes "$SIZES" --weightings "$WEIGHTINGS" --out "$OUT" ${GAIN[@]+"${GAIN[@]}"} > "$OUT/swift.txt"
echo "| size | weights | tasks | pool | width | targets kept | blocks kept | Swift ms (median) | NumPy ms (median) | NumPy / Swift | max rel. score diff | same picks | picks re-scored exactly | Swift CPU ms (median) | amf-select process ms |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
grep '^| [a-z0-9]* | [a-z]* |' "$OUT/swift.txt" | grep -v '^| size' | while IFS='|' read -r _ size weights tasks pool width targets blocks median best rescored cpu _; do
  size=$(echo $size); weights=$(echo $weights)
  folder="$OUT/$size-$weights"
  read -r _ _ _ npmedian _ diff picks < <(python3 Benchmarks/select_numpy.py "$folder" --repeats "$REPEATS")
  process="–"
  if [[ "$size" == "default" ]]; then
    flag=$([[ "$weights" == "is" ]] && echo true || echo false)
    start=$(date +%s%N)
    for _ in $(seq "$REPEATS"); do
      "$BIN/amf-select" --input embeddings="$folder/embeddings.h5" --param scenario=targeted \
        --param select.importance_weights=$flag --param task_count="$(echo $tasks)" ${SELECT_GAIN[@]+"${SELECT_GAIN[@]}"} --output "$folder/sel.h5" 2>"$folder/select.err"
    done
    process=$(( ($(date +%s%N) - start) / REPEATS / 1000000 ))
  fi
  ratio=$(python3 -c "print(f'{$npmedian / $(echo $median):.2f}')")
  echo "| $size | $weights |$tasks|$pool|$width|$targets|$blocks| $(echo $median) | $npmedian | $ratio× | $diff | $picks | $(echo $rescored) | $(echo $cpu) | $process |"
done
