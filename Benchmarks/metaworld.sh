#!/usr/bin/env bash
# The Meta-World bridge against the same work in one Python process (BENCHMARKS.md, "Meta-World bridge").
# Needs `bash Scripts/setup.sh --metaworld`. Usage: bash Benchmarks/metaworld.sh [--slots N]
set -euo pipefail
cd "$(dirname "$0")/.."
SLOTS=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --slots) SLOTS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
[ -x .venv-metaworld/bin/python ] || { echo "run bash Scripts/setup.sh --metaworld first" >&2; exit 1; }
swift build -c release --product amf-bench >&2
echo "## through the bridge (amf-bench metaworld)"
"$(swift build -c release --show-bin-path)/amf-bench" metaworld --slots "$SLOTS"
echo
echo "## in one Python process (Benchmarks/metaworld_python.py)"
.venv-metaworld/bin/python Benchmarks/metaworld_python.py --slots "$SLOTS"
