#!/usr/bin/env bash
# The honest probe against an independent scikit-learn check, on the same embeddings and split.
#
#   scripts/probe-check.sh RUN_DIR [DATASET]
#
# RUN_DIR is a `gmi train` output folder (embeddings.npy, metrics.json and, from builds with issue 13,
# split.json). DATASET defaults to the metrics.json's dataset_source. Without a split.json the split
# comes from `gmi datasets export DATASET` (the same seeded split gmi train used with default flags).
# Runs `gmi eval` (val protocol) and scripts/probe-check.py (needs python3 with numpy and scikit-learn:
# Debian's python3-sklearn), and prints both test accuracies and the difference in points.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
GMI=${GMI:-$ROOT/gmi}   # the launcher (GMI=... to use another build)
run=$1
dataset=${2:-$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dataset_source"])' "$run/metrics.json")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
split=$run/split.json
if [[ ! -f $split ]]; then
    "$GMI" datasets export "$dataset" --out "$tmp/export" >/dev/null
    split=$tmp/export/split.json
fi
"$GMI" eval --embeddings "$run/embeddings.npy" --dataset "$dataset" --out "$tmp/eval.json" >"$tmp/eval.txt" 2>"$tmp/eval.err"
PYTHON=${PYTHON:-/usr/bin/python3}
"$PYTHON" "$ROOT/scripts/probe-check.py" "$run/embeddings.npy" "$split" >"$tmp/sklearn.json"
"$PYTHON" - "$tmp/eval.json" "$tmp/sklearn.json" "$run" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["eval"]
s = json.loads(open(sys.argv[2]).readline())
gm, sm = 100 * g["mean"], 100 * s["test_accuracy"]
print(f"{sys.argv[3]}: gmi {gm:.2f} % (C {g['c_chosen'][0]:g}), scikit-learn {sm:.2f} % (C {s['c']:g}), "
      f"difference {gm - sm:+.2f} points; validation accuracy per C: gmi {[round(v, 4) for v in g['splits'][0]['val_accuracy']]}, "
      f"scikit-learn {[round(v, 4) for v in s['val_accuracy']]}")
PY
