package org.gmi.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one parallel helper: a fixed pool, ranges split into one contiguous chunk per thread.
 *
 * <p>Kernels never start threads themselves. The split depends only on the range and the thread
 * count, so a kernel whose chunks write disjoint outputs is bit-reproducible for a given
 * thread count.
 */
public final class Parallel {
    /** A body over the half-open range [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int lo, int hi);
    }

    /** A body over one chunk, told which chunk it is (for per-chunk accumulators). */
    @FunctionalInterface
    public interface ChunkBody {
        void run(int chunk, int lo, int hi);
    }

    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static ExecutorService pool;

    private Parallel() {}

    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        if (n != threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        threads = n;
    }

    public static int threads() {
        return threads;
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "gmi-worker");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** Runs body over [0, n) in at most {@link #threads()} chunks; serially when n < minPerChunk * 2. */
    public static void forRange(int n, int minPerChunk, RangeBody body) {
        forChunks(n, minPerChunk, (c, lo, hi) -> body.run(lo, hi));
    }

    /** Number of chunks {@link #forChunks} will use for this range. */
    public static int chunks(int n, int minPerChunk) {
        if (n <= 0) {
            return 0;
        }
        int c = Math.min(threads, Math.max(1, n / Math.max(1, minPerChunk)));
        return Math.max(1, c);
    }

    public static void forChunks(int n, int minPerChunk, ChunkBody body) {
        int c = chunks(n, minPerChunk);
        if (c == 0) {
            return;
        }
        if (c == 1) {
            body.run(0, 0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(c - 1);
        ExecutorService p = pool();
        for (int k = 1; k < c; k++) {
            final int chunk = k;
            final int lo = (int) ((long) n * k / c);
            final int hi = (int) ((long) n * (k + 1) / c);
            futures.add(p.submit(() -> body.run(chunk, lo, hi)));
        }
        body.run(0, 0, (int) ((long) n / c));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }
}
