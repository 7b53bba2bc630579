#!/usr/bin/env python3
"""Summarises runs/results/*/metrics.json into the results table of docs/results.md (markdown on stdout).

Each row: dataset, method, number of training seeds, mean and sample std over seeds of the probe's
mean test accuracy under the val and paper protocols, median s/epoch, epochs run, peak RSS.
"""
import json, pathlib, statistics, sys
from collections import defaultdict

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/results")
groups = defaultdict(list)
for f in sorted(root.glob("*/metrics.json")):
    m = json.loads(f.read_text())
    groups[(m["dataset"], m["method"], m.get("layers"), m.get("hidden"))].append(m)

def pm(xs):
    if not xs:
        return "-"
    mean = 100 * statistics.mean(xs)
    sd = 100 * statistics.stdev(xs) if len(xs) > 1 else 0.0
    return f"{mean:.1f} ± {sd:.1f}"

print("| dataset | method | layers | hidden | seeds | val protocol (%) | paper protocol (%) | s/epoch (median) | epochs run | peak RSS (MiB) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (ds, method, layers, hidden), ms in sorted(groups.items()):
    val = [m["eval"]["mean"] for m in ms if m.get("eval", {}).get("protocol") == "val"]
    paper = [m["eval_paper"]["mean"] for m in ms if "eval_paper" in m]
    paper += [m["eval"]["mean"] for m in ms if m.get("eval", {}).get("protocol") == "paper"]
    spe = statistics.median(m["seconds_per_epoch"] for m in ms)
    epochs = "/".join(str(m["epochs_run"]) for m in ms)
    rss = max(m["peak_rss_mib"] for m in ms)
    leaky = " (leaky)" if method == "gmi" else ""
    print(f"| {ds} | {method} | {layers} | {hidden} | {len(ms)} | {pm(val)} | {pm(paper)}{leaky} | {spe:.3f} | {epochs} | {rss:.0f} |")
