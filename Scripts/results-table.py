"""Prints the Markdown tables of Data/results/FINDINGS.md from the committed summary.csv files.

Usage: python3 Scripts/results-table.py STUDY…   (folders under Data/results/)
       python3 Scripts/results-table.py --allocation   (the integrator2d GP allocation sweep, one row per k)
       python3 Scripts/results-table.py --paired STUDY ARM BASELINE   (per-seed AUC difference of two arms of one study: --cross within it)
       python3 Scripts/results-table.py --versus MAIN STUDY…   (every arm of each STUDY against MAIN's amf,
           rebalancing and uniform, paired by seed: the investigations share π₀, expert streams and start states with
           their main study by content, so their seeds pair with its committed per-seed results)
       python3 Scripts/results-table.py --contrast STUDY_A ARM_A BASE_A STUDY_B ARM_B BASE_B
           (per seed, (ARM_A − BASE_A) in STUDY_A minus (ARM_B − BASE_B) in STUDY_B, with its bootstrap interval:
           e.g. whether a fine-tuning change moves amf − uniform, not only both arms)
       python3 Scripts/results-table.py --cross STUDY_A ARM_A STUDY_B ARM_B   (per seed, ARM_A in STUDY_A − ARM_B in
           STUDY_B, paired by seed, with its interval and the share of seeds where A is ahead: e.g. amf with B = 5
           in paper/reacher-mismatch-batch against amf in reacher-mismatch)
       python3 Scripts/results-table.py --slope FOLDER ARM BASE   (the studies FOLDER/kNN: per seed, the
           least-squares slope of AUC(ARM) − AUC(BASE) against k; its mean and bootstrap interval over seeds, each
           resample taking a seed's k values together; then one row per k)
"""
import random
import csv
import os
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "Data", "results")


def interval(row, name, signed=False):
    mean, lo, hi = (float(row[f"{name}_{part}"]) for part in ("mean", "lo", "hi"))
    form = "{:+.3f}" if signed else "{:.3f}"
    return f"{form.format(mean)} [{form.format(lo)}, {form.format(hi)}]"


def allocation():
    """The allocation sweep's table: one row per k, AUC means per arm and amf − uniform."""
    folder = os.path.join(ROOT, "integrator2d-gp-allocation")
    arms = ["amf", "uniform", "uncertainty", "no-is", "rebalancing"]
    print("| k | " + " | ".join(arms) + " | amf − uniform [90% CI] |")
    print("|---:|" + "---:|" * len(arms) + "---|")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name, "summary.csv")) as handle:
            rows = {row["arm"]: row for row in csv.DictReader(handle)}
        means = " | ".join(f"{float(rows[arm]['auc_mean']):.3f}" for arm in arms)
        uniform = rows["uniform"]
        # The summary holds uniform − amf; the table shows amf − uniform.
        mean, lo, hi = (-float(uniform[f"auc_diff_{part}"]) for part in ("mean", "hi", "lo"))
        print(f"| {int(name[1:])} | {means} | {mean:+.3f} [{lo:+.3f}, {hi:+.3f}] |")


def paired(study, arm, baseline):
    """Per-seed AUC of `arm` − `baseline` within one study (the report pairs every arm with amf only)."""
    cross(study, arm, study, baseline)


def curves_of(study):
    """{(arm, seed): [(round, success)]} from a study's committed results.csv."""
    curves = {}
    with open(os.path.join(ROOT, study, "results.csv")) as handle:
        for row in csv.DictReader(handle):
            curves.setdefault((row["arm"], int(row["seed"])), []).append((int(row["round"]), float(row["multitask_success"])))
    return curves


def trapezoid_auc(points):
    values = [value for _, value in sorted(points)]
    return sum((a + b) / 2 for a, b in zip(values, values[1:])) / (len(values) - 1)


def bootstrap(diffs, resamples=10000, confidence=0.9, seed=0):
    """Mean and percentile-bootstrap interval of the mean (seeded, as the report's)."""
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(rng.choice(diffs) for _ in range(n)) / n for _ in range(resamples))
    lo = means[int((1 - confidence) / 2 * resamples)]
    hi = means[min(resamples - 1, int((1 + confidence) / 2 * resamples))]
    return sum(diffs) / n, lo, hi


def versus(main_study, studies):
    """Every arm of `studies` against `main_study`'s amf, rebalancing and uniform, per seed (share of seeds
    ahead for the first two)."""
    main = curves_of(main_study)
    base = {arm: {seed: trapezoid_auc(points) for (name, seed), points in main.items() if name == arm}
            for arm in ("amf", "rebalancing", "uniform")}
    print(f"| study | arm | AUC | Δ vs {main_study} amf [90% CI] | ahead of amf | Δ vs rebalancing [90% CI] | ahead of rebalancing | Δ vs uniform [90% CI] |")
    print("|---|---|---:|---|---:|---|---:|---|")
    for study in studies:
        curves = curves_of(study)
        for arm in sorted({name for name, _ in curves}):
            aucs = {seed: trapezoid_auc(points) for (name, seed), points in curves.items() if name == arm}
            cells = []
            for reference in ("amf", "rebalancing", "uniform"):
                seeds = sorted(set(aucs) & set(base[reference]))
                diffs = [aucs[s] - base[reference][s] for s in seeds]
                mean, lo, hi = bootstrap(diffs)
                cells.append(f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}]")
                if reference != "uniform":
                    cells.append(f"{sum(d > 0 for d in diffs)}/{len(diffs)}")
            mean_auc = sum(aucs.values()) / len(aucs)
            print(f"| {study} | {arm} | {mean_auc:.3f} | " + " | ".join(cells) + " |")


def contrast(study_a, arm_a, base_a, study_b, arm_b, base_b):
    """The paired difference of two per-seed AUC differences, possibly across studies paired by content."""
    a, b = curves_of(study_a), curves_of(study_b)
    for curves, study, names in ((a, study_a, (arm_a, base_a)), (b, study_b, (arm_b, base_b))):
        arms = sorted({name for name, _ in curves})
        for name in names:
            if name not in arms:
                sys.exit(f"results-table: {study} has no arm '{name}'; its arms: {', '.join(arms)}")
    seeds = sorted(seed for name, seed in a if name == arm_a)
    first = [trapezoid_auc(a[(arm_a, s)]) - trapezoid_auc(a[(base_a, s)]) for s in seeds]
    second = [trapezoid_auc(b[(arm_b, s)]) - trapezoid_auc(b[(base_b, s)]) for s in seeds]
    diffs = [x - y for x, y in zip(first, second)]
    mean, lo, hi = bootstrap(diffs)
    m1, l1, h1 = bootstrap(first)
    m2, l2, h2 = bootstrap(second)
    print(f"{study_a}: {arm_a} − {base_a} {m1:+.3f} [{l1:+.3f}, {h1:+.3f}]; "
          f"{study_b}: {arm_b} − {base_b} {m2:+.3f} [{l2:+.3f}, {h2:+.3f}]; "
          f"difference {mean:+.3f} [{lo:+.3f}, {hi:+.3f}], larger in {sum(d > 0 for d in diffs)}/{len(diffs)} seeds")


def aucs_of(study, arm):
    """{seed: AUC} of one arm of a study, or exit naming the arms it has."""
    curves = curves_of(study)
    arms = sorted({name for name, _ in curves})
    if arm not in arms:
        sys.exit(f"results-table: {study} has no arm '{arm}'; its arms: {', '.join(arms)}")
    return {seed: trapezoid_auc(points) for (name, seed), points in curves.items() if name == arm}


def cross(study_a, arm_a, study_b, arm_b):
    """ARM_A of STUDY_A − ARM_B of STUDY_B per seed (studies paired by content through their seeds)."""
    a, b = aucs_of(study_a, arm_a), aucs_of(study_b, arm_b)
    seeds = sorted(set(a) & set(b))
    diffs = [a[s] - b[s] for s in seeds]
    ties = sum(d == 0 for d in diffs)
    mean, lo, hi = bootstrap(diffs)
    print(f"{study_a} {arm_a} (AUC {sum(a[s] for s in seeds) / len(seeds):.3f}) − {study_b} {arm_b} "
          f"(AUC {sum(b[s] for s in seeds) / len(seeds):.3f}): {mean:+.3f} [{lo:+.3f}, {hi:+.3f}], "
          f"ahead in {sum(d > 0 for d in diffs)}/{len(diffs)} seeds" + (f", tied in {ties}" if ties else ""))


def least_squares_slope(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def slope(folder, arm, base):
    """The per-seed slope of AUC(arm) − AUC(base) against k over FOLDER/kNN, with its bootstrap interval."""
    names = sorted(name for name in os.listdir(os.path.join(ROOT, folder)) if name.startswith("k"))
    ks = [int(name[1:]) for name in names]
    gaps = {}
    for name in names:
        a, b = aucs_of(os.path.join(folder, name), arm), aucs_of(os.path.join(folder, name), base)
        gaps[name] = {seed: a[seed] - b[seed] for seed in set(a) & set(b)}
    seeds = sorted(set.intersection(*(set(g) for g in gaps.values())))
    slopes = [least_squares_slope(ks, [gaps[name][seed] for name in names]) for seed in seeds]
    mean, lo, hi = bootstrap(slopes)
    print(f"{folder}: slope of {arm} − {base} against k: {mean:+.4f} [{lo:+.4f}, {hi:+.4f}] per covered task, "
          f"negative in {sum(v < 0 for v in slopes)}/{len(slopes)} seeds")
    print(f"| k | {arm} − {base} [90% CI] | {arm} ahead |")
    print("|---:|---|---:|")
    for name, k in zip(names, ks):
        diffs = [gaps[name][seed] for seed in seeds]
        m, l, h = bootstrap(diffs)
        print(f"| {k} | {m:+.3f} [{l:+.3f}, {h:+.3f}] | {sum(d > 0 for d in diffs)}/{len(diffs)} |")


def main():
    if not sys.argv[1:] or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return
    if sys.argv[1:2] == ["--cross"] and len(sys.argv) == 6:
        cross(*sys.argv[2:])
        return
    if sys.argv[1:2] == ["--slope"] and len(sys.argv) == 5:
        slope(*sys.argv[2:])
        return
    if sys.argv[1:2] == ["--contrast"] and len(sys.argv) == 8:
        contrast(*sys.argv[2:])
        return
    if sys.argv[1:2] == ["--versus"] and len(sys.argv) >= 4:
        versus(sys.argv[2], sys.argv[3:])
        return
    if sys.argv[1:] == ["--allocation"]:
        allocation()
        return
    if sys.argv[1:2] == ["--paired"] and len(sys.argv) == 5:
        paired(*sys.argv[2:])
        return
    print("| study | arm | AUC [90% CI] | final success [90% CI] | Δ AUC vs amf [90% CI] | amf ahead (AUC) | Δ final vs amf [90% CI] |")
    print("|---|---|---|---|---|---:|---|")
    for study in sys.argv[1:]:
        with open(os.path.join(ROOT, study, "summary.csv")) as handle:
            for row in csv.DictReader(handle):
                diff = "–" if not row["auc_diff_mean"] else interval(row, "auc_diff", signed=True)
                final_diff = "–" if not row["final_diff_mean"] else interval(row, "final_diff", signed=True)
                ahead = "–" if not row["auc_amf_ahead_share"] else f"{float(row['auc_amf_ahead_share']):.0%}"
                print(f"| {study} | {row['arm']} | {interval(row, 'auc')} | {interval(row, 'final')} | {diff} | {ahead} | {final_diff} |")


if __name__ == "__main__":
    main()
