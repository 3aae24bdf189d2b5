#!/usr/bin/env bash
# Reproduces every committed result: runs each manifest whose lock is committed (Pipelines/**.lock.json),
# collects its report and diagnostics into Data/results/, and ends with `git diff --exit-code` on the locks
# and Data/results — so it fails, naming the files, if any committed byte did not come back.
#
# Usage: Scripts/reproduce.sh [--store DIR] [--jobs N] [--only PATTERN] [--list] [--no-build]
#   --store DIR     the store to run in (default: a fresh one, $TMPDIR/amf-reproduce-store; an existing
#                   store only makes it faster: up-to-date runs are reused by key)
#   --jobs N        stage runs in parallel (default 2)
#   --only PATTERN  only studies whose name matches the shell glob PATTERN, e.g. 'reacher-*'
#   --list          print the studies in order and exit
# The Meta-World studies run when .venv-metaworld exists (bash Scripts/setup.sh --metaworld) and are
# reported as skipped, with that command, otherwise. A table of each study's wall time is printed at the end
# and written to $TMPDIR/amf-reproduce-times.md. Exit status: 0 all reproduced, 1 a study failed or a
# committed file changed, 2 usage. How long it will take, before running it: python3
# Scripts/reproduce-estimate.py --store DIR [--only PATTERN] (prices the runs from a store's run records).
set -euo pipefail
cd "$(dirname "$0")/.."

store="${TMPDIR:-/tmp}/amf-reproduce-store"
fresh=1
jobs=2
only='*'
list=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --store) store="$2"; fresh=0; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --list) list=1; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "reproduce: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# Main studies first: the investigations reuse their stage runs by key.
mapfile -t studies < <(git ls-files 'Pipelines/*.lock.json' 'Pipelines/**/*.lock.json' \
  | sed -e 's#^Pipelines/##' -e 's#^studies/##' -e 's#\.lock\.json$##' | sort -u \
  | awk '{ print (index($0, "-investigation") ? 1 : 0) "\t" $0 }' | sort -s -k1,1n | cut -f2)
selected=()
for study in "${studies[@]}"; do
  # shellcheck disable=SC2053
  [[ $study == $only ]] && selected+=("$study")
done
if [[ $list == 1 ]]; then printf '%s\n' "${selected[@]}"; exit 0; fi
[[ ${#selected[@]} -gt 0 ]] || { echo "reproduce: no committed study matches '$only'" >&2; exit 2; }

if [[ $build == 1 ]]; then swift build -c release --product amf-pipeline >&2 && swift build -c release --product amf-bench >&2; fi
bin="$(swift build -c release --show-bin-path)"
if [[ $fresh == 1 ]]; then rm -rf "$store"; fi
mkdir -p "$store"
export OPENBLAS_NUM_THREADS=1

times="${TMPDIR:-/tmp}/amf-reproduce-times.md"
printf '| study | stage runs | wall s | result |\n|---|---:|---:|---|\n' > "$times"
failed=0
start_all=$(date +%s)
for study in "${selected[@]}"; do
  if [[ $study == metaworld-* && ! -x .venv-metaworld/bin/python && -z ${AMF_METAWORLD_PYTHON:-} ]]; then
    echo "reproduce: SKIPPED $study: Meta-World is not installed; run bash Scripts/setup.sh --metaworld" >&2
    printf '| %s | – | – | skipped (no .venv-metaworld) |\n' "$study" >> "$times"
    continue
  fi
  echo "reproduce: $study ($(date -u +%H:%M:%S))" >&2
  t0=$(date +%s)
  manifest="Pipelines/studies/$study.yaml"
  [[ -f $manifest ]] || manifest="Pipelines/$study.yaml"
  if "$bin/amf-pipeline" run "$manifest" --store "$store" --jobs "$jobs" > "${TMPDIR:-/tmp}/amf-reproduce-$(echo "$study" | tr / -).log" 2>&1; then
    result=ran
    if [[ $manifest == Pipelines/studies/* ]]; then
      AMF_BENCH="$bin/amf-bench" AMF_STORE="$store" Scripts/collect-results.sh "$study" 2> "${TMPDIR:-/tmp}/amf-reproduce-collect.log" || { result="collect failed"; failed=1; }
    fi
  else
    result="FAILED (log: ${TMPDIR:-/tmp}/amf-reproduce-$(echo "$study" | tr / -).log)"
    failed=1
  fi
  runs=$(grep -c '"stage_version" :' "${manifest%.yaml}.lock.json" || true)  # one per lock entry
  printf '| %s | %s | %s | %s |\n' "$study" "$runs" "$(($(date +%s) - t0))" "$result" >> "$times"
done
printf '| **all** | | %s | |\n' "$(($(date +%s) - start_all))" >> "$times"
cat "$times"

if ! git diff --exit-code --stat -- 'Pipelines/**.lock.json' 'Pipelines/*.lock.json' Data/results; then
  echo "reproduce: the files above differ from the committed ones (git diff shows how)" >&2
  failed=1
fi
if [[ $failed == 0 ]]; then echo "reproduce: every selected committed result came back byte for byte" >&2; fi
exit "$failed"
