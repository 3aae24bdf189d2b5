#!/usr/bin/env bash
# The loop of run-arm.sh with recorded demonstrations as the expert: the way a lab replays its own
# demonstrations through an arm. Here the "recording" is made by amf-pretrain itself (reacher, every task
# covered, 10 demonstrations per task, another seed than the arm's); with your own data it is any
# `demonstrations` artifact of the environment. Each round's request n of task c takes the n-th recorded
# demonstration of c (AMF's picks decide which are used); too few for a task is an error naming it.
#
# Usage: examples/shell/run-arm-recorded.sh OUT_DIR [BIN_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: examples/shell/run-arm-recorded.sh OUT_DIR [BIN_DIR]}
bin=${2:-$(swift build --show-bin-path)}
mkdir -p "$out"
recorded="$out/recorded-demonstrations.h5"
"$bin/amf-pretrain" --seed 1000 --param env.name=reacher --param scenario=balanced \
  --param pretrain.demos_per_task=10 --param pretrain.steps=1 \
  --output demonstrations="$recorded" --output policy="$out/unused-policy.h5"
bash examples/shell/run-arm.sh "$out" "$bin" "$recorded"
