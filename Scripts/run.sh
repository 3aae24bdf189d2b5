#!/usr/bin/env bash
# Sets up the system libraries, builds amf-pipeline in release mode and runs a manifest (default: the no-IS
# ablation arm), then prints where the report is. This is the README's main command.
# Usage: Scripts/run.sh [MANIFEST] [amf-pipeline run options…]   e.g. Scripts/run.sh studies/reacher-targeted.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
MANIFEST="${1:-ablations/no-is.yaml}"
shift || true
Scripts/setup.sh
swift build -c release --product amf-pipeline
.build/release/amf-pipeline run "$MANIFEST" --jobs "$(nproc)" "$@"
