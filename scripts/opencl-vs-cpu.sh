#!/usr/bin/env bash
# The OpenCL backend's end-to-end check: trains GMI on Cora for the same epochs on the CPU backend
# and on an OpenCL device (PoCL by default), then compares the two runs' loss at every epoch
# (relative difference <= 1e-3) and their linear-probe accuracy (<= 1 point apart). Exit 0 when both
# hold, 1 otherwise; the figures go to stdout and to OUT/comparison.json.
#
#   scripts/opencl-vs-cpu.sh                       # 40 epochs, --device opencl, into runs/opencl-vs-cpu
#   EPOCHS=3 DEVICE=opencl:0:0 scripts/opencl-vs-cpu.sh
#
# It is not part of ./run-tests: on PoCL (an OpenCL CPU driver) one Cora epoch at 512 dimensions
# takes about 25 s on a busy two-core machine, so 40 take about 17 minutes. The default suite holds
# a short version of the same check (OpenClTrainingTest in the tests module).
# Environment: EPOCHS (40), DEVICE (opencl), OUT (runs/opencl-vs-cpu), DATASET (cora), EXTRA_FLAGS.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
EPOCHS=${EPOCHS:-40}
DEVICE=${DEVICE:-opencl}
OUT=${OUT:-$ROOT/runs/opencl-vs-cpu}
DATASET=${DATASET:-cora}
read -r -a extra <<<"${EXTRA_FLAGS:-}"

for dev in cpu "$DEVICE"; do
  dir=$OUT/${dev//:/-}
  echo "== $dev: $dir" >&2
  "$ROOT/gmi" train --method gmi --dataset "$DATASET" --epochs "$EPOCHS" --patience "$EPOCHS" --seed 0 \
      --device "$dev" --out "$dir" --force "${extra[@]}"
done

python3 - "$OUT/cpu/metrics.json" "$OUT/${DEVICE//:/-}/metrics.json" "$OUT/comparison.json" <<'PY'
import json, sys
cpu, dev = (json.load(open(p)) for p in sys.argv[1:3])
rel = [abs(a - b) / abs(a) for a, b in zip(cpu["loss"], dev["loss"])]
worst = max(range(len(rel)), key=rel.__getitem__)
acc_cpu, acc_dev = cpu["eval"]["mean"] * 100, dev["eval"]["mean"] * 100
result = {
    "epochs": len(rel),
    "max_relative_loss_difference": rel[worst],
    "worst_epoch": worst + 1,
    "relative_loss_difference": rel,
    "accuracy_cpu": acc_cpu,
    "accuracy_device": acc_dev,
    "device": dev["device"],
    "seconds_per_epoch_cpu": cpu["seconds_per_epoch"],
    "seconds_per_epoch_device": dev["seconds_per_epoch"],
    "device_peak_mib": dev["device_peak_mib"],
    "loss_ok": rel[worst] <= 1e-3,
    "accuracy_ok": abs(acc_cpu - acc_dev) <= 1.0,
}
json.dump(result, open(sys.argv[3], "w"), indent=2)
print(f"{result['epochs']} epochs on {result['device']}: max relative loss difference {rel[worst]:.2e} (epoch {worst + 1}); "
      f"accuracy cpu {acc_cpu:.2f}, device {acc_dev:.2f}; s/epoch cpu {cpu['seconds_per_epoch']:.3g}, "
      f"device {dev['seconds_per_epoch']:.3g}; peak device memory {dev['device_peak_mib']:.1f} MiB")
sys.exit(0 if result["loss_ok"] and result["accuracy_ok"] else 1)
PY
