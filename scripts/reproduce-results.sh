#!/usr/bin/env bash
# Reproduces the results table of docs/results.md: each line of the grid below is one training run whose
# metrics.json lands in runs/results/DATASET-METHOD-sSEED/. Runs already finished are skipped, so an
# interrupted grid can be started again. Summarise with: python3 scripts/summarise-results.py runs/results
#
#   scripts/reproduce-results.sh            # the whole grid (hours on 2 cores: coauthor_cs dominates)
#   scripts/reproduce-results.sh cora       # only the lines whose dataset matches
#   scripts/reproduce-results.sh cora gmi   # ... and whose method matches
# Environment: OUT (results folder), SHARED (../shared/data), EXTRA_FLAGS (appended to every run,
# e.g. EXTRA_FLAGS="--epochs 1000" OUT=runs/results-1000ep).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
OUT=${OUT:-$ROOT/runs/results}
SHARED=${SHARED:-$ROOT/../shared/data}
filter=${1:-}
method_filter=${2:-}
read -r -a extra <<<"${EXTRA_FLAGS:-}"

# dataset        method  seeds   extra flags
grid=(
  "cora          gmi     0 1 2   --protocol both"
  "cora          dgi     0 1 2   --protocol both"
  "citeseer      gmi     0 1 2   --protocol both"
  "citeseer      dgi     0 1 2   --protocol both"
  "coauthor_cs   gmi     0       --protocol both --eval-runs 10"
)

for line in "${grid[@]}"; do
  read -r dataset method rest <<<"$line"
  [[ -n $filter && $dataset != *$filter* ]] && continue
  [[ -n $method_filter && $method != "$method_filter" ]] && continue
  seeds=(); flags=()
  for tok in $rest; do
    if [[ ${#flags[@]} -eq 0 && $tok =~ ^[0-9]+$ ]]; then seeds+=("$tok"); else flags+=("$tok"); fi
  done
  spec=$dataset
  [[ $dataset == coauthor_cs || $dataset == amazon_photo ]] && spec=$SHARED/npz/$dataset/$dataset.npz
  for seed in "${seeds[@]}"; do
    dir=$OUT/$dataset-$method-s$seed
    if [[ -f $dir/metrics.json ]]; then
      echo "skip $dir (done)" >&2
      continue
    fi
    mkdir -p "$dir"
    echo "=== $dataset $method seed $seed ===" >&2
    "$ROOT/gmi" train --method "$method" --dataset "$spec" --seed "$seed" --out "$dir" "${flags[@]}" "${extra[@]}" \
      > "$dir/stdout.txt" 2> "$dir/stderr.txt" || { echo "FAILED: $dir (see $dir/stderr.txt)" >&2; continue; }
    tail -n 2 "$dir/stdout.txt" >&2
  done
done
