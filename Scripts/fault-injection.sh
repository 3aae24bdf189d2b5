#!/usr/bin/env bash
# Fault-injection suite for the store and the orchestrator (issue #17, "Tests that stay").
#
#   Scripts/fault-injection.sh [BINARY] [--quick | --long] [--seed N] [--keep]
#
# BINARY defaults to the debug build's amf-pipeline. --quick (the default; Scripts/test.sh runs it) takes
# about 3 minutes here; --long (Benchmarks/fault-injection.sh) runs the full counts. --seed chooses the kill
# delays, files, offsets and bits (default 17); the same seed and binary give the same trials. --keep keeps
# the work folder.
#
# Everything happens in a temporary project (a copy of Pipelines/base and Pipelines/smoke, store inside it)
# on the smallest smoke arm that has every stage kind (smoke/ablations/amf.yaml: 21 stage runs, 27
# artifacts). An uninterrupted run gives the reference lock, report folder and artifacts; then:
#   1. kill-9     kill -9 of `run` at seeded delays spread over the reference run's duration, and just after
#                 the Nth `done` line (some trials kill the recovering run too); `run` must then exit 0,
#                 `verify` exit 0, the lock and report folder equal the reference's byte for byte, and every
#                 .h5 in the store be listed by its key's run record.
#   2. flips      seeded single-bit flips over artifacts of every kind (head, tail and anywhere in a file):
#                 the flipped copy through `show` and a hand-run stage that takes its kind as --input (none
#                 reads a report); the same flip in a copy of the reference store through `status`, `verify`
#                 (must exit 1), `run` (exit 0, lock equal to the reference, the foreign file in
#                 store/quarantine/) and `verify` (exit 0). Half of the store flips restore the file's mtime.
#   3. swaps      another seed's embeddings, a policy, and a crafted HDF5 file declaring a 10^9 x 130 float64
#                 dataset (built with cc against libhdf5) copied over an embeddings key, then status, verify
#                 (exit 1 naming the key), run, verify; the giant file also through show and a hand-run select.
#   4. gc-loop    gc in a loop (a decoy lock referencing none of the run's keys) during a fresh run: the run
#                 must end with the reference lock, each gc exit 0 or 75 (one line), verify exit 0 after.
#   5. full-disk  the store on a small tmpfs: run must end with a documented exit code (1 naming the stage's
#                 log or the orchestrator's own "No space left on device", or 74), never a signal; every
#                 .h5 left must match its run record; the store copied back to disk then completes to the
#                 reference. Needs root; otherwise SKIPPED with the reason.
#   6. lock       lock fields out of range (seed -1, 1e300, stage_version 1e30, schema 99, key
#                 ../../../../etc/passwd, report_folder ../../../../x): status, verify and run exit 65 with
#                 one line.
#      manifest   manifests at the limits (demos 2e9, seeds 0..100000000, a YAML alias bomb of 10 levels x 9,
#                 a FIFO): status and run end within 10 s with exit 64 or 65 and one line.
# Every command runs under `timeout` (60 s; 10 s for the manifest cases). Outcome classes: ok (exit 0 and, for
# run, the reference lock), rejected (a documented exit code and, for show, a stage and the lock and manifest
# cases, exactly one stderr line besides stage progress lines), SIGNAL (exit > 128), HANG (timeout). Any
# SIGNAL, HANG, undocumented exit code, multi-line rejection or wrong result fails the suite, which prints
# each failure with what reproduces it (file, offset, bit) and ends with one summary line per class.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

BIN= mode=quick seed=17 keep=0
while (($#)); do
  case $1 in
    --quick) mode=quick ;;
    --long) mode=long ;;
    --seed) seed=${2:?--seed needs a number}; shift ;;
    --seed=*) seed=${1#--seed=} ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fault-injection: unknown option $1" >&2; exit 64 ;;
    *) [[ -z $BIN ]] || { echo "fault-injection: one binary only ($BIN, $1)" >&2; exit 64; }; BIN=$1 ;;
  esac
  shift
done
[[ $seed =~ ^[0-9]+$ ]] || { echo "fault-injection: --seed must be a number, found $seed" >&2; exit 64; }
BIN=${BIN:-$(swift build --show-bin-path)/amf-pipeline}
[[ -x $BIN ]] || { echo "fault-injection: no amf-pipeline binary at $BIN; build first" >&2; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

if [[ $mode == long ]]; then
  kills_at_delay=20 kills_after_done=10 flips=320 store_flip_every=1 disk_sizes=(2m 7m 13m)
else
  kills_at_delay=3 kills_after_done=2 flips=40 store_flip_every=2 disk_sizes=(2m)
fi

export OPENBLAS_NUM_THREADS=1
work=$(mktemp -d /tmp/amf-fault-injection.XXXXXX)
started=$(date +%s)
mounted=()
say() { printf 'fault-injection: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
failures=()
bad() { failures+=("$*"); say "FAILED: $*"; }
cleanup() {
  local dir
  for dir in "${mounted[@]}"; do umount "$dir" 2>/dev/null || umount -l "$dir" 2>/dev/null || true; done
  if [[ $keep == 1 ]]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

manifest=smoke/ablations/amf.yaml
lock_rel=Pipelines/smoke/ablations/amf.lock.json
report_rel=Pipelines/smoke/ablations/amf.report
now_ms() { date +%s%3N; }

# --- Projects ----------------------------------------------------------------------------------------------

# The template: the smoke manifests and what they extend, without locks or report folders.
mkdir -p "$work/template/Pipelines"
cp -R "$root/Pipelines/base" "$root/Pipelines/smoke" "$work/template/Pipelines/"
find "$work/template/Pipelines" -name '*.lock.json' -delete
find "$work/template/Pipelines" -name '*.report' -type d -prune -exec rm -rf {} +

fresh_project() { rm -rf "$1"; cp -R "$work/template" "$1"; }
clone_reference() { rm -rf "$1"; cp -a "$work/ref" "$1"; }

# attempt DIR LIMIT CMD…: runs CMD in DIR under `timeout LIMIT`, output in $work/out and $work/err. Sets rc
# (the exit code), cls (ok, rejected, signal, hang) and errs (stderr lines other than stage progress lines).
attempt() {
  local dir=$1 limit=$2 begin; shift 2
  begin=$(now_ms)
  rc=0
  # (the outer braces keep bash's own "Segmentation fault" job report out of the suite's output)
  { (cd "$dir" && exec timeout -k 5 "$limit" "$@") >"$work/out" 2>"$work/err" </dev/null; } 2>/dev/null || rc=$?
  if ((rc == 124 || (rc == 137 && $(now_ms) - begin >= limit * 1000))); then cls=hang
  elif ((rc > 128)); then cls=signal
  elif ((rc == 0)); then cls=ok
  else cls=rejected; fi
  errs=$(grep -cv '^amf-[a-z]*: \[[0-9.]*s\] ' "$work/err" || true)
}
# pl DIR LIMIT SUBCOMMAND [ARGS…]: amf-pipeline SUBCOMMAND on the arm in project DIR with its store.
pl() { local dir=$1 limit=$2 sub=$3; shift 3; attempt "$dir" "$limit" "$BIN" "$sub" "$manifest" --store "$dir/store" "$@"; }
# What the last attempt printed, on one line, for failure messages.
said() { { cat "$work/err" "$work/out"; } | head -c 600 | tr '\n' '|'; }

# Every .h5 under a store (outside quarantine/) has the size and SHA-256 its key's run record lists.
check_records() {
  local store=$1 what=$2 file key sum problems=0
  while IFS= read -r file; do
    key=$(basename "$file"); key=${key%%.*}
    sum=$(sha256sum "$file" | cut -d' ' -f1)
    if [[ ! -f ${file%/*}/$key.run.json ]] || ! grep -q "\"bytes_sha256\" : \"$sum\"" "${file%/*}/$key.run.json"; then
      bad "$what: $file is not listed by its run record ${file%/*}/$key.run.json"
      problems=1
    fi
  done < <(find "$store" -path "$store/quarantine" -prune -o -name '*.h5' -type f -print)
  return $problems
}

# The project's lock and report folder equal the reference's.
same_as_reference() {
  local dir=$1 what=$2
  if ! cmp -s "$dir/$lock_rel" "$work/ref.lock.json"; then bad "$what: the lock differs from the reference ($dir/$lock_rel)"; return 1; fi
  if ! diff -r "$dir/$report_rel" "$work/ref/$report_rel" >/dev/null 2>&1; then bad "$what: the report folder differs from the reference"; return 1; fi
}

# After a fault: run exits 0, verify exits 0, the lock and report equal the reference, the store's files
# match their records. Returns non-zero (having said why) otherwise.
recovers() {
  local dir=$1 what=$2
  pl "$dir" 120 run --jobs 2
  [[ $rc == 0 ]] || { bad "$what: run exited $rc ($cls): $(said)"; return 1; }
  pl "$dir" 60 verify
  [[ $rc == 0 ]] || { bad "$what: verify after the run exited $rc ($cls): $(said)"; return 1; }
  same_as_reference "$dir" "$what" || return 1
  check_records "$dir/store" "$what" || return 1
}

# --- The reference -----------------------------------------------------------------------------------------

fresh_project "$work/ref"
t0=$(now_ms)
pl "$work/ref" 300 run --jobs 2
ref_ms=$(($(now_ms) - t0))
[[ $rc == 0 ]] || fail "the reference run of $manifest exited $rc: $(said)"
cp "$work/ref/$lock_rel" "$work/ref.lock.json"
pl "$work/ref" 60 verify
[[ $rc == 0 ]] || fail "verify after the reference run exited $rc: $(said)"

# The lock, flattened to tab-separated records: S name key kind seed | I name role hash | O name role hash.
flatten_lock() {
  awk '
    /^    "[^"]*" : \{$/ { name = $1; gsub(/"/, "", name); section = ""; next }
    /^      "inputs" : \{$/ { section = "I"; next }
    /^      "outputs" : \{$/ { section = "O"; next }
    /^      \}/ { section = ""; next }
    /^        "[^"]*" : "[0-9a-f]*",?$/ && section != "" {
      line = $0; gsub(/[",]/, "", line); split(line, f, " : "); gsub(/ /, "", f[1])
      print section "\t" name "\t" f[1] "\t" f[2]; next }
    /^      "key" : / { v = $3; gsub(/[",]/, "", v); key[name] = v }
    /^      "kind" : / { v = $3; gsub(/[",]/, "", v); kind[name] = v }
    /^      "seed" : / { v = $3; gsub(/[",]/, "", v); print "S\t" name "\t" key[name] "\t" kind[name] "\t" v }' "$1"
}
# lock_params LOCK NAME: the stage run's params object, as a JSON file's text.
lock_params() {
  awk -v n="    \"$2\" : {" '$0 == n { inside = 1; next }
    inside && /^      "params" : \{$/ { p = 1; print "{"; next } p && /^      \}/ { print "}"; exit } p { print }' "$1"
}
flatten_lock "$work/ref.lock.json" >"$work/lock.tsv"
declare -A key_of kind_of seed_of roles_of path_of hash_kind producer_of
while IFS=$'\t' read -r t name a b c; do
  case $t in
    S) key_of[$name]=$a kind_of[$name]=$b seed_of[$name]=$c ;;
    O) roles_of[$name]=$((${roles_of[$name]:-0} + 1)) ;;
  esac
done <"$work/lock.tsv"
files=()   # "kind path hash" of every artifact the lock names
while IFS=$'\t' read -r t name role hash; do
  [[ $t == O ]] || continue
  key=${key_of[$name]}
  if ((${roles_of[$name]} > 1)); then path=$work/ref/store/${key:0:2}/$key.$role.h5; else path=$work/ref/store/${key:0:2}/$key.h5; fi
  [[ -f $path ]] || fail "the reference store has no $path (lock entry $name, $role)"
  path_of[$hash]=$path hash_kind[$hash]=$role producer_of[$hash]=$name
  files+=("$role $path $hash")
done <"$work/lock.tsv"
kinds=(demonstrations policy embeddings selection evaluation report)
for kind in "${kinds[@]}"; do
  printf '%s\n' "${files[@]}" | grep -q "^$kind " || fail "the reference store has no $kind artifact"
done
# A consumer (stage run and input role) per content hash and per kind.
declare -A consumer_of_hash consumer_of_kind
while IFS=$'\t' read -r t name role hash; do
  [[ $t == I ]] || continue
  kind=${hash_kind[$hash]:-}
  [[ -n $kind ]] || fail "lock input $name $role names a hash no lock entry writes"
  consumer_of_hash[$hash]=${consumer_of_hash[$hash]:-"$name $role"}
  consumer_of_kind[$kind]=${consumer_of_kind[$kind]:-"$name $role"}
done <"$work/lock.tsv"
say "reference: $manifest, ${#key_of[@]} stage runs, ${#files[@]} artifacts in $((ref_ms / 1000)).$((ref_ms % 1000 / 100)) s ($mode, seed $seed)"
RANDOM=$seed

# --- 1. kill -9 of the orchestrator ------------------------------------------------------------------------

kill_ok=0 kill_total=0 kill_missed=0 kill_twice=0
# start_run DIR: a run in the background, stderr in DIR.err; sets run_pid.
start_run() { (cd "$1" && exec "$BIN" run "$manifest" --store "$1/store" --jobs 2) >"$1.out" 2>"$1.err" </dev/null & run_pid=$!; }
# kill_at POINT: kills run_pid (SIGKILL) after POINT (milliseconds, or done:N: just after the Nth done line).
kill_at() {
  local point=$1 err=$2
  if [[ $point == done:* ]]; then
    local n=${point#done:}
    while kill -0 "$run_pid" 2>/dev/null && (($(grep -c '^amf-pipeline: done ' "$err" || true) < n)); do sleep 0.005; done
  else
    sleep "$(printf '%d.%03d' $((point / 1000)) $((point % 1000)))"
  fi
  if kill -9 "$run_pid" 2>/dev/null; then killed=1; else killed=0; fi
  wait "$run_pid" 2>/dev/null || true
}
points=()
# Delays over the first 90 % of the reference run's duration, one in each of kills_at_delay equal slices.
span_ms=$((ref_ms * 9 / 10))
for ((i = 0; i < kills_at_delay; i++)); do points+=($(((i * span_ms + (RANDOM * 32768 + RANDOM) % span_ms) / kills_at_delay))); done
for ((i = 0; i < kills_after_done; i++)); do points+=("done:$((1 + (i * 20 + RANDOM % 20) / kills_after_done))"); done
for ((i = 0; i < ${#points[@]}; i++)); do
  point=${points[i]} dir=$work/kill
  fresh_project "$dir"
  start_run "$dir"
  kill_at "$point" "$dir.err"
  what="kill-9 #$((i + 1)) at $point"
  [[ $point == done:* ]] || what+=" ms"
  kill_total=$((kill_total + 1))
  ((killed)) || kill_missed=$((kill_missed + 1))
  # Every third trial also kills the run that recovers, half-way to the same point.
  if ((i % 3 == 2)) && ((killed)); then
    start_run "$dir"
    if [[ $point == done:* ]]; then kill_at "done:1" "$dir.err"; else kill_at $((point / 2)) "$dir.err"; fi
    if ((killed)); then what+=" and again during the recovery"; kill_twice=$((kill_twice + 1)); fi
  fi
  if recovers "$dir" "$what (reproduce: run $manifest, kill -9 it at that point, run, verify)"; then kill_ok=$((kill_ok + 1)); fi
done
kill_line="kill-9 $kill_ok/$kill_total recovered ($kill_twice also killed while recovering)"
((kill_missed == 0)) || kill_line+=" ($kill_missed runs had finished before their kill)"
say "$kill_line"

# --- 2. bit flips ------------------------------------------------------------------------------------------

# flip_bit FILE OFFSET BIT: flips one bit in place.
flip_bit() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n')
  printf "$(printf '\\%03o' $((byte ^ (1 << $3))))" | dd of="$1" bs=1 seek="$2" count=1 conv=notrunc status=none
}
# hand_stage CONSUMER ROLE FILE OUTDIR: the arguments of `stage` for the consumer's run with FILE as ROLE.
hand_stage() {
  local consumer=$1 role=$2 file=$3 out=$4 t name r hash
  lock_params "$work/ref.lock.json" "$consumer" >"$out/params.json"
  stage_args=(stage "${kind_of[$consumer]}" --params-file "$out/params.json" --seed "${seed_of[$consumer]}")
  while IFS=$'\t' read -r t name r hash; do
    [[ $t == I && $name == "$consumer" ]] || continue
    if [[ $r == "$role" ]]; then stage_args+=(--input "$r=$file"); else stage_args+=(--input "$r=${path_of[$hash]}"); fi
  done <"$work/lock.tsv"
  case ${kind_of[$consumer]} in
    pretrain | finetune) stage_args+=(--output "demonstrations=$out/o.demonstrations.h5" --output "policy=$out/o.policy.h5") ;;
    *) stage_args+=(--output "$out/o.h5") ;;
  esac
}
# The hand-run stages reproduce the reference with unflipped inputs (so a flip's "ok" means what it says).
for kind in "${kinds[@]}"; do
  [[ -n ${consumer_of_kind[$kind]:-} ]] || continue
  read -r consumer role <<<"${consumer_of_kind[$kind]}"
  mkdir -p "$work/check" && rm -f "$work/check"/o*.h5
  hash=$(awk -F'\t' -v n="$consumer" -v r="$role" '$1 == "I" && $2 == n && $3 == r { print $4 }' "$work/lock.tsv")
  hand_stage "$consumer" "$role" "${path_of[$hash]}" "$work/check"
  attempt "$work/check" 120 "$BIN" "${stage_args[@]}"
  [[ $rc == 0 ]] || fail "the hand-run stage for $consumer on reference inputs exited $rc: $(said)"
done

declare -A flip_count
# Per flip, the worst outcome of its commands: ok < rejected < wrong (multi-line rejection, undocumented exit
# code, wrong result) < hang < signal.
flip_ok=0 flip_rejected=0 flip_wrong=0 flip_hang=0 flip_signal=0 store_flips=0 store_flip_ok=0 calls=0
rank_of() { case $1 in ok) echo 0 ;; rejected) echo 1 ;; wrong) echo 2 ;; hang) echo 3 ;; signal) echo 4 ;; esac; }
worse() { (($(rank_of "$1") > $(rank_of "$worst"))) && worst=$1 || true; }
# flip_outcome CONTEXT ALLOWED: judges the last attempt (ALLOWED: the exit codes that count as a rejection).
flip_outcome() {
  local context=$1 allowed=$2
  calls=$((calls + 1))
  case $cls in
    ok) ;;
    hang) worse hang; bad "$context: HANG (no end within the timeout)" ;;
    signal) worse signal; bad "$context: SIGNAL (exit $rc): $(said)" ;;
    rejected)
      if [[ " $allowed " != *" $rc "* ]]; then worse wrong; bad "$context: undocumented exit $rc: $(said)"
      elif [[ $errs != 1 ]]; then worse wrong; bad "$context: rejection in $errs stderr lines: $(said)"
      else worse rejected; fi ;;
  esac
}
# store_flip WHERE TARGET: status, verify (exit 1 naming the key), run and verify on the flipped store file.
store_flip() {
  local where=$1 target=$2 dir=$3 target_key
  target_key=$(basename "$target") target_key=${target_key%%.*}
  attempt "$dir" 60 "$BIN" status "$manifest" --store "$dir/store"
  calls=$((calls + 1))
  if [[ $cls != ok ]]; then flip_outcome "$where: status" ""; return 1; fi
  if grep -q ', 0 stale$' "$work/out"; then
    worse wrong; bad "$where: status calls every run up to date: $(said)"; return 1
  fi
  pl "$dir" 60 verify
  if [[ $cls != rejected || $rc != 1 ]]; then
    if [[ $cls == ok ]]; then worse wrong; bad "$where: verify exited 0 on a flipped store file"; else flip_outcome "$where: verify" "1"; fi
    return 1
  fi
  calls=$((calls + 1))
  grep -q "$target_key" "$work/out" "$work/err" || { worse wrong; bad "$where: verify does not name the file: $(said)"; return 1; }
  calls=$((calls + 2))
  recovers "$dir" "$where" || { worse wrong; return 1; }
  [[ -n $(find "$dir/store/quarantine" -type f 2>/dev/null) ]] || { worse wrong; bad "$where: nothing in store/quarantine/ after the run"; return 1; }
}
mkdir -p "$work/flip"
for ((i = 0; i < flips; i++)); do
  kind=${kinds[i % ${#kinds[@]}]}
  mapfile -t candidates < <(printf '%s\n' "${files[@]}" | grep "^$kind ")
  read -r _ file hash <<<"${candidates[RANDOM % ${#candidates[@]}]}"
  size=$(stat -c %s "$file")
  region=$((RANDOM % 10)) span=$size base=0
  if ((region < 4)); then span=$((size < 4096 ? size : 4096))
  elif ((region < 6)); then span=$((size < 4096 ? size : 4096)) base=$((size - span)); fi
  offset=$((base + (RANDOM * 32768 + RANDOM) % span)) bit=$((RANDOM % 8))
  where="flip #$((i + 1)): bit $bit of byte $offset of $kind ${file#"$work/ref/"} (size $size; reproduce: cp it, flip_bit FILE $offset $bit)"
  flip_count[$kind]=$((${flip_count[$kind]:-0} + 1))
  worst=ok
  rm -rf "$work/flip"/* && cp "$file" "$work/flip/in.h5"
  flip_bit "$work/flip/in.h5" "$offset" "$bit"
  [[ $(cmp -l "$file" "$work/flip/in.h5" | wc -l) == 1 ]] || fail "$where: the flip did not change exactly one byte"
  attempt "$work/flip" 60 "$BIN" show "$work/flip/in.h5"
  flip_outcome "$where: show" "1 65"
  consumer=${consumer_of_hash[$hash]:-${consumer_of_kind[$kind]:-}}
  if [[ -n $consumer ]]; then
    read -r consumer role <<<"$consumer"
    hand_stage "$consumer" "$role" "$work/flip/in.h5" "$work/flip"
    attempt "$work/flip" 60 "$BIN" "${stage_args[@]}"
    flip_outcome "$where: stage ${kind_of[$consumer]} --input $role=FLIPPED (as $consumer)" "1 64 65"
  fi
  if ((i % store_flip_every == 0)); then
    # The same flip in a copy of the reference store; every other one keeps the file's mtime.
    store_flips=$((store_flips + 1))
    dir=$work/flipstore
    clone_reference "$dir"
    target=$dir/store/${file#"$work/ref/store/"}
    flip_bit "$target" "$offset" "$bit"
    where+=" in the store"
    if ((i % 2)); then touch -r "$file" "$target"; where+=", mtime restored"; fi
    if store_flip "$where" "$target" "$dir"; then store_flip_ok=$((store_flip_ok + 1)); fi
  fi
  case $worst in
    ok) flip_ok=$((flip_ok + 1)) ;; rejected) flip_rejected=$((flip_rejected + 1)) ;; wrong) flip_wrong=$((flip_wrong + 1)) ;;
    hang) flip_hang=$((flip_hang + 1)) ;; signal) flip_signal=$((flip_signal + 1)) ;;
  esac
done
per_kind=$(for kind in "${kinds[@]}"; do printf '%s %s, ' "$kind" "${flip_count[$kind]:-0}"; done)
flip_line="flips $flips: ok $flip_ok, rejected $flip_rejected, signal $flip_signal, hang $flip_hang, wrong $flip_wrong ($calls commands; ${per_kind%, }; $store_flip_ok/$store_flips store flips recovered)"
say "$flip_line"

# --- 3. store swaps ----------------------------------------------------------------------------------------

swap_ok=0 swap_total=0 swap_skipped=
emb0=embed/seed-0/round-1 emb1=embed/seed-1/round-1
key0=${key_of[$emb0]} key1=${key_of[$emb1]}
[[ -n $key0 && -n $key1 ]] || fail "no $emb0 or $emb1 in the reference lock"
policy_file=$(printf '%s\n' "${files[@]}" | awk '$1 == "policy" { print $2; exit }')
mkdir -p "$work/giant"
cat >"$work/giant/giant.c" <<'C'
/* An HDF5 file that looks like an embeddings artifact and declares a 10^9 x 130 float64 dataset (1 TB)
   without writing any of it: the file is a few kilobytes. */
#include <hdf5.h>
#include <string.h>
static void text(hid_t at, const char *name, const char *value) {
  hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
  H5Tset_size(type, H5T_VARIABLE); H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t attribute = H5Acreate2(at, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attribute, type, &value);
  H5Aclose(attribute); H5Sclose(space); H5Tclose(type);
}
int main(int argc, char **argv) {
  if (argc != 2) return 64;
  hid_t file = H5Fcreate(argv[1], H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return 1;
  text(file, "amf.kind", "embeddings");
  text(file, "amf.content_sha256", "0000000000000000000000000000000000000000000000000000000000000000");
  long long one = 1;
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t version = H5Acreate2(file, "amf.schema_version", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(version, H5T_NATIVE_LLONG, &one); H5Aclose(version); H5Sclose(space);
  hid_t group = H5Gcreate2(file, "candidates", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t dims[2] = {1000000000ULL, 130};
  hid_t shape = H5Screate_simple(2, dims, NULL);
  hid_t data = H5Dcreate2(group, "phi", H5T_IEEE_F64LE, shape, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (data < 0) return 1;
  H5Dclose(data); H5Sclose(shape); H5Gclose(group);
  return H5Fclose(file) < 0;
}
C
giant=
if ! command -v cc >/dev/null 2>&1; then swap_skipped="no C compiler (cc)"
elif ! pkg-config --exists hdf5 2>/dev/null; then swap_skipped="pkg-config does not know hdf5"
elif ! cc "$work/giant/giant.c" $(pkg-config --cflags --libs hdf5) -o "$work/giant/giant" 2>"$work/giant/cc.err"; then
  swap_skipped="cc against libhdf5 failed: $(head -1 "$work/giant/cc.err")"
elif ! "$work/giant/giant" "$work/giant/giant.h5"; then swap_skipped="the crafted file could not be written"
else giant=$work/giant/giant.h5; fi
# swap NAME FOREIGN: FOREIGN copied over emb0's key, then status, verify, run, verify.
swap() {
  local name=$1 foreign=$2 dir=$work/swap target
  swap_total=$((swap_total + 1))
  clone_reference "$dir"
  target=$dir/store/${key0:0:2}/$key0.h5
  cp "$foreign" "$target"
  local what="swap $name (reproduce: cp ${foreign#"$work/"} over the key of $emb0, then status, verify, run)"
  attempt "$dir" 60 "$BIN" status "$manifest" --store "$dir/store"
  [[ $rc == 0 ]] || { bad "$what: status exited $rc ($cls): $(said)"; return; }
  grep -q "$emb0" "$work/out" || { bad "$what: status does not call $emb0 stale: $(said)"; return; }
  pl "$dir" 60 verify
  [[ $rc == 1 ]] || { bad "$what: verify exited $rc ($cls), not 1: $(said)"; return; }
  grep -q "$key0" "$work/out" "$work/err" || { bad "$what: verify does not name $key0: $(said)"; return; }
  recovers "$dir" "$what" || return 0
  local moved
  moved=$(find "$dir/store/quarantine" -type f -exec cmp -s "$foreign" {} \; -print 2>/dev/null | head -1)
  [[ -n $moved ]] || { bad "$what: the foreign file is not in store/quarantine/"; return; }
  swap_ok=$((swap_ok + 1))
}
swap "same kind (seed 1's embeddings)" "${path_of[$(awk -F'\t' -v n="$emb1" '$1 == "O" && $2 == n { print $4 }' "$work/lock.tsv")]}"
swap "other kind (a policy)" "$policy_file"
if [[ -n $giant ]]; then
  swap "giant shape (10^9 x 130 float64 declared, $(stat -c %s "$giant") bytes)" "$giant"
  # The giant file read directly: show and a hand-run select must refuse it in one line.
  for how in show stage; do
    rm -rf "$work/giant/out" && mkdir -p "$work/giant/out"
    if [[ $how == show ]]; then attempt "$work/giant" 60 "$BIN" show "$giant"
    else
      hand_stage "$(awk -F'\t' '$1 == "I" && $3 == "embeddings" { print $2; exit }' "$work/lock.tsv")" embeddings "$giant" "$work/giant/out"
      attempt "$work/giant" 60 "$BIN" "${stage_args[@]}"
    fi
    swap_total=$((swap_total + 1))
    if [[ $cls == rejected && ($rc == 65 || $rc == 64) && $errs == 1 ]]; then swap_ok=$((swap_ok + 1))
    else bad "giant file through $how: exit $rc ($cls), $errs stderr lines: $(said)"; fi
  done
fi
swap_line="swaps $swap_ok/$swap_total${swap_skipped:+ (giant shape SKIPPED: $swap_skipped)}"
[[ -z $swap_skipped ]] || say "SKIPPED giant-shape swap: $swap_skipped"
say "$swap_line"

# --- 4. gc looping during a run ----------------------------------------------------------------------------

dir=$work/gcloop
fresh_project "$dir"
# A decoy lock that references none of the run's keys (every hash rotated): gc would remove all of them.
awk 'function rot(s,  o, i) { o = ""; for (i = 1; i <= length(s); i++) o = o substr("123456789abcdef0", index("0123456789abcdef", substr(s, i, 1)), 1); return o }
  { if (match($0, /"[0-9a-f]+"/) && RLENGTH == 66) $0 = substr($0, 1, RSTART) rot(substr($0, RSTART + 1, 64)) substr($0, RSTART + 65); print }' \
  "$work/ref.lock.json" >"$dir/Pipelines/smoke/ablations/decoy.lock.json"
gc_calls=0 gc_refused=0 gc_ok=0 gc_line=
start_run "$dir"
while kill -0 "$run_pid" 2>/dev/null; do
  attempt "$dir" 60 "$BIN" gc --store "$dir/store"
  gc_calls=$((gc_calls + 1))
  if [[ $rc == 75 && $errs == 1 ]]; then gc_refused=$((gc_refused + 1))
  elif [[ $rc == 0 ]]; then gc_ok=$((gc_ok + 1))
  else bad "gc-loop: gc #$gc_calls during the run exited $rc ($cls), $errs stderr lines: $(said)"; fi
  sleep 0.05
done
run_rc=0
wait "$run_pid" || run_rc=$?
if [[ $run_rc != 0 ]]; then bad "gc-loop: the run exited $run_rc during the gc loop: $(tail -3 "$dir.err" | tr '\n' '|')"
elif ! same_as_reference "$dir" "gc-loop"; then :
else
  pl "$dir" 60 verify
  if [[ $rc != 0 ]]; then bad "gc-loop: verify after the run exited $rc: $(said)"
  else
    # With the run over, gc keeps everything the arm's lock references.
    attempt "$dir" 60 "$BIN" gc --store "$dir/store"
    pl "$dir" 60 verify
    if [[ $rc != 0 ]]; then bad "gc-loop: verify after a final gc exited $rc: $(said)"
    elif ((gc_calls < 2)); then bad "gc-loop: only $gc_calls gc calls ran during the run"
    else gc_line="gc-loop ok ($gc_calls gc calls, $gc_refused refused with 75, $gc_ok ran)"; fi
  fi
fi
gc_line=${gc_line:-"gc-loop FAILED ($gc_calls gc calls, $gc_refused refused with 75, $gc_ok ran)"}
say "$gc_line"

# --- 5. full disk ------------------------------------------------------------------------------------------

disk_ok=0 disk_total=0 disk_line= disk_codes=
# stage_log_errors LOG: the lines of a stage log other than progress lines.
stage_log_errors() { grep -cv '^amf-[a-z]*: \[[0-9.]*s\] ' "$1" || true; }
# full_disk_run SIZE: the arm run with its store on a SIZE tmpfs; then the store, copied to disk, completes.
full_disk_run() {
  local size=$1 dir=$work/full-$1 line code log
  local what="full-disk $size (reproduce: mount -t tmpfs -o size=$size tmpfs STORE; amf-pipeline run $manifest --store STORE)"
  fresh_project "$dir"
  mkdir -p "$dir/store"
  mount -t tmpfs -o "size=$size" tmpfs "$dir/store"
  mounted+=("$dir/store")
  disk_total=$((disk_total + 1))
  pl "$dir" 120 run --jobs 2
  disk_codes+="${disk_codes:+, }$size: exit $rc"
  if [[ $cls == signal || $cls == hang ]]; then bad "$what: run ended by $cls (exit $rc): $(said)"; return; fi
  if [[ $rc != 1 && $rc != 74 ]]; then bad "$what: run exited $rc, not 1 or 74: $(said)"; return; fi
  cp "$work/out" "$work/full.out"
  local failed=0 problems=0
  while IFS= read -r line; do
    failed=$((failed + 1))
    # The orchestrator's own write (marker, log, run record) may be the one that meets the full disk: then
    # the line carries its error, which must say so, instead of a stage's exit code and log.
    if [[ $line == *" (in amf-pipeline, not in the stage): "* ]]; then
      [[ $line == *"No space left on device"* ]] \
        || { problems=1; bad "$what: ${line:0:300}: an orchestrator error other than the full disk"; }
      continue
    fi
    code=$(sed -n 's/^FAILED [^ ]* (exit \([0-9]*\)): log .*/\1/p' <<<"$line") log=${line##*: log }
    if [[ " 65 70 74 " != *" $code "* ]]; then
      problems=1; bad "$what: ${line%%: log*}: the stage's exit code is not 65, 70 or 74 (a signal number?): $(tail -c 300 "$log" 2>/dev/null | tr '\n' '|')"
    elif [[ -f $log && $(stage_log_errors "$log") != 1 ]]; then
      problems=1; bad "$what: ${line%%: log*}: its log ends in $(stage_log_errors "$log") error lines, not one: $(grep -v '^amf-[a-z]*: \[' "$log" | head -c 400 | tr '\n' '|')"
    fi
  done < <(grep '^FAILED ' "$work/full.out")
  ((failed)) || { bad "$what: run exited $rc without a FAILED line naming a log: $(said)"; problems=1; }
  # Nothing half-written at any key: every .h5 matches its record. Then free the space and complete
  # (checked even after a failure above, so that the report says whether anything was lost).
  check_records "$dir/store" "$what" || problems=1
  cp -a "$dir/store" "$dir/store.copy"
  umount "$dir/store" && rmdir "$dir/store" && mv "$dir/store.copy" "$dir/store"
  recovers "$dir" "$what, then the store on a normal disk" || problems=1
  ((problems)) || disk_ok=$((disk_ok + 1))
}
if [[ $(id -u) != 0 ]]; then
  disk_line="full-disk SKIPPED (not root: cannot mount a tmpfs)"
elif ! mkdir -p "$work/mount-probe" || ! mount -t tmpfs -o size=1m tmpfs "$work/mount-probe" 2>"$work/mount.err"; then
  disk_line="full-disk SKIPPED (mount -t tmpfs refused: $(head -1 "$work/mount.err"))"
else
  mounted+=("$work/mount-probe")
  # A stage run by hand whose --output is on the full file system: one line, a documented exit, no file.
  disk_total=$((disk_total + 1))
  consumer=$(awk -F'\t' '$1 == "S" && $4 == "embed" { print $2; exit }' "$work/lock.tsv")
  mkdir -p "$work/full-stage"
  phash=$(awk -F'\t' -v n="$consumer" '$1 == "I" && $2 == n && $3 == "policy" { print $4 }' "$work/lock.tsv")
  hand_stage "$consumer" policy "${path_of[$phash]}" "$work/mount-probe"
  what="full-disk stage by hand (reproduce: amf-pipeline ${stage_args[*]} with the output on a 1 MB tmpfs)"
  attempt "$work/full-stage" 60 "$BIN" "${stage_args[@]}"
  disk_codes+="stage by hand: exit $rc"
  if [[ $cls == signal || $cls == hang ]]; then bad "$what: $cls (exit $rc): $(said)"
  elif [[ " 65 70 74 " != *" $rc "* ]]; then bad "$what: exit $rc, not 65, 70 or 74: $(said)"
  elif [[ $errs != 1 ]]; then bad "$what: $errs error lines on stderr, not one: $(grep -v '^amf-[a-z]*: \[' "$work/err" | head -c 400 | tr '\n' '|')"
  elif [[ -e $work/mount-probe/o.h5 ]]; then bad "$what: a file was left at --output"
  else disk_ok=$((disk_ok + 1)); fi
  for size in "${disk_sizes[@]}"; do full_disk_run "$size"; done
  disk_line="full-disk $disk_ok/$disk_total (a stage by hand on 1 MB, the run on tmpfs ${disk_sizes[*]}; $disk_codes)"
fi
[[ $disk_line != *SKIPPED* ]] || say "SKIPPED full-disk: ${disk_line#full-disk SKIPPED }"
say "$disk_line"

# --- 6. lock fields and manifests at the limits ------------------------------------------------------------

lock_ok=0 lock_total=0
first_key=$(grep -m1 '^      "key" : ' "$work/ref.lock.json" | cut -d'"' -f4)
lock_cases=(
  "seed -1|s/^      \"seed\" : 0,/      \"seed\" : -1,/"
  "seed 1e300|s/^      \"seed\" : 0,/      \"seed\" : 1e300,/"
  "stage_version 1e30|s/^      \"stage_version\" : 1$/      \"stage_version\" : 1e30/"
  "schema 99|s/^  \"schema\" : 1,/  \"schema\" : 99,/"
  "key ../../../../etc/passwd|s|\"key\" : \"$first_key\"|\"key\" : \"../../../../etc/passwd\"|"
  "report_folder ../../../../x|s|^  \"report_folder\" : \"amf.report\",|  \"report_folder\" : \"../../../../x\",|"
)
for case in "${lock_cases[@]}"; do
  name=${case%%|*} edit=${case#*|}
  dir=$work/lockcase
  clone_reference "$dir"
  sed -i "$edit" "$dir/$lock_rel"
  if cmp -s "$dir/$lock_rel" "$work/ref.lock.json"; then fail "lock case $name: the edit changed nothing"; fi
  lock_total=$((lock_total + 1)) passed=1
  for sub in status verify run; do
    pl "$dir" 60 "$sub"
    if [[ $rc != 65 || $errs != 1 ]]; then
      passed=0
      bad "lock $name (reproduce: edit the lock, amf-pipeline $sub): exit $rc ($cls), $errs stderr lines, want 65 and one line: $(said)"
    fi
  done
  ((passed)) && lock_ok=$((lock_ok + 1))
done
lock_line="lock fields $lock_ok/$lock_total"
say "$lock_line"

manifest_ok=0 manifest_total=0
dir=$work/limits
fresh_project "$dir"
limits=$dir/Pipelines/smoke/ablations
printf 'name: demos\nextends: ../base/reacher-targeted.yaml\nbudget: {demos: 2000000000}\n' >"$limits/demos.yaml"
printf 'name: seeds\nextends: ../base/reacher-targeted.yaml\nseeds: 0..100000000\n' >"$limits/seeds.yaml"
{
  printf 'name: bomb\nextends: ../base/reacher-targeted.yaml\n'
  printf 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
  for ((level = 1; level < 10; level++)); do
    printf 'a%d: &a%d [%s]\n' "$level" "$level" "$(printf "*a$((level - 1)), %.0s" {1..9} | sed 's/, $//')"
  done
} >"$limits/bomb.yaml"
mkfifo "$limits/fifo.yaml"
for case in demos seeds bomb fifo; do
  manifest_total=$((manifest_total + 1)) passed=1
  for sub in status run; do
    attempt "$dir" 10 "$BIN" "$sub" "smoke/ablations/$case.yaml" --store "$dir/store"
    if [[ ($rc != 64 && $rc != 65) || $errs != 1 ]]; then
      passed=0
      bad "manifest $case (reproduce: amf-pipeline $sub on the manifest $(basename "$limits")/$case.yaml): exit $rc ($cls), $errs stderr lines, want 64 or 65 within 10 s and one line: $(said)"
    fi
  done
  ((passed)) && manifest_ok=$((manifest_ok + 1))
done
manifest_line="manifest limits $manifest_ok/$manifest_total"
say "$manifest_line"

# --- Summary -----------------------------------------------------------------------------------------------

elapsed=$(($(date +%s) - started))
for line in "$kill_line" "$flip_line" "$swap_line" "$gc_line" "$disk_line" "$lock_line" "$manifest_line"; do say "  $line"; done
say "$kill_line; ${flip_line%% (*}; $swap_line; $gc_line; $disk_line; $lock_line; $manifest_line ($mode, seed $seed, $elapsed s)"
if ((${#failures[@]})); then
  say "${#failures[@]} failures:"
  for failure in "${failures[@]}"; do say "  $failure"; done
  exit 1
fi
say "all fault-injection checks passed in $elapsed s"
