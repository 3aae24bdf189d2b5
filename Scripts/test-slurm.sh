#!/usr/bin/env bash
# End-to-end test of `amf-pipeline run --executor slurm` on a real one-node Slurm cluster (Debian's
# slurmctld, slurmd and munge, started by Scripts/slurm-cluster.sh and stopped by process id at the end).
#
#   Scripts/test-slurm.sh [BINARY]     (default: the debug build's amf-pipeline; Scripts/test.sh runs this)
#
# Checks, each printed as it passes:
#   1. a smoke study submitted through Slurm gives a lock, a report folder and artifacts byte-identical to
#      a local `run` of the same manifest;
#   2. a second submission while the first one's jobs are queued or running submits no job;
#   3. a failing stage run fails its job and cancels only its dependents (the other seed's runs finish);
#      `status` names the failure; `run` again submits exactly the runs still stale and finishes the arm,
#      whose lock then equals a local run's; `cancel` cancels queued jobs.
# When the cluster cannot be started here (not root, no apt, no packages) it prints
# "test-slurm: SKIPPED: <reason>" and exits 0, so CI says it skipped rather than silently passing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BIN=${1:-$(swift build --show-bin-path)/amf-pipeline}
[[ -x $BIN ]] || { echo "test-slurm: no amf-pipeline binary at $BIN; build first" >&2; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
work=$(mktemp -d /tmp/amf-slurm-test.XXXXXX)
chmod 755 "$work"   # munged runs as the munge user and keeps its socket under the cluster folder
cluster=$work/cluster
started=$(date +%s)
say() { printf 'test-slurm: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

set +e
Scripts/slurm-cluster.sh start "$cluster"
status=$?
set -e
if [[ $status -eq 77 ]]; then
  say "SKIPPED: no Slurm cluster could be started here (see the slurm-cluster line above)"
  rm -rf "$work"
  exit 0
fi
[[ $status -eq 0 ]] || fail "Scripts/slurm-cluster.sh start exited $status"
cleanup() {
  "$root/Scripts/slurm-cluster.sh" stop "$cluster" || true
  if [[ ${KEEP_SLURM_TEST:-0} == 1 ]]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
eval "$(Scripts/slurm-cluster.sh env "$cluster")"

# A copy of the manifests per scenario, so each has its own locks and store.
project() {
  mkdir -p "$work/$1"
  cp -R "$root/Pipelines" "$work/$1/Pipelines"
  find "$work/$1/Pipelines" -name '*.lock.json' -delete
  find "$work/$1/Pipelines" -name '*.report' -type d -prune -exec rm -rf {} +
}

# Waits until Slurm runs none of this user's jobs (at most $2 seconds).
wait_for_queue() {
  local deadline=$(($(date +%s) + ${2:-900}))
  while [[ -n $(squeue --me --noheader 2>/dev/null) ]]; do
    (($(date +%s) < deadline)) || fail "$1: jobs still queued after ${2:-900} s: $(squeue --me --noheader | head -5)"
    sleep 1
  done
}

# The lock, the report folder and every artifact the lock names are equal in two projects.
same_results() {
  local manifest=$1 a=$work/$2 b=$work/$3 lock=${1%.yaml}.lock.json
  cmp "$a/Pipelines/$lock" "$b/Pipelines/$lock" || fail "$manifest: the locks differ ($a vs $b)"
  if [[ -d $a/Pipelines/${1%.yaml}.report ]]; then
    diff -r "$a/Pipelines/${1%.yaml}.report" "$b/Pipelines/${1%.yaml}.report" >/dev/null \
      || fail "$manifest: the report folders differ"
  fi
  local files=0
  while read -r key role roles; do
    local name=$key.h5
    [[ $roles -gt 1 ]] && name=$key.$role.h5
    cmp "$a/Artifacts/store/${key:0:2}/$name" "$b/Artifacts/store/${key:0:2}/$name" \
      || fail "$manifest: artifact $name differs"
    files=$((files + 1))
  done < <(python3 -c '
import json, sys
for entry in json.load(open(sys.argv[1]))["stages"].values():
    for role in entry["outputs"]:
        print(entry["key"], role, len(entry["outputs"]))' "$a/Pipelines/$lock")
  say "ok: $manifest through Slurm equals a local run: lock, report folder and $files artifacts byte for byte"
}

study=smoke/studies/integrator2d-gp-targeted.yaml
project local
(cd "$work/local" && "$BIN" run "$study" --jobs 2 >/dev/null)

# 1 and 2: submit the study twice in a row, then compare with the local run.
project slurm
cd "$work/slurm"
first=$("$BIN" run "$study" --executor slurm --slurm-time 10 --slurm-mem 1G)
echo "$first" | grep -q "^submitted [1-9][0-9]* jobs" || fail "first submission: $first"
second=$("$BIN" run "$study" --executor slurm --slurm-time 10 --slurm-mem 1G)
echo "$second" | grep -q "^submitted 0 jobs" || fail "a second submission while the first runs submitted jobs: $second"
say "ok: a second submission while the first is queued submits no job ($(echo "$second" | head -1))"
wait_for_queue "$study"
"$BIN" status "$study" --exit-code >/dev/null || fail "$study is not up to date after its jobs: $("$BIN" status "$study")"
# Arms share some stage runs' keys (pre-training, round 0), so some jobs find their key done: every
# distinct key of the lock must have been computed by exactly one job.
computed=$(cat Artifacts/slurm/*/*/state/*.json | grep -o '"computed key [0-9a-f]*' | sort)
keys=$(python3 -c 'import json,sys; print(len({e["key"] for e in json.load(open(sys.argv[1]))["stages"].values()}))' \
  "Pipelines/${study%.yaml}.lock.json")
runs=$("$BIN" status "$study" | head -1 | sed 's/.*: \([0-9]*\) stage runs.*/\1/')
[[ $(echo "$computed" | uniq -d | wc -l) -eq 0 ]] || fail "a key was computed by two jobs: $(echo "$computed" | uniq -d)"
[[ $(echo "$computed" | wc -l) -eq $keys ]] || fail "$(echo "$computed" | wc -l) keys computed, the lock has $keys"
say "ok: $runs stage runs with $keys distinct keys, each key computed by exactly one job"
same_results "$study" local slurm

# 3: a failing stage run, then a resubmission.
arm=smoke/ablations/amf.yaml
(cd "$work/local" && "$BIN" run "$arm" --jobs 2 >/dev/null)
project failing
cd "$work/failing"
cat > failing-stage <<SCRIPT
#!/bin/sh
# Fails seed 1's fine-tuning; every other stage runs normally.
case " \$* " in *" stage finetune "*"--seed 1 "*) echo "injected failure" >&2; exit 3;; esac
exec "$BIN" "\$@"
SCRIPT
chmod +x failing-stage
"$BIN" run "$arm" --executor slurm --stage-executable "$work/failing/failing-stage" --slurm-time 10 >/dev/null
wait_for_queue "$arm"
report=$("$BIN" status "$arm" || true)
echo "$report" | grep -q "stale  finetune/seed-1/round-1 .*\[slurm [0-9]*: failed" || fail "status does not show the failure: $report"
echo "$report" | grep -q "stale  evaluate/seed-1/round-1 .*\[slurm [0-9]*: \(cancelled\|submitted\)" \
  || fail "a dependent of the failed run was not cancelled: $report"
if echo "$report" | grep -q "stale  [a-z]*/seed-0/"; then fail "seed 0 did not finish although it does not depend on the failure: $report"; fi
stale=$(echo "$report" | head -1 | sed 's/.* \([0-9]*\) stale$/\1/')
say "ok: the failing run failed, its $((stale - 1)) dependents were cancelled, seed 0 finished ($(echo "$report" | sed -n 2p))"
resubmit=$("$BIN" run "$arm" --executor slurm --slurm-time 10)
echo "$resubmit" | grep -q "^submitted $stale jobs" || fail "resubmission should submit the $stale stale runs: $resubmit"
wait_for_queue "$arm"
"$BIN" status "$arm" --exit-code >/dev/null || fail "$arm is not up to date after the resubmission"
say "ok: the resubmission sent exactly the $stale stale runs"
same_results "$arm" local failing

# cancel: submit a fresh copy and cancel it at once.
project cancelling
cd "$work/cancelling"
"$BIN" run "$arm" --executor slurm --slurm-time 10 >/dev/null
cancelled=$("$BIN" cancel "$arm")
echo "$cancelled" | grep -q "^cancelled [1-9]" || fail "cancel: $cancelled"
wait_for_queue "$arm" 60
say "ok: cancel: $(echo "$cancelled" | cut -c1-60)…"
say "all Slurm checks passed in $(($(date +%s) - started)) s"
