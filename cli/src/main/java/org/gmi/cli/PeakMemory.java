package org.gmi.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peak memory of this process. Where Linux tells it, the peak resident set size
 * ({@code VmHWM} in {@code /proc/self/status}); elsewhere the largest Java heap use seen by
 * {@link #sample()} (called once per epoch), which undercounts native and off-heap memory.
 */
final class PeakMemory {
    private long maxHeapUsed;

    /** Records the heap in use now. */
    synchronized void sample() {
        Runtime rt = Runtime.getRuntime();
        maxHeapUsed = Math.max(maxHeapUsed, rt.totalMemory() - rt.freeMemory());
    }

    /** The peak in MiB, and where it came from ({@code "VmHWM"} or {@code "heap-sampled"}). */
    synchronized Reading read() {
        sample();
        long kib = vmHwmKib();
        if (kib > 0) {
            return new Reading(kib / 1024.0, "VmHWM");
        }
        return new Reading(maxHeapUsed / (1024.0 * 1024.0), "heap-sampled");
    }

    record Reading(double mib, String source) {}

    /** VmHWM in KiB from /proc/self/status, or -1. */
    static long vmHwmKib() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
