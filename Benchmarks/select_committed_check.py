"""Recomputes the committed no-IS `amf` selections with the spectral gain and compares them (issue #20).

For every distinct `select` stage run of the committed locks (`Pipelines/studies/*.lock.json`, and any other
lock given) whose strategy is `amf` without importance weights, reads its `embeddings` input from the store
(read-only), runs `amf-select` with the committed params plus `select.gain_rank_tolerance`, and compares the
picks and scores with the committed `selection` artifact. Without --tolerance it reruns the committed params
as they are (the Woodbury gain): a check of the harness, which should give identical bytes.

Usage: python3 Benchmarks/select_committed_check.py --bin .build/release --store /work/main/Artifacts/store \
           --locks '/work/main/Pipelines/studies/*.lock.json' [--tolerance 1e-9] [--limit N] [--only reacher]
Prints one line per run and a summary: runs checked, rounds, picks compared, picks equal, the largest
relative score difference, picks re-scored exactly, and the median time of `amf-select`.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time


def h5_values(path, dataset):
    text = subprocess.run(["h5dump", "-d", dataset, "-y", "-w", "0", "-m", "%.17g", path], check=True,
                          capture_output=True, text=True).stdout
    body = text.split("DATA {", 1)[1].split("}", 1)[0]
    return [float(v) for v in body.replace("\n", " ").split(",") if v.strip()]


def no_is_runs(lock_paths):
    runs = {}
    for lock_path in lock_paths:
        lock = json.load(open(lock_path))
        producer = {}
        for stage in lock["stages"].values():
            for role, digest in stage.get("outputs", {}).items():
                producer[digest] = stage["key"]
        for name, stage in lock["stages"].items():
            select = stage["params"].get("select", {})
            if stage["kind"] != "select" or select.get("strategy") != "amf" or select.get("importance_weights", True):
                continue
            embeddings = producer.get(stage["inputs"].get("embeddings"))
            if embeddings and stage["key"] not in runs:
                runs[stage["key"]] = (os.path.basename(lock_path) + ":" + name, stage, embeddings)
    return runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--locks", default="Pipelines/studies/*.lock.json")
    parser.add_argument("--tolerance", type=float)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    runs = no_is_runs(sorted(glob.glob(args.locks)))
    # Round-robin over the locks, so a partial run covers every study.
    ordered = sorted(runs.items(), key=lambda kv: kv[1][0])
    position = {}
    for key, (name, _, _) in ordered:
        lock = name.split(":")[0]
        position[key] = position.get(lock, -1) + 1
        position[lock] = position[key]
    items = [item for item in sorted(ordered, key=lambda kv: (position[kv[0]], kv[1][0])) if args.only in item[1][0]]
    items = items[:args.limit] if args.limit else items
    checked = picks = equal = rescored = 0
    worst = 0.0
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        for key, (name, stage, embed_key) in items:
            store = lambda k: os.path.join(args.store, k[:2], k + ".h5")
            params = json.loads(json.dumps(stage["params"]))
            if args.tolerance is not None:
                params["select"]["gain_rank_tolerance"] = args.tolerance
            params_file = os.path.join(scratch, "params.json")
            json.dump(params, open(params_file, "w"))
            output = os.path.join(scratch, "selection.h5")
            start = time.perf_counter()
            process = subprocess.run(
                [os.path.join(args.bin, "amf-select"), "--input", "embeddings=" + store(embed_key),
                 "--params-file", params_file, "--seed", str(stage["seed"]), "--output", output],
                capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if process.returncode != 0:
                print(f"FAILED {name}: {process.stderr.strip()[-300:]}")
                continue
            rescored += process.stderr.count("re-scored with the Woodbury gain")
            mine, theirs = h5_values(output, "/selected"), h5_values(store(key), "/selected")
            ours, committed = h5_values(output, "/scores"), h5_values(store(key), "/scores")
            difference = max((abs(a - b) / max(abs(b), 1e-300) for a, b in zip(ours, committed) if b == b), default=0)
            worst = max(worst, difference)
            checked += 1
            picks += len(theirs)
            equal += sum(a == b for a, b in zip(mine, theirs))
            print(f"{name} picks {[int(v) for v in mine]} committed {[int(v) for v in theirs]} "
                  f"max rel diff {difference:.2e} {time.perf_counter() - start:.2f} s", flush=True)
    times.sort()
    print(f"SUMMARY runs {checked} picks {picks} equal {equal} max-rel-score-diff {worst:.2e} "
          f"rescored-picks {rescored} median-amf-select-s {times[len(times) // 2] if times else 0:.3f}")


if __name__ == "__main__":
    sys.exit(main())
