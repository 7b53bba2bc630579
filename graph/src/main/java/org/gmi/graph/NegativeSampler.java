package org.gmi.graph;

import java.util.SplittableRandom;

/**
 * Negative samples for the mutual-information estimators, reproducible from a seed.
 *
 * <ul>
 *   <li>{@link Mode#UNIFORM} (GMI, DESIGN section 2): for every node i an independent, uniformly
 *       random node j != i; nodes may repeat across i.
 *   <li>{@link Mode#DERANGEMENT}: a uniformly random permutation without fixed points (every
 *       node used exactly once, never for itself), drawn by rejection: shuffle, retry while a
 *       fixed point remains (about e = 2.72 shuffles on average).
 * </ul>
 * {@link #permutation} is DGI's corruption: a plain random shuffle of the rows
 * ({@code np.random.permutation}), fixed points allowed.
 *
 * <p>Not thread-safe: one sampler per thread (or per run), seeded from the run's seed.
 */
public final class NegativeSampler {

    public enum Mode { UNIFORM, DERANGEMENT }

    private final SplittableRandom rng;
    private final Mode mode;

    public NegativeSampler(long seed) {
        this(seed, Mode.UNIFORM);
    }

    public NegativeSampler(long seed, Mode mode) {
        this.rng = new SplittableRandom(seed);
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** Fills {@code out[0..n)} with one negative per node: {@code out[i] != i} for every i. */
    public void sample(int n, int[] out) {
        if (n < 2) {
            throw new IllegalArgumentException("negative sampling needs at least 2 nodes, got " + n);
        }
        requireLength(n, out);
        if (mode == Mode.DERANGEMENT) {
            derangement(n, out);
            return;
        }
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(n - 1); // uniform over the n - 1 nodes other than i
            out[i] = j >= i ? j + 1 : j;
        }
    }

    /** A new array of {@code n} negatives, as {@link #sample(int, int[])}. */
    public int[] sample(int n) {
        int[] out = new int[Math.max(n, 0)];
        sample(n, out);
        return out;
    }

    /** Fills {@code out[0..n)} with a uniformly random permutation of 0..n-1 (fixed points allowed). */
    public void permutation(int n, int[] out) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation needs at least 1 node, got " + n);
        }
        requireLength(n, out);
        shuffle(n, out);
    }

    public int[] permutation(int n) {
        int[] out = new int[Math.max(n, 0)];
        permutation(n, out);
        return out;
    }

    private void derangement(int n, int[] out) {
        while (true) {
            shuffle(n, out);
            boolean fixed = false;
            for (int i = 0; i < n; i++) {
                if (out[i] == i) {
                    fixed = true;
                    break;
                }
            }
            if (!fixed) {
                return;
            }
        }
    }

    /** Fisher-Yates: out = a uniformly random permutation of 0..n-1. */
    private void shuffle(int n, int[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    }

    private static void requireLength(int n, int[] out) {
        if (out.length < n) {
            throw new IllegalArgumentException("output array has " + out.length + " entries, needs " + n);
        }
    }
}
