#!/usr/bin/env bash
# Measures what Package.swift's "-O even in debug" setting buys: the same amf-bench workloads in
#   (a) a release build, (b) a default debug build (library modules at -O), and
#   (c) a debug build without that setting (AMF_UNOPTIMIZED_DEBUG=1, every module at -Onone),
# in one run, on this machine. Output: Markdown tables for BENCHMARKS.md ("Debug builds").
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
swift build -c release --product amf-bench >/dev/null
swift build --product amf-bench >/dev/null
AMF_UNOPTIMIZED_DEBUG=1 swift build --scratch-path .build-onone --product amf-bench >/dev/null
release=$(swift build -c release --show-bin-path)/amf-bench
debug=$(swift build --show-bin-path)/amf-bench
onone=$(AMF_UNOPTIMIZED_DEBUG=1 swift build --scratch-path .build-onone --show-bin-path)/amf-bench

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $(date -u +%F)"
for config in release debug onone; do
  binary=${!config}
  echo
  echo "### $config"
  "$binary" kernels --size 192 --repeats 30
  echo
  "$binary" artifacts --elements 4194304 --repeats 5
done
