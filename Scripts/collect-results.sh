#!/usr/bin/env bash
# Copies each finished study's report folder into Data/results/<study>/ (what is committed; the lock that
# produced it is Pipelines/studies/<study>.lock.json, also committed), and writes the per-arm diagnostics
# (picks by task group, ESS, own-task share) beside it.
# Usage: Scripts/collect-results.sh STUDY…   e.g. Scripts/collect-results.sh reacher-targeted integrator2d-gp-targeted
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${AMF_BENCH:-$(swift build --show-bin-path)/amf-bench}  # AMF_BENCH: an amf-bench to use instead
STORE=${AMF_STORE:-Artifacts/store}  # AMF_STORE: the store the study ran in
for study in "$@"; do
  manifest="Pipelines/studies/$study.yaml"
  lock="Pipelines/studies/$study.lock.json"
  report="Pipelines/studies/$study.report"
  [[ -f "$lock" && -d "$report" ]] || { echo "collect-results: $study has no lock or report; run it first" >&2; exit 1; }
  out="Data/results/$study"
  rm -rf "$out" && mkdir -p "$out"
  cp -R "$report"/. "$out"/
  case "$study" in
    *targeted*) groups=(--targets 4,5,6,7 --covered 0,1,2,3,4,5 --distractors 9,10) ;;
    kitchen-mismatch*) groups=(--targets 0,1,2,3,4 --covered 0,1 --distractors "") ;;
    metaworld-mismatch* | paper/metaworld-mismatch*) groups=(--targets 0,1,2,3 --covered 0,1 --distractors "") ;;
    integrator2d-gp-allocation/k* | paper/reacher-allocation/k*) k=$((10#${study##*/k})); groups=(--targets "$(seq -s, 0 11)" --covered "$(seq -s, 0 $((k - 1)))" --distractors "") ;;
    *mismatch*) groups=(--targets "$(seq -s, 0 11)" --covered 0,1,2,3,4,5 --distractors "") ;;
    *) groups=(--targets "$(seq -s, 0 11)" --covered "$(seq -s, 0 11)" --distractors "") ;;
  esac
  "$BENCH" study-diagnostics "$lock" --store "$STORE" "${groups[@]}" > "$out/diagnostics.md"
  echo "collected $out" >&2
done
