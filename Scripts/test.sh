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
start=$(date +%s)
swift build --build-tests
built=$(date +%s)
swift test --skip-build "$@"
echo "test.sh: build $((built - start)) s, tests $(($(date +%s) - built)) s" >&2
