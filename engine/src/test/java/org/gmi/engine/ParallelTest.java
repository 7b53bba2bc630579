package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The parallel helper covers every index exactly once, in at most threads() contiguous chunks. */
class ParallelTest extends RestoresSwitches {
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void chunksCoverTheRangeOnce(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int threads = 1 + rng.nextInt(4);
        int n = rng.nextInt(300);
        int minPerChunk = 1 + rng.nextInt(80);
        Parallel.setThreads(threads);
        String what = "n=" + n + " minPerChunk=" + minPerChunk + " threads=" + threads + " seed=" + seed;
        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
        int expected = Parallel.chunks(n, minPerChunk);
        AtomicIntegerArray chunkSeen = new AtomicIntegerArray(Math.max(expected, 1));
        Parallel.forChunks(n, minPerChunk, (c, lo, hi) -> {
            chunkSeen.incrementAndGet(c);
            for (int i = lo; i < hi; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), what + ": index " + i);
        }
        for (int c = 0; c < expected; c++) {
            assertEquals(1, chunkSeen.get(c), what + ": chunk " + c);
        }
        assertTrue(expected <= threads, what);
        assertTrue(n == 0 ? expected == 0 : expected >= 1, what);
    }

    @Test
    void bodyExceptionsReachTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, 1, (lo, hi) -> {
            if (lo > 0) {
                throw new IllegalStateException("boom at " + lo);
            }
        }));
        assertTrue(e.getMessage().startsWith("boom"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
