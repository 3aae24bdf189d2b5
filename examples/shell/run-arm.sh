#!/usr/bin/env bash
# One arm of the study, by hand: the six stage executables in a `for` loop over seeds and rounds, then the
# report — what `amf-pipeline run examples/shell/amf-reacher.yaml` does, file by file. Every stage reads the
# same params file (`amf-pipeline params`), keeping only its own keys, so the artifacts written here are the
# orchestrator's byte for byte (same params, seed and inputs give the same content hash; checked in CI by
# Tests/AMFCommandsTests/ShellExampleTests.swift).
#
# Usage: examples/shell/run-arm.sh OUT_DIR [BIN_DIR] [RECORDED.h5]
#   OUT_DIR      where the artifacts go, named by seed and round (created)
#   BIN_DIR      where the executables are (default: `swift build --show-bin-path`)
#   RECORDED.h5  a `demonstrations` artifact to take the expert's demonstrations from instead of the
#                simulated expert (`amf-finetune --demonstrations-from`; see run-arm-recorded.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: examples/shell/run-arm.sh OUT_DIR [BIN_DIR] [RECORDED.h5]}
bin=${2:-$(swift build --show-bin-path)}
expert=()
[[ -n "${3:-}" ]] && expert=(--demonstrations-from "$3")
seeds=(0 1)
rounds=3  # budget.demos / budget.batch
mkdir -p "$out"

# The whole arm's settings (env, scenario, pretrain, embed, select, finetune, evaluate, batch, report, …), one
# file for every stage: written by `amf-pipeline params examples/shell/amf-reacher.yaml` (the same for every
# seed; the seed is --seed). Edit it, or regenerate it from another manifest, to run another arm.
params=examples/shell/amf-reacher.params.json

for seed in "${seeds[@]}"; do
  run=(--params-file "$params" --seed "$seed")
  s="$out/seed-$seed"

  # π₀ and the pre-training demonstrations, then π₀'s success (round 0).
  "$bin/amf-pretrain" "${run[@]}" --output demonstrations="$s-pretrain-demonstrations.h5" --output policy="$s-round-0-policy.h5"
  "$bin/amf-evaluate" "${run[@]}" --param round=0 --input policy="$s-round-0-policy.h5" --output "$s-round-0-evaluation.h5"

  for round in $(seq 1 "$rounds"); do
    previous=$((round - 1))
    r="$s-round-$round"
    # D_r: the demonstrations collected so far (none before round 1).
    collected=()
    [[ $round -gt 1 ]] && collected=(--input demonstrations="$s-round-$previous-demonstrations.h5")
    # Embed the current policy's proxy pool, choose the tasks, query the expert and fine-tune from π₀, evaluate.
    "$bin/amf-embed" "${run[@]}" --param round="$round" --input policy="$s-round-$previous-policy.h5" "${collected[@]}" \
      --output "$r-embeddings.h5"
    "$bin/amf-select" "${run[@]}" --param round="$round" --input embeddings="$r-embeddings.h5" --output "$r-selection.h5"
    "$bin/amf-finetune" "${run[@]}" --param round="$round" --input prior="$s-round-0-policy.h5" \
      --input selection="$r-selection.h5" "${collected[@]}" "${expert[@]}" \
      --output demonstrations="$r-demonstrations.h5" --output policy="$r-policy.h5"
    "$bin/amf-evaluate" "${run[@]}" --param round="$round" --input policy="$r-policy.h5" \
      --input demonstrations="$r-demonstrations.h5" --output "$r-evaluation.h5"
  done
done

# The report over every seed and round (its params: `report` and `arms` of the same file).
inputs=()
for seed in "${seeds[@]}"; do
  for round in $(seq 0 "$rounds"); do
    inputs+=(--input "evaluation/amf/seed-$seed/round-$round=$out/seed-$seed-round-$round-evaluation.h5")
  done
done
"$bin/amf-report" --params-file "$params" --seed 0 "${inputs[@]}" --output "$out/report.h5"
echo "run-arm: artifacts in $out"
