#!/usr/bin/env bash
# Pipeline overhead (BENCHMARKS-pipeline.md): `amf-pipeline status` and a no-op `run` on a study of
# 5 arms × 10 seeds × 10 rounds (2 056 stage runs, 1 MiB per output), with a warm and a cold hash cache;
# the engine's scheduling overhead per stage run from scratch; and the peers in the same run:
# `dvc status` and `snakemake -n` on the same study, plus their per-stage cost on trivial stages.
#
# Environment knobs: FLOATS (float32 values per output, default 262144 = 1 MiB), REPEATS (timed runs per
# command, default 5), TRIVIAL (runs of the trivial plans, default 200), DVC_TRIVIAL (default 50),
# PEERS=0 (skip DVC and Snakemake), CORE (the core for one-core rows, default 0), WORK (scratch folder).
# Needs: swift, python3 (with venv), hyperfine (apt-get install hyperfine) or a fallback loop.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${WORK:-$ROOT/.build-bench-pipeline}
FLOATS=${FLOATS:-262144}
REPEATS=${REPEATS:-5}
TRIVIAL=${TRIVIAL:-200}
DVC_TRIVIAL=${DVC_TRIVIAL:-50}
PEERS=${PEERS:-1}
CORE=${CORE:-0}
VENV=$ROOT/.build-bench-venv
RESULTS=$WORK/results.tsv
ONE="taskset -c $CORE"

swift build -c release --product amf-pipeline >&2
swift build -c release --product amf-bench >&2
swift build -c release --product amf-fake-stage >&2
BIN=$(swift build -c release --show-bin-path)
PIPELINE=$BIN/amf-pipeline
FAKE=$BIN/amf-fake-stage
BENCH=$BIN/amf-bench

rm -rf "$WORK"
mkdir -p "$WORK"
: > "$RESULTS"

# measure LABEL PREPARE COMMAND: best and median of REPEATS runs (after one warm-up) into $RESULTS.
measure() {
  local label=$1 prepare=$2 command=$3
  echo "== $label: $command" >&2
  if command -v hyperfine > /dev/null; then
    local json=$WORK/hyperfine.json
    hyperfine --style basic --warmup 1 --runs "$REPEATS" --prepare "${prepare:-true}" \
      --export-json "$json" "$command" >&2
    python3 - "$json" "$label" >> "$RESULTS" << 'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]}\t{min(r['times']):.4f}\t{statistics.median(r['times']):.4f}")
EOF
  else
    local times=()
    bash -c "${prepare:-true}" && bash -c "$command" > /dev/null 2>&1
    for _ in $(seq "$REPEATS"); do
      bash -c "${prepare:-true}"
      local start end
      start=$(date +%s.%N)
      bash -c "$command" > /dev/null 2>&1
      end=$(date +%s.%N)
      times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk -v l="$label" '{ t[NR] = $1 }
      END { printf "%s\t%.4f\t%.4f\n", l, t[1], t[int((NR + 1) / 2)] }' >> "$RESULTS"
  fi
  tail -1 "$RESULTS" >&2
}

# once LABEL COMMAND: one timed run (populating a store, a peer's first run).
once() {
  local label=$1 command=$2 start end
  echo "== $label (once): $command" >&2
  start=$(date +%s.%N)
  bash -c "$command" >&2
  end=$(date +%s.%N)
  printf '%s\t%.4f\t%.4f\n' "$label" "$(echo "$end - $start" | bc)" "$(echo "$end - $start" | bc)" >> "$RESULTS"
  tail -1 "$RESULTS" >&2
}

# --- amf: the study --------------------------------------------------------------------------------------
AMF=$WORK/amf
mkdir -p "$AMF"
"$BENCH" pipeline-plan --shape study --floats "$FLOATS" --name study --output "$AMF/study.plan.json"
STATUS="$PIPELINE status $AMF/study.plan.json --store $AMF/store"
RUN="$PIPELINE run $AMF/study.plan.json --store $AMF/store --stage-executable $FAKE"
once "amf: populate the study (run --jobs $(nproc), fake stage)" "$RUN --jobs $(nproc) > /dev/null 2>&1"
$STATUS | head -1 >&2
ls "$AMF"/store/*/*.h5 | wc -l | xargs echo "artifacts in the store:" >&2
du -sh "$AMF/store" >&2
measure "amf: status (1 core)" "" "$ONE $STATUS"
measure "amf: status (all cores)" "" "$STATUS"
measure "amf: no-op run --jobs 1 (1 core)" "" "$ONE $RUN --jobs 1"
measure "amf: no-op run (all cores)" "" "$RUN"
measure "amf: status, cold hash cache (1 core)" "rm -f $AMF/cache/content-hashes.json" "$ONE $STATUS"
$STATUS | head -1 >&2

# --- amf: scheduling overhead per stage run from scratch --------------------------------------------------
for shape in independent chain; do
  T=$WORK/trivial-$shape
  mkdir -p "$T"
  "$BENCH" pipeline-plan --shape "$shape" --runs "$TRIVIAL" --name trivial --output "$T/trivial.plan.json"
  measure "amf: $TRIVIAL trivial $shape runs from scratch, --jobs 1 (1 core)" \
    "rm -rf $T/store $T/cache $T/trivial.lock.json" \
    "$ONE $PIPELINE run $T/trivial.plan.json --store $T/store --stage-executable $FAKE --jobs 1"
done
echo '{"index":0}' > "$WORK/fake-params.json"
measure "fake stage alone, one tiny output (1 core)" "rm -f $WORK/fake-out.h5" \
  "$ONE $FAKE stage evaluate --params-file $WORK/fake-params.json --seed 0 --output evaluation=$WORK/fake-out.h5"
for shape in independent chain; do
  flag=""; [ "$shape" = chain ] && flag="--chain"
  $ONE "$BENCH" pipeline-engine --runs "$TRIVIAL" $flag --jobs 1 --repeats "$REPEATS" --folder "$WORK" \
    | tee -a "$WORK/engine.md" >&2
done
# The same in memory (tmpfs): the engine without the disk's cost of creating files.
if [ -d /dev/shm ]; then
  mkdir -p /dev/shm/amf-bench-engine
  $ONE "$BENCH" pipeline-engine --runs "$TRIVIAL" --jobs 1 --repeats "$REPEATS" --folder /dev/shm/amf-bench-engine \
    | sed 's/in-process engine,/in-process engine on tmpfs,/' | tee -a "$WORK/engine.md" >&2
  rm -rf /dev/shm/amf-bench-engine
fi

# --- peers ------------------------------------------------------------------------------------------------
if [ "$PEERS" = 1 ]; then
  if [ ! -x "$VENV/bin/snakemake" ] || [ ! -x "$VENV/bin/dvc" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q dvc snakemake >&2
  fi
  export PATH=$VENV/bin:$PATH
  dvc --version | sed 's/^/dvc /' > "$WORK/versions.txt"
  snakemake --version | sed 's/^/snakemake /' >> "$WORK/versions.txt"
  BYTES=$((FLOATS * 4))

  # Snakemake: the study with wildcards; its first run writes every output (BYTES random bytes each).
  SM=$WORK/snakemake
  mkdir -p "$SM"
  "$BENCH" pipeline-plan --format snakemake --floats "$FLOATS" --output "$SM/Snakefile"
  once "snakemake: populate the study (--cores 1, 1 core)" \
    "cd $SM && $ONE snakemake --cores 1 --quiet all > /dev/null 2>&1"
  (cd "$SM" && snakemake -n 2>&1 | tail -3 >&2)
  measure "snakemake -n (1 core)" "" "cd $SM && $ONE snakemake -n --quiet"
  measure "snakemake -n (all cores)" "" "cd $SM && snakemake -n --quiet"

  # DVC: the same files, committed (no dvc repro: that would run 2 016 stages one lock rewrite at a time).
  DV=$WORK/dvc
  mkdir -p "$DV"
  (cd "$DV" && dvc init --no-scm -q && dvc config core.analytics false && dvc config core.autostage false)
  "$BENCH" pipeline-plan --format dvc --floats "$FLOATS" --output "$DV/dvc.yaml"
  cp -r "$SM/out" "$DV/out"
  once "dvc: commit the study (hash + cache every output)" "cd $DV && dvc commit -f -q"
  (cd "$DV" && dvc status 2>&1 | tail -2 >&2)
  measure "dvc status (1 core)" "" "cd $DV && $ONE dvc status -q"
  measure "dvc status (all cores)" "" "cd $DV && dvc status -q"

  # Per-stage cost on trivial stages, from scratch, one core.
  ST=$WORK/snakemake-trivial
  mkdir -p "$ST"
  cat > "$ST/Snakefile" << EOF
rule all:
    input: expand("t/{i}.txt", i=range($TRIVIAL))
rule trivial:
    output: "t/{i}.txt"
    shell: "echo {wildcards.i} > {output}"
EOF
  measure "snakemake: $TRIVIAL trivial jobs from scratch, --cores 1 (1 core)" "rm -rf $ST/t $ST/.snakemake" \
    "cd $ST && $ONE snakemake --cores 1 --quiet"
  measure "bash -c 'echo > file' alone (1 core)" "" "$ONE bash -c 'echo 0 > $WORK/echo.txt'"
  DT=$WORK/dvc-trivial
  mkdir -p "$DT"
  (cd "$DT" && dvc init --no-scm -q && dvc config core.analytics false)
  python3 - "$DT/dvc.yaml" "$DVC_TRIVIAL" << 'EOF'
import json, sys
n = int(sys.argv[2])
stages = {f"t{i:04d}": {"cmd": f"echo {i} > t/{i}.txt", "outs": [f"t/{i}.txt"]} for i in range(n)}
open(sys.argv[1], "w").write(json.dumps({"stages": stages}, indent=1))
EOF
  mkdir -p "$DT/t"
  measure "dvc repro: $DVC_TRIVIAL trivial stages from scratch (1 core)" \
    "rm -rf $DT/t/* $DT/dvc.lock $DT/.dvc/cache $DT/.dvc/tmp" "cd $DT && $ONE dvc repro -q"
fi

{
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(. /etc/os-release; echo "$PRETTY_NAME")"
  echo "swift: $(swift --version 2>&1 | head -1)"
  cat "$WORK/versions.txt" 2> /dev/null || true
  echo
  echo "| measurement | best (s) | median (s) |"
  echo "|---|---:|---:|"
  awk -F'\t' '{ printf "| %s | %.3f | %.3f |\n", $1, $2, $3 }' "$RESULTS"
  echo
  cat "$WORK/engine.md"
} | tee "$WORK/results.md"
