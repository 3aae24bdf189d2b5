"""Plots AMF − uniform (AUC, paired by seed, 90% bootstrap interval) against k, the covered tasks, for one or
more allocation sweeps side by side (issue #21: the reacher NN sweep beside the integrator2d GP sweep).

Usage: python3 Scripts/allocation-plot.py OUT.svg FOLDER[=LABEL]…   (folders under Data/results/ holding kNN/)
       e.g. python3 Scripts/allocation-plot.py Data/results/paper/allocation.svg \
                integrator2d-gp-allocation="integrator2d, GP" paper/reacher-allocation="reacher, NN"

Standard library only; the numbers are those of `results-table.py --slope FOLDER amf uniform`.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("results_table", os.path.join(HERE, "results-table.py"))
table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(table)

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]


def series(folder):
    """[(k, mean, lo, hi)] of amf − uniform per kNN study in `folder`."""
    names = sorted(name for name in os.listdir(os.path.join(table.ROOT, folder)) if name.startswith("k"))
    points = []
    for name in names:
        study = os.path.join(folder, name)
        amf, uniform = table.aucs_of(study, "amf"), table.aucs_of(study, "uniform")
        seeds = sorted(set(amf) & set(uniform))
        mean, lo, hi = table.bootstrap([amf[s] - uniform[s] for s in seeds])
        points.append((int(name[1:]), mean, lo, hi))
    return points


def svg(all_series, width=560, height=340):
    left, right, top, bottom = 64, 150, 20, 46
    ks = [k for _, points in all_series for k, *_ in points]
    values = [v for _, points in all_series for _, _, lo, hi in points for v in (lo, hi)] + [0.0]
    x0, x1 = 0, max(ks) + 1
    y0, y1 = min(values), max(values)
    pad = 0.08 * (y1 - y0 or 1)
    y0, y1 = y0 - pad, y1 + pad
    sx = lambda k: left + (k - x0) / (x1 - x0) * (width - left - right)
    sy = lambda v: top + (y1 - v) / (y1 - y0) * (height - top - bottom)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<line x1="{left}" y1="{sy(0):.1f}" x2="{width - right}" y2="{sy(0):.1f}" stroke="#999" stroke-dasharray="4 3"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>']
    for k in range(1, x1):
        out.append(f'<text x="{sx(k):.1f}" y="{height - bottom + 16}" text-anchor="middle">{k}</text>')
    step = 0.02 if y1 - y0 < 0.3 else 0.05
    tick = round(y0 / step) * step
    while tick <= y1:
        out.append(f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end">{tick:+.2f}</text>')
        tick += step
    out.append(f'<text x="{(left + width - right) / 2:.1f}" y="{height - 8}" text-anchor="middle">k, tasks covered by pre-training (of 12)</text>')
    out.append(f'<text transform="translate(16,{(top + height - bottom) / 2:.1f}) rotate(-90)" text-anchor="middle">AUC, amf − uniform (90% CI)</text>')
    for index, (label, points) in enumerate(all_series):
        colour = COLOURS[index % len(COLOURS)]
        shift = (index - (len(all_series) - 1) / 2) * 0.12
        path = " ".join(f"{'M' if i == 0 else 'L'}{sx(k + shift):.1f},{sy(m):.1f}" for i, (k, m, _, _) in enumerate(points))
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        for k, m, lo, hi in points:
            x = sx(k + shift)
            out.append(f'<line x1="{x:.1f}" y1="{sy(lo):.1f}" x2="{x:.1f}" y2="{sy(hi):.1f}" stroke="{colour}"/>')
            out.append(f'<circle cx="{x:.1f}" cy="{sy(m):.1f}" r="3" fill="{colour}"/>')
        y = top + 14 + 18 * index
        out.append(f'<line x1="{width - right + 12}" y1="{y - 4}" x2="{width - right + 30}" y2="{y - 4}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 34}" y="{y}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    all_series = []
    for argument in sys.argv[2:]:
        folder, _, label = argument.partition("=")
        all_series.append((label or folder, series(folder)))
    os.makedirs(os.path.dirname(os.path.abspath(sys.argv[1])), exist_ok=True)
    with open(sys.argv[1], "w") as handle:
        handle.write(svg(all_series))
    print(f"allocation-plot: wrote {sys.argv[1]}")


if __name__ == "__main__":
    main()
