#!/usr/bin/env bash
# gpu-check.sh: the prepared GPU check of the OpenCL backend, for a machine that has an NVIDIA
# driver and nothing else (no Java, no network, no OpenCL ICD loader, no ICD file).
#
#   scripts/gpu-check.sh bundle [DIR]   here (JDK, Maven, apt): build DIR (default target/gpu-check),
#                                       at most 64 MiB, with everything the check needs
#   DIR/gpu-check.sh run                on the GPU machine: GMI on coauthor_cs, 512 dimensions, exact
#                                       reconstruction, on the GPU and on the CPU backend; prints
#                                       s/epoch, peak device memory and accuracy for both
#   scripts/gpu-check.sh selftest [DIR] here: the bundle's java and ICD loader, its ICD file pointed
#                                       at PoCL instead of NVIDIA, a short Cora run on each backend
#
# The bundle (DIR):
#   runtime/     a jlink-ed Java (java.base, jdk.incubator.vector, java.logging, jdk.unsupported,
#                java.management, jdk.management: what the CLI and JOCL use), libjvm.so stripped
#   app/         gmi-cli.jar and its lib/*.jar (JOCL carries its native library)
#   opencl/      libOpenCL.so.1, the ICD loader unpacked from Debian's ocl-icd-libopencl1 .deb (and
#                its copyright file)
#   data/        coauthor_cs.npz
#   gpu-check.sh this script
# At run time an ICD file naming the driver's libnvidia-opencl.so.1 (searched for under the
# driver's usual folders, or ICD_LIBRARY) is written to a temporary folder that OCL_ICD_VENDORS
# points at, and LD_LIBRARY_PATH puts the bundled loader first.
#
# With this project's device tool: build the bundle here, then run, carrying target/gpu-check:
#   run(command="target/gpu-check/gpu-check.sh run", carry=["target/gpu-check"], timeout_s=560)
# (EPOCHS=100 takes a few minutes: the CPU run dominates).
#
# Environment of `run`: EPOCHS (100; patience is the same, so every epoch runs), EVAL_RUNS (10),
# DEVICE (gpu), DATASET (DIR/data/coauthor_cs.npz), HIDDEN (512), OUT (a temporary folder),
# ICD_LIBRARY (the OpenCL driver library; found when unset), GMI_XMX (java heap, 24g), THREADS
# (the CPU run's threads, all cores). Environment of `bundle`: SHARED (the data folder,
# ../shared/data beside the checkout or /work/shared/data).
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

# The value of a top-level number in metrics.json ("null" when absent or null).
json_number() {
    local v
    v=$(sed -n "s/^  \"$2\": \\([-0-9.eE+]*\\|null\\),\\{0,1\\}\$/\\1/p" "$1" | head -n 1)
    printf '%s\n' "${v:-null}"
}

# The mean test accuracy of the first evaluation in metrics.json, in percent.
json_accuracy() {
    local v
    v=$(tr -d '\n ' <"$1" | sed -n 's/.*"eval":{"protocol":"[a-z]*","mean":\([-0-9.eE]*\).*/\1/p')
    if [[ -n $v ]]; then awk -v v="$v" 'BEGIN { printf "%.2f\n", v * 100 }'; else echo "n/a"; fi
}

run_check() {
    local dir java icd vendors out epochs eval_runs device dataset hidden xmx threads smi_pid=""
    dir=$here
    java=$dir/runtime/bin/java
    [[ -x $java && -f $dir/app/gmi-cli.jar && -f $dir/opencl/libOpenCL.so.1 ]] \
        || die "$dir is not a gpu-check bundle (make one with scripts/gpu-check.sh bundle)"
    epochs=${EPOCHS:-100}
    eval_runs=${EVAL_RUNS:-10}
    device=${DEVICE:-gpu}
    dataset=${DATASET:-$dir/data/coauthor_cs.npz}
    hidden=${HIDDEN:-512}
    xmx=${GMI_XMX:-24g}
    threads=${THREADS:-$(nproc)}
    out=${OUT:-$(mktemp -d)}
    mkdir -p "$out"

    icd=$(find_icd_library)
    vendors=$out/vendors
    mkdir -p "$vendors"
    printf '%s\n' "$icd" >"$vendors/gmi.icd"
    export OCL_ICD_VENDORS=$vendors
    export LD_LIBRARY_PATH=$dir/opencl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    echo "gpu-check: ICD file $vendors/gmi.icd -> $icd; loader $dir/opencl/libOpenCL.so.1" >&2

    local jvm=(-Xmx"$xmx" -XX:+UseParallelGC -cp "$dir/app/gmi-cli.jar")
    # which libOpenCL the JVM loads (proves the bundled loader is the one in use)
    LD_DEBUG=libs "$java" "${jvm[@]}" org.gmi.cli.Main devices >"$out/devices.txt" 2>"$out/devices.ld" || true
    grep -v '^ *[0-9]*:' "$out/devices.ld" | grep -v 'Using incubator modules' >&2 || true
    echo "gpu-check: devices:" >&2
    cat "$out/devices.txt" >&2
    grep -o 'calling init: [^ ]*libOpenCL[^ ]*' "$out/devices.ld" | head -n 1 | sed 's/^/gpu-check: loaded /' >&2 || true

    local common=(train --method gmi --dataset "$dataset" --hidden "$hidden" --reconstruction exact --epochs "$epochs"
                  --patience "$epochs" --seed 0 --eval-runs "$eval_runs" --force)
    local smi=""
    command -v nvidia-smi >/dev/null 2>&1 && smi=nvidia-smi

    echo "gpu-check: GMI on $(basename "$dataset"), $hidden dimensions, exact, $epochs epochs, --device $device" >&2
    if [[ -n $smi && $device == gpu ]]; then
        "$smi" --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 >"$out/smi.txt" 2>/dev/null &
        smi_pid=$!
    fi
    local rc_dev=0
    "$java" "${jvm[@]}" org.gmi.cli.Main "${common[@]}" --device "$device" --out "$out/device" \
        2> >(grep -v 'Using incubator modules' | tee "$out/device.log" >&2) || rc_dev=$?
    if [[ -n $smi_pid ]]; then
        kill "$smi_pid" 2>/dev/null || true
        wait "$smi_pid" 2>/dev/null || true
    fi

    echo "gpu-check: the same on the CPU backend, $threads threads" >&2
    local rc_cpu=0
    "$java" "${jvm[@]}" org.gmi.cli.Main "${common[@]}" --device cpu --threads "$threads" --out "$out/cpu" \
        2> >(grep -v 'Using incubator modules' | tee "$out/cpu.log" >&2) || rc_cpu=$?

    echo
    echo "gpu-check results ($(basename "$dataset"), GMI, $hidden dimensions, exact reconstruction, $epochs epochs, seed 0):"
    local name m smi_max
    for name in device cpu; do
        m=$out/$name/metrics.json
        if [[ ! -f $m ]]; then
            echo "  $name: FAILED (exit $([[ $name == device ]] && echo $rc_dev || echo $rc_cpu)); see $out/$name.log"
            continue
        fi
        printf '  %-7s %s\n' "$name:" "$(sed -n 's/^  "device": "\(.*\)",$/\1/p' "$m")"
        awk -v s="$(json_number "$m" seconds_per_epoch)" -v dm="$(json_number "$m" device_peak_mib)" \
            -v rss="$(json_number "$m" peak_rss_mib)" -v acc="$(json_accuracy "$m")" 'BEGIN {
                printf "           s/epoch (median) %.4g, peak device memory %s, peak RSS %.0f MiB, accuracy %s %%\n", s,
                    dm == "null" ? "n/a (host memory: see peak RSS)" : sprintf("%.1f MiB (buffers the backend allocated)", dm), rss, acc }'
    done
    if [[ -s $out/smi.txt ]]; then
        smi_max=$(sort -n "$out/smi.txt" | tail -n 1)
        echo "  nvidia-smi: peak GPU memory used during the device run $smi_max MiB (whole GPU, all processes)"
    fi
    echo "  outputs: $out"
    ((rc_dev == 0 && rc_cpu == 0))
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
    env -i PATH=/usr/bin:/bin HOME="${HOME:-/root}" ICD_LIBRARY="$pocl" DEVICE=opencl DATASET=cora HIDDEN=32 EPOCHS=2 \
        EVAL_RUNS=2 GMI_XMX=2g THREADS=2 OUT="${OUT:-$(mktemp -d)}" "$dir/gpu-check.sh" run
}

case "${1:-}" in
    bundle) shift; bundle "$@" ;;
    run) shift; run_check "$@" ;;
    selftest) shift; selftest "$@" ;;
    *) sed -n '2,30p' "$self" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
