#!/usr/bin/env bash
# The long form of the fault-injection suite (issue #17): >= 20 kills of the orchestrator, 320 bit flips
# (each also in the store), three store swaps and the giant shape, a gc loop during a run, three full
# disks, lock fields out of range and manifests at the limits. Prints one summary line per class and the
# wall time; the README's crash-safety section quotes its last line. About 17 minutes on 2 cores.
#
#   Benchmarks/fault-injection.sh [BINARY] [--seed N] [--keep]     (what it checks: Scripts/fault-injection.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
exec Scripts/fault-injection.sh "$@" --long
