#!/usr/bin/env bash
# growth.sh: cost of a GMI epoch against the graph's size, full batch (exact and sampled reconstruction)
# and minibatch, on graphs from gmi generate (average degree 20, 128 features, 5 classes, seed 1).
#
#   scripts/growth.sh [OUT]      OUT: a folder for the graphs and the bench.json files (default runs/growth)
#
# For N in 10^4, 10^5, 10^6 it runs gmi bench (512 hidden, 2 threads, 1 layer) in each mode and
# writes OUT/growth.csv (n, mode, seconds_per_epoch, nodes_per_second, peak_rss_mib, note); a run the
# memory guard refuses is recorded with its estimate in the note. scripts/growth-chart.py draws the
# CSV. The minibatch run at 10^6 nodes caps the heap at 5 GiB (GMI_XMX=5g), the others use the
# launcher's default (16 GiB), so their peak RSS includes garbage the collector had no need to free.
# About 25 minutes on 2 cores, most of it the exact reconstruction at 10^5 nodes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$(realpath -m "${1:-$ROOT/runs/growth}")
mkdir -p "$out"
gmi=$ROOT/gmi
csv=$out/growth.csv
echo "n,mode,seconds_per_epoch,nodes_per_second,peak_rss_mib,note" > "$csv"
for n in 10000 100000 1000000; do
    graph=$out/g$n/graph.npz
    [[ -f $graph ]] || "$gmi" generate --nodes $n --avg-degree 20 --features 128 --classes 5 --seed 1 --out "$out/g$n"
    if (( n <= 10000 )); then epochs=6; warmup=2; elif (( n <= 100000 )); then epochs=4; warmup=1; else epochs=3; warmup=1; fi
    for mode in minibatch sampled exact; do
        case $mode in
            minibatch) flags=(--batch-size 512); heap=${GMI_XMX:-16g}; if (( n >= 1000000 )); then heap=5g; fi ;;
            sampled) flags=(--reconstruction sampled); heap=${GMI_XMX:-16g} ;;
            exact) flags=(--reconstruction exact); heap=${GMI_XMX:-16g}
                   if (( n > 100000 )); then echo "$n,$mode,,,,not run: 3 N^2 d = $((3 * n / 1000000 * n / 1000000 * 512)) T FLOP per epoch" >> "$csv"; continue; fi
                   if (( n > 10000 )); then epochs=2; warmup=1; fi ;;
        esac
        dir=$out/g$n-$mode
        if GMI_XMX=$heap "$gmi" bench --method gmi --dataset "$graph" "${flags[@]}" --epochs $epochs --warmup $warmup \
                --threads 2 --force --out "$dir" > "$dir.log" 2>&1; then
            python3 - "$dir/bench.json" "$n" "$mode" >> "$csv" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]},{sys.argv[3]},{b['seconds_per_epoch']:.4g},{b['nodes_per_second']:.4g},{b['peak_rss_mib']:.0f},")
PY
        else
            echo "$n,$mode,,,,\"$(grep -o 'needs about [0-9.]* GiB' "$dir.log" | head -1 || echo failed)\"" >> "$csv"
        fi
        echo "growth: $(tail -1 "$csv")"
    done
done
echo "wrote $csv"
