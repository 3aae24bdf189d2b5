#!/usr/bin/env python3
"""How long reproducing every committed result takes, before running it (issue #20).

Reads the committed locks in the order `Scripts/reproduce.sh` runs them, counts each study's stage runs that no
earlier study has (a run shared by key is done once), and prices every run with the wall seconds that run
records in the given stores hold (`<key>.run.json`, field `seconds`):

* the run's own record, when a store has its key;
* else the mean over records of runs of the same class — environment, stage kind and parameters apart from
  the round (an arm's runs of one kind);
* else the mean over records of the same environment and kind whose own section of the parameters (e.g.
  `finetune:` for a fine-tuning run) is the same;
* else the mean over records of the same environment and kind (marked: such a run may be costlier, e.g.
  `task_isolation` fine-tuning trains up to 12 networks);
* else it is counted as unpriced.

Then the estimate on J cores is the summed seconds / J (the studies keep 2 cores busy: BENCHMARKS.md). The
stores' records are what makes the estimate honest: they should come from an idle machine and the current
build. Stdlib only.

Usage: python3 Scripts/reproduce-estimate.py --store DIR [--store DIR …] [--jobs 2] [--only PATTERN] [--by-kind]
                                            [--by-family]
  --only PATTERN  the studies `Scripts/reproduce.sh --only PATTERN` runs (a shell glob, e.g. 'reacher-*'),
                  priced as that command from an empty store would run them
  --lock PATH     price these locks, in this order, instead of the committed ones (repeatable)
  --by-kind       also a table per environment and stage kind
  --by-family     also the studies summed by family: the environment of their runs and main / investigation
                  (`-investigation` in the name) / paper (under `paper/`)
"""
import argparse
import fnmatch
import json
import os
import subprocess
import sys
from collections import defaultdict


def studies(root):
    listing = subprocess.run(["bash", os.path.join(root, "Scripts/reproduce.sh"), "--list"], capture_output=True,
                             text=True, check=True, cwd=root)
    return listing.stdout.split()


def lock_path(root, study):
    path = os.path.join(root, "Pipelines/studies", study + ".lock.json")
    return path if os.path.exists(path) else os.path.join(root, "Pipelines", study + ".lock.json")


def environment(entry):
    env = entry.get("params", {}).get("env")
    return env.get("name", "?") if isinstance(env, dict) else "-"


def run_class(entry):
    params = {k: v for k, v in entry.get("params", {}).items() if k != "round"}
    return (environment(entry), entry["kind"], json.dumps(params, sort_keys=True))


def section_class(entry):
    return (environment(entry), entry["kind"], json.dumps(entry.get("params", {}).get(entry["kind"]), sort_keys=True))


def records(stores):
    """key -> seconds, from every store's run records."""
    seconds = {}
    for store in stores:
        for shard in sorted(os.listdir(store)):
            folder = os.path.join(store, shard)
            if len(shard) != 2 or not os.path.isdir(folder):
                continue
            for name in os.listdir(folder):
                if name.endswith(".run.json"):
                    try:
                        record = json.load(open(os.path.join(folder, name)))
                    except (OSError, ValueError):
                        continue
                    if record.get("status") == "succeeded" and isinstance(record.get("seconds"), (int, float)):
                        seconds.setdefault(record["key"], float(record["seconds"]))
    return seconds


def duration(text):
    minutes = round(text / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", required=True, help="a store whose run records price runs")
    parser.add_argument("--jobs", type=int, default=2, help="cores the runs share (default 2)")
    parser.add_argument("--only", default="*", help="only studies matching this shell glob, as reproduce.sh --only")
    parser.add_argument("--lock", action="append", help="price these locks, in order, instead of the committed ones")
    parser.add_argument("--by-kind", action="store_true", help="also a table per environment and stage kind")
    parser.add_argument("--by-family", action="store_true", help="also the studies summed by family")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for store in args.store:
        if not os.path.isdir(store):
            sys.exit(f"reproduce-estimate: no store at {store}")
    known = records(args.store)

    if args.lock:
        paths = {os.path.basename(path).removesuffix(".lock.json"): path for path in args.lock}
        order = list(paths)
    else:
        paths = {}
        order = [study for study in studies(root) if fnmatch.fnmatchcase(study, args.only)]
    if not order:
        sys.exit(f"reproduce-estimate: no committed study matches '{args.only}'")
    entries = {}  # key -> (study, entry), first study that has it
    environments = defaultdict(set)  # study -> the environments of its runs (all of them, not only new ones)
    for study in order:
        for entry in json.load(open(paths.get(study) or lock_path(root, study)))["stages"].values():
            entries.setdefault(entry["key"], (study, entry))
            if environment(entry) != "-":
                environments[study].add(environment(entry))

    by_class, by_section, by_kind = defaultdict(list), defaultdict(list), defaultdict(list)
    for key, (_, entry) in entries.items():
        if key in known:
            by_class[run_class(entry)].append(known[key])
            by_section[section_class(entry)].append(known[key])
            by_kind[run_class(entry)[:2]].append(known[key])
    mean = lambda values: sum(values) / len(values)

    rows = {study: {"runs": 0, "seconds": 0.0, "own": 0, "class": 0, "section": 0, "kind": 0, "unpriced": 0}
            for study in order}
    kinds = defaultdict(lambda: {"runs": 0, "seconds": 0.0})
    for key, (study, entry) in entries.items():
        row = rows[study]
        row["runs"] += 1
        if key in known:
            seconds, how = known[key], "own"
        elif by_class.get(run_class(entry)):
            seconds, how = mean(by_class[run_class(entry)]), "class"
        elif by_section.get(section_class(entry)):
            seconds, how = mean(by_section[section_class(entry)]), "section"
        elif by_kind.get(run_class(entry)[:2]):
            seconds, how = mean(by_kind[run_class(entry)[:2]]), "kind"
        else:
            seconds, how = 0.0, "unpriced"
        row[how] += 1
        row["seconds"] += seconds
        kinds[run_class(entry)[:2]]["runs"] += 1
        kinds[run_class(entry)[:2]]["seconds"] += seconds

    total = sum(row["seconds"] for row in rows.values())
    print(f"{len(entries)} distinct stage runs in {len(order)} studies; run records of {len(known)} "
          f"of them in {', '.join(args.store)}.\n")
    print(f"| study | new stage runs | priced by own record / arm mean / section mean / kind mean / unpriced | core-min | "
          f"share | on {args.jobs} cores |")
    print("|---|---:|---|---:|---:|---:|")
    for study in order:
        row = rows[study]
        if row["runs"] == 0:
            continue
        print(f"| {study} | {row['runs']} | {row['own']} / {row['class']} / {row['section']} / {row['kind']} / "
              f"{row['unpriced']} | "
              f"{row['seconds'] / 60:.1f} | {100 * row['seconds'] / total:.1f}% | "
              f"{duration(row['seconds'] / args.jobs)} |")
    unpriced = sum(row["unpriced"] for row in rows.values())
    print(f"| **total** | {len(entries)} | {unpriced} unpriced | {total / 60:.0f} | 100% | "
          f"**{duration(total / args.jobs)}** |")
    if args.by_family:
        families = defaultdict(lambda: {"studies": 0, "runs": 0, "kind": 0, "seconds": 0.0})
        for study in order:
            row = rows[study]
            kind = "paper" if study.startswith("paper/") else "investigation" if "-investigation" in study else "main"
            family = families[(", ".join(sorted(environments[study])) or "-", kind)]
            family["studies"] += 1
            for field in ("runs", "kind", "seconds"):
                family[field] += row[field]
        print(f"\n| environment | studies | count | distinct stage runs | of them priced by the kind mean | core-min | "
              f"share | on {args.jobs} cores |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for (env, kind), value in sorted(families.items(), key=lambda item: -item[1]["seconds"]):
            print(f"| {env} | {kind} | {value['studies']} | {value['runs']} | {value['kind']} | "
                  f"{value['seconds'] / 60:.0f} | {100 * value['seconds'] / total:.1f}% | "
                  f"{duration(value['seconds'] / args.jobs)} |")
    if args.by_kind:
        print(f"\n| environment | stage kind | stage runs | core-min | share | mean s per run |")
        print("|---|---|---:|---:|---:|---:|")
        for (env, kind), value in sorted(kinds.items(), key=lambda item: -item[1]["seconds"]):
            print(f"| {env} | {kind} | {value['runs']} | {value['seconds'] / 60:.1f} | "
                  f"{100 * value['seconds'] / total:.1f}% | {value['seconds'] / max(1, value['runs']):.2f} |")


if __name__ == "__main__":
    main()
