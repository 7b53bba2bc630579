#!/usr/bin/env bash
# gpu-check.sh: the prepared GPU check, for a machine that has an NVIDIA driver and nothing else of
# ours (no Java, no network, no OpenCL ICD loader, no ICD file): everything in one call.
#
#   scripts/gpu-check.sh bundle [DIR]   here (JDK, Maven, apt): build DIR (default target/gpu-check),
#                                       at most 64 MiB, with everything the check needs
#   DIR/gpu-check.sh run                on the GPU machine: probe, correctness, speed, the official
#                                       code; results under $OUT (summary.md, results.tgz, run.log)
#   scripts/gpu-check.sh selftest [DIR] here: the same `run`, its ICD file pointed at PoCL instead of
#                                       NVIDIA, on small sizes (rehearses every path of the script)
#
# `run`, in order (each step bounded by a timeout; a failed step is reported and the next runs):
#   1. probe: nvidia-smi, the driver's folders, libnvidia-opencl.so.1, ICD files, nvcc, PyTorch
#   2. correctness: GMI on Cora, 40 epochs, on the device and on the CPU backend: the relative loss
#      difference at every epoch (<= 1e-3 asked) and the probe accuracies (<= 1 point apart)
#   3. speed (gmi bench, median s/epoch, device memory): GMI exact and DGI on Cora and Coauthor CS at
#      512 dimensions, on the device with the tuned kernels, on the CPU backend (all cores), on the
#      device with the simple kernels (-Dgmi.opencl.kernels=simple); per-op profiles on the device
#   4. the official GMI code (zpeng27/GMI, in DIR/official when the bundle found it) on the same GPU:
#      scripts/official-gmi-timing.py on Cora and Coauthor CS
#   nvidia-smi samples the GPU's memory and load every 100 ms throughout (smi.csv, phases.txt).
#
# The bundle (DIR):
#   runtime/     a jlink-ed Java (java.base, jdk.incubator.vector, java.logging, jdk.unsupported,
#                java.management, jdk.management: what the CLI and JOCL use), libjvm.so stripped
#   app/         gmi-cli.jar and its lib/*.jar (JOCL carries its native library)
#   opencl/      libOpenCL.so.1, the ICD loader unpacked from Debian's ocl-icd-libopencl1 .deb (and
#                its copyright file)
#   data/        coauthor_cs.npz (Cora is inside the jar)
#   official/    the official GMI code's models/, layers/, utils/ and data/ind.cora.* (from the git
#                directory or checkout OFFICIAL_GMI names; left out, with a note, when there is none)
#   official-gmi-timing.py, gpu-check.sh
# At run time an ICD file naming the driver's libnvidia-opencl.so.1 (searched for under the
# driver's usual folders, or ICD_LIBRARY) is written to a temporary folder that OCL_ICD_VENDORS
# points at, and LD_LIBRARY_PATH puts the bundled loader first.
#
# With this project's device tool: build the bundle here, then
#   run(command="target/gpu-check/gpu-check.sh run", carry=["target/gpu-check"], timeout_s=560)
#
# Environment of `run`: OUT (a temporary folder), DEVICE (gpu), ICD_LIBRARY (found when unset),
# GMI_XMX (java heap, 24g), THREADS (the CPU runs' threads, all cores), BUDGET_S (400: no step starts
# after that many seconds, and none runs more than 30 s past it, so that the summary is always
# written), QUICK=1 (the selftest's small sizes: 32 dimensions, few epochs). Environment of `bundle`: SHARED (the data folder, ../shared/data
# beside the checkout or /work/shared/data), OFFICIAL_GMI (the official code: a checkout or a git
# directory; default /work/.mirror/zpeng27+GMI/repo/.git).
set -euo pipefail

LIMIT_BYTES=$((64 * 1024 * 1024))
self=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$self")

die() {
    printf 'gpu-check: %s\n' "$*" >&2
    exit 1
}

# ---- bundle ---------------------------------------------------------------------------------
bundle() {
    local root dir shared npz tmp deb
    root=$(cd "$here/.." && pwd -P)
    [[ -f $root/pom.xml && -d $root/opencl ]] || die "bundle runs from a checkout of gmi-java (scripts/gpu-check.sh)"
    dir=$(realpath -m "${1:-$root/target/gpu-check}")
    # shellcheck source=find-jdk.sh
    source "$root/scripts/find-jdk.sh"
    for d in "${SHARED:-}" "$root/../shared/data" "$root/../../shared/data" /work/shared/data; do
        if [[ -n $d && -f $d/npz/coauthor_cs/coauthor_cs.npz ]]; then shared=$d; break; fi
    done
    [[ -n ${shared:-} ]] || die "coauthor_cs.npz not found (set SHARED to the folder holding npz/coauthor_cs/coauthor_cs.npz)"
    npz=$shared/npz/coauthor_cs/coauthor_cs.npz

    echo "gpu-check: building the CLI jars (JDK $GMI_JAVA_VERSION)" >&2
    (cd "$root" && ./mvnw -B -q -ntp -DskipTests install -pl cli -am) || die "the build failed"
    rm -rf "$dir"
    mkdir -p "$dir/app" "$dir/opencl" "$dir/data"

    echo "gpu-check: jlink runtime" >&2
    "$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported,java.management,jdk.management \
        --compress zip-9 --strip-debug --no-header-files --no-man-pages \
        --add-options="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED" \
        --output "$dir/runtime" 2>&1 | { grep -v 'Using incubator modules' || true; } >&2
    if command -v strip >/dev/null 2>&1; then
        strip --strip-unneeded "$dir/runtime/lib/server/libjvm.so"
    fi

    cp "$root/cli/target/gmi-cli.jar" "$dir/app/"
    cp -r "$root/cli/target/lib" "$dir/app/lib"
    cp "$npz" "$dir/data/"
    cp "$self" "$dir/gpu-check.sh"
    cp "$root/scripts/official-gmi-timing.py" "$dir/"

    local official=${OFFICIAL_GMI:-/work/.mirror/zpeng27+GMI/repo/.git}
    if [[ -d $official/.git || -f $official/HEAD ]]; then
        echo "gpu-check: the official GMI code from $official" >&2
        mkdir -p "$dir/official"
        local gitdir=$official
        [[ -d $official/.git ]] && gitdir=$official/.git
        git --git-dir="$gitdir" archive HEAD models layers utils | tar -x -C "$dir/official"
        # its data/ind.cora.* are the Planetoid files, the same bytes as the shared copies
        mkdir -p "$dir/official/data"
        cp "$shared"/planetoid/ind.cora.* "$dir/official/data/"
        git --git-dir="$gitdir" rev-parse HEAD >"$dir/official/COMMIT"
    else
        echo "gpu-check: no official GMI code at $official (set OFFICIAL_GMI): the bundle leaves it out" >&2
    fi

    echo "gpu-check: the OpenCL ICD loader from Debian's ocl-icd-libopencl1" >&2
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    if ! (cd "$tmp" && apt-get download ocl-icd-libopencl1 >/dev/null 2>&1); then
        deb=$(ls /var/cache/apt/archives/ocl-icd-libopencl1_*_amd64.deb 2>/dev/null | head -n 1 || true)
        [[ -n $deb ]] || die "cannot download ocl-icd-libopencl1 (apt-get download) and no copy in /var/cache/apt/archives"
        cp "$deb" "$tmp/"
    fi
    deb=$(ls "$tmp"/ocl-icd-libopencl1_*.deb | head -n 1)
    dpkg-deb -x "$deb" "$tmp/x"
    cp -L "$tmp"/x/usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$dir/opencl/libOpenCL.so.1"
    cp "$tmp"/x/usr/share/doc/ocl-icd-libopencl1/copyright "$dir/opencl/copyright" 2>/dev/null || true
    basename "$deb" >"$dir/opencl/SOURCE"

    local bytes
    bytes=$(du -sb "$dir" | cut -f1)
    awk -v d="$dir" -v b="$bytes" 'BEGIN { printf "gpu-check: bundle %s: %.1f MiB (limit 64 MiB)\n", d, b / 1048576 }' >&2
    du -sh "$dir"/* >&2
    ((bytes < LIMIT_BYTES)) || die "the bundle is $bytes bytes, over the 64 MiB limit"
}

# ---- run --------------------------------------------------------------------------------------

# The OpenCL driver library: ICD_LIBRARY, else NVIDIA's libnvidia-opencl.so.1 under the driver's folders.
find_icd_library() {
    if [[ -n ${ICD_LIBRARY:-} ]]; then
        [[ -f $ICD_LIBRARY ]] || die "ICD_LIBRARY=$ICD_LIBRARY does not exist"
        printf '%s\n' "$ICD_LIBRARY"
        return
    fi
    local d f
    for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /lib/x86_64-linux-gnu /lib64 \
             /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu/nvidia/current \
             /usr/lib/nvidia /usr/lib64/nvidia /usr/local/cuda/lib64 /usr/local/cuda/compat /opt/nvidia; do
        for f in "$d"/libnvidia-opencl.so.1 "$d"/libnvidia-opencl.so.*; do
            [[ -f $f ]] && { printf '%s\n' "$f"; return; }
        done
    done
    if command -v ldconfig >/dev/null 2>&1; then
        f=$(ldconfig -p 2>/dev/null | sed -n 's/.*libnvidia-opencl\.so\.1 .*=> //p' | head -n 1)
        [[ -n $f && -f $f ]] && { printf '%s\n' "$f"; return; }
    fi
    f=$(find /usr /lib /lib64 /opt -name 'libnvidia-opencl.so*' -type f 2>/dev/null | head -n 1 || true)
    [[ -n $f ]] && { printf '%s\n' "$f"; return; }
    die "libnvidia-opencl.so.1 not found under the driver's folders (is the NVIDIA driver installed? set ICD_LIBRARY to it)"
}

# Runs "$@" with a timeout, its stderr and stdout into $work/$1.log; records the exit status.
step() {
    local name=$1 limit=$2
    shift 2
    local t0 rc=0
    if (($(date +%s) - started > budget)); then
        echo "gpu-check: [$name] skipped: the check's budget of $budget s is spent" >&2
        echo "$name skipped" >>"$work/status.txt"
        return 0
    fi
    ((limit > budget - ($(date +%s) - started) + 30)) && limit=$((budget - ($(date +%s) - started) + 30))
    t0=$(date +%s.%N)
    echo "$(date +%s.%N) begin $name" >>"$work/phases.txt"
    echo "gpu-check: [$name] $*" >&2
    timeout --kill-after=5 "$limit" "$@" >"$work/$name.log" 2>&1 || rc=$?
    echo "$(date +%s.%N) end $name" >>"$work/phases.txt"
    awk -v n="$name" -v rc="$rc" -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "gpu-check: [%s] exit %d in %.1f s\n", n, rc, t1 - t0 }' >&2
    if ((rc != 0)); then
        grep -v 'Using incubator modules' "$work/$name.log" | tail -n 5 | sed 's/^/    /' >&2
    fi
    echo "$name $rc" >>"$work/status.txt"
    return 0
}

probe() {
    echo "== uname"; uname -a
    echo "== nvidia-smi"; nvidia-smi || echo "(nvidia-smi failed)"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv || true
    echo "== driver folders"
    ls -la /usr/local/nvidia /usr/local/nvidia/lib64 2>/dev/null | head -n 80 || true
    echo "== libnvidia-opencl"
    find / -xdev -name 'libnvidia-opencl*' 2>/dev/null | head || true
    find /usr/local/nvidia -name 'libnvidia-opencl*' 2>/dev/null | head || true
    ldconfig -p 2>/dev/null | grep -i -E 'opencl|libcuda' || true
    echo "== ICD files"; ls -la /etc/OpenCL/vendors 2>/dev/null && cat /etc/OpenCL/vendors/* 2>/dev/null || echo "(no /etc/OpenCL/vendors)"
    echo "== CUDA"; command -v nvcc && nvcc --version || echo "(no nvcc)"
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))' 2>&1 || true
    echo "== CPU"; nproc; grep -m1 'model name' /proc/cpuinfo || true; free -g || true
}

run_check() {
    local dir java icd out device xmx threads quick
    dir=$here
    java=$dir/runtime/bin/java
    [[ -x $java && -f $dir/app/gmi-cli.jar && -f $dir/opencl/libOpenCL.so.1 ]] \
        || die "$dir is not a gpu-check bundle (make one with scripts/gpu-check.sh bundle)"
    device=${DEVICE:-gpu}
    xmx=${GMI_XMX:-24g}
    threads=${THREADS:-$(nproc)}
    quick=${QUICK:-0}
    started=$(date +%s)
    budget=${BUDGET_S:-400}
    out=${OUT:-$(mktemp -d)}
    mkdir -p "$out"
    work=$(mktemp -d)
    : >"$work/status.txt"
    exec > >(tee "$out/run.log") 2>&1

    timeout 60 bash -c "$(declare -f probe); probe" >"$work/probe.log" 2>&1 || true
    cat "$work/probe.log"

    local icd_ok=1
    if icd=$(find_icd_library 2>"$work/icd.err"); then
        mkdir -p "$work/vendors"
        printf '%s\n' "$icd" >"$work/vendors/gmi.icd"
        export OCL_ICD_VENDORS=$work/vendors
        export LD_LIBRARY_PATH=$dir/opencl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        echo "gpu-check: ICD file -> $icd; loader $dir/opencl/libOpenCL.so.1" >&2
    else
        icd_ok=0
        cat "$work/icd.err" >&2
    fi

    # the CLI as commands (step runs them under timeout): gmi, and gmi_simple with the simple kernels
    mkdir -p "$work/bin"
    printf '#!/bin/sh\nexec "%s" -Xmx%s -XX:+UseParallelGC -XX:MaxNewSize=128m $GMI_KERNELS -cp "%s" org.gmi.cli.Main "$@"\n' \
        "$java" "$xmx" "$dir/app/gmi-cli.jar" >"$work/bin/gmi"
    printf '#!/bin/sh\nGMI_KERNELS=-Dgmi.opencl.kernels=simple exec "%s" "$@"\n' "$work/bin/gmi" >"$work/bin/gmi_simple"
    chmod +x "$work/bin/gmi" "$work/bin/gmi_simple"
    export PATH=$work/bin:$PATH
    step devices 60 gmi devices
    cat "$work/devices.log"

    local smi_pid=""
    if command -v nvidia-smi >/dev/null 2>&1; then
        nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu,clocks.sm --format=csv,noheader,nounits -lms 100 \
            >"$work/smi.csv" 2>/dev/null &
        smi_pid=$!
    fi

    local coauthor=$dir/data/coauthor_cs.npz hidden=512 c_epochs=40 b_cora=23 b_large=10 b_cpu_large=8 warm=3 runs=10
    if ((quick)); then
        coauthor=citeseer; hidden=32; c_epochs=4; b_cora=5; b_large=4; b_cpu_large=4; warm=2; runs=2
    fi

    # 2. correctness
    for dev in "$device" cpu; do
        step "correct-${dev//:/-}" 300 gmi train --method gmi --dataset cora --epochs "$c_epochs" --patience "$c_epochs" --seed 0 \
            --hidden "$hidden" --eval-runs "$runs" --device "$dev" --threads "$threads" --out "$work/correct-${dev//:/-}" --force
    done
    step compare 30 python3 - "$work/correct-cpu/metrics.json" "$work/correct-${device//:/-}/metrics.json" "$work/comparison.json" <<'PY'
import json, sys
cpu, dev = (json.load(open(p)) for p in sys.argv[1:3])
rel = [abs(a - b) / abs(a) for a, b in zip(cpu["loss"], dev["loss"])]
worst = max(range(len(rel)), key=rel.__getitem__)
acc_cpu, acc_dev = cpu["eval"]["mean"] * 100, dev["eval"]["mean"] * 100
r = {"epochs": len(rel), "max_relative_loss_difference": rel[worst], "worst_epoch": worst + 1,
     "relative_loss_difference": rel, "loss_cpu": cpu["loss"], "loss_device": dev["loss"],
     "accuracy_cpu": acc_cpu, "accuracy_device": acc_dev, "device": dev["device"],
     "loss_ok": rel[worst] <= 1e-3, "accuracy_ok": abs(acc_cpu - acc_dev) <= 1.0}
json.dump(r, open(sys.argv[3], "w"), indent=2)
print(f"{r['epochs']} epochs on {r['device']}: max relative loss difference {rel[worst]:.2e} (epoch {worst + 1}); "
      f"accuracy cpu {acc_cpu:.2f}, device {acc_dev:.2f}; loss_ok {r['loss_ok']}, accuracy_ok {r['accuracy_ok']}")
PY
    cat "$work/compare.log"

    # 3. speed: device (tuned), official code, CPU, device (simple), profiles
    local b=(bench --seed 0 --hidden "$hidden" --warmup "$warm" --force)
    local runs_list=(
        "gmi cora $b_cora $b_cpu_large"
        "dgi cora $b_cora $b_cpu_large"
        "gmi $coauthor $b_large $b_cpu_large"
        "dgi $coauthor $b_large $b_cpu_large"
    )
    local r method data ep ep_cpu tag
    for r in "${runs_list[@]}"; do
        read -r method data ep ep_cpu <<<"$r"
        tag=$method-$(basename "${data%.npz}")
        step "bench-$tag-device" 180 gmi "${b[@]}" --method "$method" --dataset "$data" --epochs "$ep" --reconstruction exact \
            --device "$device" --out "$work/bench-$tag-device"
    done
    if [[ -d $dir/official ]] && command -v python3 >/dev/null 2>&1; then
        local o_cora=20 o_large=8
        ((quick)) && { o_cora=3; o_large=3; }
        step official-cora 240 python3 "$dir/official-gmi-timing.py" "$dir/official" cora "$o_cora" "$work/official-cora.json"
        if ((!quick)); then
            step official-coauthor_cs 300 python3 "$dir/official-gmi-timing.py" "$dir/official" "$dir/data/coauthor_cs.npz" \
                "$o_large" "$work/official-coauthor_cs.json"
        fi
    fi
    for r in "${runs_list[@]}"; do
        read -r method data ep ep_cpu <<<"$r"
        tag=$method-$(basename "${data%.npz}")
        [[ $data == cora ]] && ep_cpu=$ep
        step "bench-$tag-cpu" 240 gmi "${b[@]}" --method "$method" --dataset "$data" --epochs "$ep_cpu" --reconstruction exact \
            --device cpu --threads "$threads" --out "$work/bench-$tag-cpu"
    done
    for r in "${runs_list[@]}"; do
        read -r method data ep ep_cpu <<<"$r"
        tag=$method-$(basename "${data%.npz}")
        step "bench-$tag-simple" 180 gmi_simple "${b[@]}" --method "$method" --dataset "$data" --epochs "$ep_cpu" \
            --reconstruction exact --device "$device" --out "$work/bench-$tag-simple"
    done
    for data in cora "$coauthor"; do
        tag=gmi-$(basename "${data%.npz}")
        step "profile-$tag" 180 gmi "${b[@]}" --method gmi --dataset "$data" --epochs "$b_large" --reconstruction exact \
            --device "$device" --profile-ops --out "$work/profile-$tag"
    done

    if [[ -n $smi_pid ]]; then
        kill "$smi_pid" 2>/dev/null || true
        wait "$smi_pid" 2>/dev/null || true
    fi

    # 4. the summary
    python3 - "$work" >"$out/summary.md" <<'PY' || echo "gpu-check: the summary failed" >&2
import glob, json, os, sys
work = sys.argv[1]
def load(p):
    try:
        return json.load(open(p))
    except Exception:
        return None
print("# gpu-check summary\n")
probe = open(os.path.join(work, "probe.log")).read().splitlines()
for line in probe:
    if line.startswith(("name,", "NVIDIA", "torch", "Cuda compilation", "Build cuda")) or "Driver Version" in line:
        print("    " + line.strip())
print()
print("## Status\n")
for line in open(os.path.join(work, "status.txt")):
    print("- " + line.strip())
c = load(os.path.join(work, "comparison.json"))
print("\n## Correctness (GMI, Cora)\n")
if c:
    print(f"{c['epochs']} epochs on {c['device']}: max relative loss difference {c['max_relative_loss_difference']:.3e} "
          f"(epoch {c['worst_epoch']}); accuracy cpu {c['accuracy_cpu']:.2f} %, device {c['accuracy_device']:.2f} %; "
          f"loss_ok {c['loss_ok']}, accuracy_ok {c['accuracy_ok']}")
else:
    print("no comparison (see the correct-* logs)")
print("\n## Speed (median s/epoch; device memory: the buffers the backend allocated)\n")
print("| run | device (tuned) | device MiB | CPU | CPU threads | device (simple) | official | official MiB | CPU / tuned | official / tuned |")
print("|---|---|---|---|---|---|---|---|---|---|")
for f in sorted(glob.glob(os.path.join(work, "bench-*-device", "bench.json"))):
    tag = os.path.basename(os.path.dirname(f))[len("bench-"):-len("-device")]
    d = load(f)
    cpu = load(os.path.join(work, f"bench-{tag}-cpu", "bench.json"))
    simple = load(os.path.join(work, f"bench-{tag}-simple", "bench.json"))
    method, data = tag.split("-", 1)
    off = load(os.path.join(work, f"official-{data}.json")) if method == "gmi" else None
    sd = d["seconds_per_epoch"]
    fmt = lambda x: f"{x:.4g}" if isinstance(x, (int, float)) else "n/a"
    print(f"| {tag} | {fmt(sd)} | {fmt(d.get('device_peak_mib'))} | {fmt(cpu and cpu['seconds_per_epoch'])} | "
          f"{cpu and cpu['threads']} | {fmt(simple and simple['seconds_per_epoch'])} | {fmt(off and off['seconds_per_epoch'])} | "
          f"{fmt(off and off['device_peak_allocated_mib'])} | {fmt(cpu and cpu['seconds_per_epoch'] / sd)} | "
          f"{fmt(off and off['seconds_per_epoch'] / sd)} |")
for f in sorted(glob.glob(os.path.join(work, "profile-*", "bench.json"))):
    p = load(f)
    ops = p.get("ops") if p else None
    if not ops:
        continue
    print(f"\n## Profile {os.path.basename(os.path.dirname(f))} (s/epoch {p['seconds_per_epoch']:.4g})\n")
    print("| op | forward ms | backward ms |")
    print("|---|---|---|")
    for o in ops:
        print(f"| {o.get('op')} | {1000 * o.get('forward_seconds', 0):.3f} | {1000 * o.get('backward_seconds', 0):.3f} |")
smi = os.path.join(work, "smi.csv")
if os.path.exists(smi):
    peak = 0
    for line in open(smi):
        parts = [x.strip() for x in line.split(",")]
        if len(parts) >= 2 and parts[1].isdigit():
            peak = max(peak, int(parts[1]))
    print(f"\nnvidia-smi: peak GPU memory used over the whole check {peak} MiB (all processes, driver context included)")
PY
    cat "$out/summary.md"
    tar -czf "$out/results.tgz" -C "$work" . 2>/dev/null || echo "gpu-check: tar failed" >&2
    echo "gpu-check: outputs in $out (summary.md, results.tgz, run.log)"
    ((icd_ok))
}

# ---- selftest -----------------------------------------------------------------------------------
selftest() {
    local root dir pocl
    root=$(cd "$here/.." && pwd -P)
    dir=$(realpath -m "${1:-$root/target/gpu-check}")
    [[ -x $dir/gpu-check.sh ]] || die "no bundle in $dir (scripts/gpu-check.sh bundle first)"
    pocl=$(sed -n '1p' /etc/OpenCL/vendors/pocl.icd 2>/dev/null || true)
    if [[ -n $pocl && $pocl != /* ]]; then
        local d
        for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
            [[ -f $d/$pocl ]] && { pocl=$d/$pocl; break; }
        done
    fi
    [[ -n $pocl && -f $pocl ]] || die "PoCL not found (apt-get install pocl-opencl-icd)"
    echo "gpu-check selftest: the bundle's java and libOpenCL.so.1, its ICD file pointed at PoCL ($pocl)" >&2
    # a clean environment: no system Java on the PATH, no JAVA_HOME
    env -i PATH=/usr/bin:/bin HOME="${HOME:-/root}" ICD_LIBRARY="$pocl" DEVICE=opencl QUICK=1 \
        BUDGET_S="${BUDGET_S:-400}" GMI_XMX=2g THREADS=2 OUT="${OUT:-$(mktemp -d)}" "$dir/gpu-check.sh" run
}

case "${1:-}" in
    bundle) shift; bundle "$@" ;;
    run) shift; run_check "$@" ;;
    selftest) shift; selftest "$@" ;;
    *) sed -n '2,45p' "$self" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
