#!/usr/bin/env bash
# The house-style checks that a compiler does not make (HOUSE-STYLE §3.1, §3.7, §3.9, §3.12).
# Prints every violation and exits 1 if there is one; prints lines per module either way.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { printf 'lint: %s\n' "$*" >&2; status=1; }

libraries=$(ls -d Sources/AMF* | grep -v AMFCommands)

# Library code never crashes on purpose, prints, or draws from an unseeded generator.
hits=$(grep -rnE 'try!|fatalError\(|SystemRandomNumberGenerator|\.shuffled\(\)|\.randomElement\(\)' $libraries)
[ -z "$hits" ] || fail "banned API in library code:"$'\n'"$hits"
hits=$(grep -rn '\.random(in:' Sources | grep -v 'using:')
[ -z "$hits" ] || fail "random(in:) without using: (pass a seeded generator):"$'\n'"$hits"
hits=$(grep -rnE '^\s*print\(' $libraries)
[ -z "$hits" ] || fail "print in library code (only commands write to stdout):"$'\n'"$hits"

# C modules are imported in few places only.
hits=$(grep -rln '^import CHDF5' Sources | grep -v '^Sources/AMFArtifacts/HDF5/')
[ -z "$hits" ] || fail "CHDF5 imported outside AMFArtifacts/HDF5: $hits"
hits=$(grep -rln '^import CBLAS' Sources | grep -vE '^Sources/AMFNumerics/(Matrix\+BLAS|Cholesky|SymmetricEigen|BLASRuntime)\.swift$')
[ -z "$hits" ] || fail "CBLAS imported outside Matrix+BLAS.swift, Cholesky.swift, SymmetricEigen.swift, BLASRuntime.swift: $hits"

# Library modules import only the layers below them (Package.swift declares the edges; this catches an
# import that arrives transitively). AMFReport sits below the stages, AMFStudy above them.
forbid() {  # forbid MODULE IMPORT…: MODULE imports none of IMPORT…
  local module=$1; shift
  for imported in "$@"; do
    hits=$(grep -rln "^import $imported\$\|^@testable import $imported\$" "Sources/$module" 2>/dev/null)
    [ -z "$hits" ] || fail "$module imports $imported (a layer above it or beside it): $hits"
  done
}
forbid AMFReport AMFPipeline AMFStages AMFStudy AMFCommands AMFPolicy AMFSelection
forbid AMFStages AMFStudy AMFCommands
forbid AMFStudy AMFCommands
forbid AMFPipeline AMFNumerics AMFPolicy AMFEnvironments AMFSelection AMFArtifacts AMFReport AMFStages AMFStudy

# Entrypoints stay tiny; no file grows past the hard cap.
for file in Sources/amf-{pretrain,embed,select,finetune,evaluate,report,pipeline}/Entrypoint.swift; do
  lines=$(wc -l < "$file")
  [ "$lines" -le 10 ] || fail "$file has $lines lines (cap 10)"
done
while read -r lines file; do
  [ "$file" = total ] || [ "$lines" -le 500 ] || fail "$file has $lines lines (hard cap 500)"
done < <(find Sources Tests -name '*.swift' -print0 | xargs -0 wc -l)

printf 'lint: lines per module:'
for module in Sources/*/; do
  count=$(find "$module" -name '*.swift' -print0 | xargs -0 cat 2>/dev/null | wc -l)
  [ "$count" -gt 0 ] && printf ' %s=%s' "$(basename "$module")" "$count"
done
printf '\n'

# Tests follow the code: test lines per source line of each library module (Tests/<Module>Tests); the
# modules split out of AMFStages in issue #18 keep at least 0.6.
printf 'lint: test lines per source line:'
for module in $libraries; do
  name=$(basename "$module")
  [ -d "Tests/${name}Tests" ] || continue
  source=$(find "$module" -name '*.swift' -print0 | xargs -0 cat | wc -l)
  tests=$(find "Tests/${name}Tests" -name '*.swift' -print0 | xargs -0 cat | wc -l)
  ratio=$(awk -v t="$tests" -v s="$source" 'BEGIN { printf "%.2f", t / s }')
  printf ' %s=%s' "$name" "$ratio"
  case "$name" in
    AMFReport|AMFStages|AMFStudy)
      awk -v r="$ratio" 'BEGIN { exit !(r < 0.6) }' && fail "$name has $ratio test lines per source line (floor 0.6)" ;;
  esac
done
printf '\n'
exit $status
