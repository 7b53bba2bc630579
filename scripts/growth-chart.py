#!/usr/bin/env python3
"""growth-chart.py CSV SVG: seconds per epoch and peak RSS against N, log-log, from scripts/growth.sh's CSV.

Plain SVG, no plotting library: one panel per measure, one line per mode; runs without a figure
(refused or not run) are left out of the lines.
"""
import csv, math, sys

rows = list(csv.DictReader(open(sys.argv[1])))
modes = [("exact", "full batch, exact reconstruction", "#d62728"),
         ("sampled", "full batch, sampled reconstruction", "#1f77b4"),
         ("minibatch", "minibatch, B = 512, fan-out 25", "#2ca02c")]
panels = [("seconds_per_epoch", "seconds per epoch"), ("peak_rss_mib", "peak RSS (MiB)")]
W, H, M = 420, 300, 60
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W + 20}" height="{H + 90}" font-family="sans-serif" font-size="12">',
       '<rect width="100%" height="100%" fill="white"/>']
for p, (key, title) in enumerate(panels):
    ox = 10 + p * (W + 10)
    pts = [(float(r["n"]), float(r[key])) for r in rows if r[key]]
    xs = [math.log10(x) for x, _ in pts]
    ys = [math.log10(y) for _, y in pts]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    sx = lambda v: ox + M + (math.log10(v) - x0) / (x1 - x0) * (W - M - 20)
    sy = lambda v: H - 30 - (math.log10(v) - y0) / (y1 - y0) * (H - 60)
    out.append(f'<text x="{ox + W / 2}" y="20" text-anchor="middle" font-weight="bold">{title} against N (log-log)</text>')
    out.append(f'<line x1="{ox + M}" y1="{H - 30}" x2="{ox + W - 20}" y2="{H - 30}" stroke="black"/>')
    out.append(f'<line x1="{ox + M}" y1="{H - 30}" x2="{ox + M}" y2="30" stroke="black"/>')
    for e in range(x0, x1 + 1):
        x = sx(10 ** e)
        out.append(f'<line x1="{x}" y1="{H - 30}" x2="{x}" y2="{H - 25}" stroke="black"/>')
        out.append(f'<text x="{x}" y="{H - 12}" text-anchor="middle">10^{e}</text>')
    for e in range(y0, y1 + 1):
        y = sy(10 ** e)
        out.append(f'<line x1="{ox + M - 5}" y1="{y}" x2="{ox + W - 20}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{ox + M - 8}" y="{y + 4}" text-anchor="end">{10 ** e:g}</text>')
    for mode, label, colour in modes:
        line = sorted((float(r["n"]), float(r[key])) for r in rows if r["mode"] == mode and r[key])
        if not line:
            continue
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in line)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in line:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{colour}"/>')
for k, (mode, label, colour) in enumerate(modes):
    x = 20 + k * 280
    out.append(f'<rect x="{x}" y="{H + 20}" width="14" height="4" fill="{colour}"/>')
    out.append(f'<text x="{x + 20}" y="{H + 26}">{label}</text>')
out.append(f'<text x="20" y="{H + 60}">gmi bench, GMI, 1 layer, 512 hidden, 2 threads; graphs from gmi generate (degree 20, 128 features)</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
