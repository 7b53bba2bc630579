#!/usr/bin/env bash
# bits-check.sh: the fingerprint of a build's numbers, to show that a refactor keeps the bits.
#
#   scripts/bits-check.sh OUT_FILE [GMI]     GMI: the launcher to use (default: this checkout's ./gmi)
#
# Trains a fixed set of short runs (same seeds, 2 threads) and writes, one line per run, the SHA-256
# of embeddings.npy and every epoch's loss as Java printed it (metrics.json, full precision). Two
# builds keep the bits when their files are identical:
#   scripts/bits-check.sh /tmp/before /path/to/old/checkout/gmi && scripts/bits-check.sh /tmp/after
#   diff /tmp/before /tmp/after
# The runs: GMI (exact, sampled, adaptive) and DGI on Cora and Citeseer, GMI and DGI on Coauthor CS
# (SHARED/npz/coauthor_cs/coauthor_cs.npz when found) on the CPU backend; on an OpenCL device
# (PoCL here) the same methods at smaller sizes, when `gmi devices` lists one. About 5 minutes on
# two cores.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out_file=$(realpath -m "${1:?usage: bits-check.sh OUT_FILE [GMI]}")
gmi=${2:-$ROOT/gmi}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
coauthor=""
for d in "${SHARED:-}" "$ROOT/../shared/data" /work/shared/data; do
    if [[ -n $d && -f $d/npz/coauthor_cs/coauthor_cs.npz ]]; then coauthor=$d/npz/coauthor_cs/coauthor_cs.npz; break; fi
done

runs=(
    "cpu-cora-gmi-exact|--method gmi --dataset cora --epochs 8"
    "cpu-cora-gmi-sampled|--method gmi --dataset cora --epochs 8 --reconstruction sampled"
    "cpu-cora-gmi-adaptive|--method gmi --dataset cora --epochs 6 --variant adaptive"
    "cpu-cora-dgi|--method dgi --dataset cora --epochs 8"
    "cpu-citeseer-gmi|--method gmi --dataset citeseer --epochs 6"
    "cpu-citeseer-dgi|--method dgi --dataset citeseer --epochs 6"
)
if [[ -n $coauthor ]]; then
    runs+=(
        "cpu-coauthor-gmi-exact|--method gmi --dataset $coauthor --epochs 2 --reconstruction exact"
        "cpu-coauthor-gmi-sampled|--method gmi --dataset $coauthor --epochs 3 --reconstruction sampled"
        "cpu-coauthor-dgi|--method dgi --dataset $coauthor --epochs 3"
    )
fi
if "$gmi" devices 2>/dev/null | grep -q '^opencl:'; then
    runs+=(
        "opencl-cora-gmi-exact|--method gmi --dataset cora --epochs 4 --hidden 64 --device opencl"
        "opencl-cora-gmi-sampled|--method gmi --dataset cora --epochs 4 --hidden 64 --device opencl --reconstruction sampled"
        "opencl-cora-dgi|--method dgi --dataset cora --epochs 4 --hidden 64 --device opencl"
        "opencl-citeseer-gmi|--method gmi --dataset citeseer --epochs 3 --hidden 32 --device opencl"
    )
    if [[ -n $coauthor ]]; then
        runs+=("opencl-coauthor-dgi|--method dgi --dataset $coauthor --epochs 2 --hidden 32 --device opencl")
    fi
fi

: >"$out_file"
for r in "${runs[@]}"; do
    name=${r%%|*}
    read -r -a flags <<<"${r#*|}"
    dir=$work/$name
    if ! "$gmi" train "${flags[@]}" --seed 0 --threads 2 --no-eval --out "$dir" >"$work/$name.log" 2>&1; then
        echo "bits-check: $name failed:" >&2
        tail -n 5 "$work/$name.log" >&2
        echo "$name FAILED" >>"$out_file"
        continue
    fi
    sha=$(sha256sum "$dir/embeddings.npy" | cut -c1-16)
    losses=$(tr -d '\n ' <"$dir/metrics.json" | sed -n 's/.*"loss":\[\([^]]*\)\].*/\1/p')
    echo "$name $sha $losses" >>"$out_file"
    echo "bits-check: $name $sha" >&2
done
