#!/usr/bin/env bash
# Sets up the system libraries, builds everything and runs the whole test suite.
# This is the README's test command and exactly what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
Scripts/lint.sh
# Library modules are compiled with -O even in this debug build (Package.swift), so numeric tests run
# at release speed; OpenBLAS is pinned to one thread so results do not depend on the machine's cores.
export OPENBLAS_NUM_THREADS=1
# One OpenBLAS kernel on every machine (BLASKernel in Sources/AMFCore): in-process tests then compute the
# same bits as the stages the orchestrator starts, whatever CPU CI lands on.
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
start=$(date +%s)
swift build --build-tests
built=$(date +%s)
swift test --skip-build "$@"
tested=$(date +%s)
# The Slurm executor against a real one-node Slurm (skipped, and said so, where none can be started).
Scripts/test-slurm.sh "$(swift build --show-bin-path)/amf-pipeline"
echo "test.sh: build $((built - start)) s, tests $((tested - built)) s, Slurm $(($(date +%s) - tested)) s" >&2
# Fault injection, quick form (kills, bit flips, store swaps, gc during a run, full disk, bad locks and manifests; long form: Benchmarks/fault-injection.sh).
if [[ ${AMF_SKIP_FAULT_INJECTION:-0} == 1 ]]; then echo "fault-injection: SKIPPED: AMF_SKIP_FAULT_INJECTION=1 is set" >&2; else Scripts/fault-injection.sh "$(swift build --show-bin-path)/amf-pipeline" --quick; fi
