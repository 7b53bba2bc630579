#!/usr/bin/env bash
# The measurements of docs/benchmarks.md in one go, into OUT (default runs/bench-DATE): the JMH kernel
# benchmarks (FMA peak, GEMMs, reconstruction, sparse kernels) and `gmi bench` whole epochs on Cora
# and coauthor_cs, exact and sampled, 1 and 2 threads, with a log of every command line and its
# summary. About 10 minutes on 2 cores. Run it on a quiet machine: the figures are only as good as
# the machine is idle (the log records the load average before each step).
#
#   scripts/benchmarks.sh                 # everything
#   STEPS=epochs scripts/benchmarks.sh    # only `gmi bench` (or STEPS=jmh)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
OUT=${OUT:-$ROOT/runs/bench-$(date +%F)}
SHARED=${SHARED:-$ROOT/../shared/data}
STEPS=${STEPS:-jmh,epochs}
CS=$SHARED/npz/coauthor_cs/coauthor_cs.npz
mkdir -p "$OUT"
LOG=$OUT/log.txt
lscpu > "$OUT/lscpu.txt" 2>/dev/null || true

step() {
  echo "=== $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg) $*" | tee -a "$LOG"
}

if [[ $STEPS == *jmh* ]]; then
  ./mvnw -B -q -ntp -DskipTests package >&2
  jmh=(scripts/jmh.sh -f 1 -wi 3 -i 5 -w 1 -r 2)
  step "jmh FmaPeakBench -t 1"
  "${jmh[@]}" FmaPeakBench -t 1 -rf json -rff "$OUT/jmh-fma-t1.json" | tail -n 3 | tee -a "$LOG"
  step "jmh FmaPeakBench -t 2"
  "${jmh[@]}" FmaPeakBench -t 2 -rf json -rff "$OUT/jmh-fma-t2.json" | tail -n 3 | tee -a "$LOG"
  step "jmh GemmBench|ReconstructionBench -p threads=1,2"
  "${jmh[@]}" 'GemmBench|ReconstructionBench' -p threads=1,2 -rf json -rff "$OUT/jmh-dense.json" | tail -n 14 | tee -a "$LOG"
  step "jmh SparseBench -p threads=1,2"
  "${jmh[@]}" SparseBench -p threads=1,2 -rf json -rff "$OUT/jmh-sparse.json" | tail -n 10 | tee -a "$LOG"
fi

bench() {
  local name=$1
  shift
  step "$name: gmi bench $*"
  GMI_SKIP_BUILD=1 ./gmi bench "$@" --force --out "$OUT/$name" 2> "$OUT/$name.err" | tee -a "$LOG"
}

if [[ $STEPS == *epochs* ]]; then
  ./gmi --version >/dev/null
  for t in 2 1; do
    bench "cora-gmi-exact-t$t" --method gmi --dataset cora --epochs 20 --threads "$t" --reconstruction exact
    bench "cora-gmi-sampled-t$t" --method gmi --dataset cora --epochs 20 --threads "$t" --reconstruction sampled
    bench "cora-dgi-t$t" --method dgi --dataset cora --epochs 20 --threads "$t"
  done
  GMI_XMX=2g bench cs-gmi-exact-t2 --method gmi --dataset "$CS" --epochs 5 --warmup 2 --threads 2 --reconstruction exact
  GMI_XMX=1200m bench cs-gmi-exact-t2-xmx1200m --method gmi --dataset "$CS" --epochs 5 --warmup 2 --threads 2 --reconstruction exact
  GMI_XMX=2g bench cs-gmi-sampled-t2 --method gmi --dataset "$CS" --epochs 8 --warmup 3 --threads 2 --reconstruction sampled
  GMI_XMX=2g bench cs-gmi-sampled-t1 --method gmi --dataset "$CS" --epochs 6 --warmup 2 --threads 1 --reconstruction sampled
  GMI_XMX=2g bench cs-gmi-exact-t1 --method gmi --dataset "$CS" --epochs 3 --warmup 1 --threads 1 --reconstruction exact
fi
step "done: $OUT"
