package org.gmi.models.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.gmi.engine.Parallel;
import org.gmi.engine.VectorKernels;

/**
 * k-means clustering of the embeddings (the unsupervised check beside the probe): k-means++ seeding
 * (Arthur and Vassilvitskii 2007) from a seeded generator, then Lloyd iterations until no node
 * changes cluster or {@value #MAX_ITERATIONS} iterations; {@value #RESTARTS} restarts, the one with
 * the lowest inertia kept. Clusters the raw embeddings (no scaling), as the literature does.
 * Deterministic: assignments are computed per node, centroids summed over the nodes in order.
 */
public final class KMeans {
    static final int MAX_ITERATIONS = 100;
    public static final int RESTARTS = 3;

    /**
     * @param assignment each node's cluster
     * @param inertia    sum of squared distances to the assigned centroid
     * @param iterations Lloyd iterations of the kept restart
     */
    public record Result(int[] assignment, double inertia, int iterations) {}

    private KMeans() {}

    /** Clusters the {@code x.length / d} rows of {@code x} into {@code k} clusters. */
    public static Result cluster(float[] x, int d, int k, long seed) {
        int n = x.length / d;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k-means: k must be in [1, " + n + "], got " + k);
        }
        float[] sqNorm = new float[n];
        for (int i = 0; i < n; i++) {
            sqNorm[i] = VectorKernels.dot(x, i * d, x, i * d, d);
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x6B6D65616E73L);
        Result best = null;
        for (int r = 0; r < RESTARTS; r++) {
            Result res = lloyd(x, sqNorm, n, d, k, seedPlusPlus(x, sqNorm, n, d, k, rng.split()));
            if (best == null || res.inertia < best.inertia) {
                best = res;
            }
        }
        return best;
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to D(x)^2. */
    static float[] seedPlusPlus(float[] x, float[] sqNorm, int n, int d, int k, SplittableRandom rng) {
        float[] centres = new float[k * d];
        double[] dist = new double[n];
        int first = rng.nextInt(n);
        System.arraycopy(x, first * d, centres, 0, d);
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        for (int c = 1; c <= k; c++) {
            int prev = c - 1;
            float cNorm = VectorKernels.dot(centres, prev * d, centres, prev * d, d);
            double total = 0;
            for (int i = 0; i < n; i++) {
                double d2 = Math.max(0, sqNorm[i] - 2.0 * VectorKernels.dot(x, i * d, centres, prev * d, d) + cNorm);
                dist[i] = Math.min(dist[i], d2);
                total += dist[i];
            }
            if (c == k) {
                break;
            }
            int pick;
            if (total > 0) {
                double u = rng.nextDouble() * total;
                pick = n - 1;
                for (int i = 0; i < n; i++) {
                    u -= dist[i];
                    if (u < 0) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = rng.nextInt(n);
            }
            System.arraycopy(x, pick * d, centres, c * d, d);
        }
        return centres;
    }

    static Result lloyd(float[] x, float[] sqNorm, int n, int d, int k, float[] centres) {
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        double[] best = new double[n];
        float[] cNorm = new float[k];
        double[] sums = new double[k * d];
        int[] counts = new int[k];
        int it = 0;
        while (true) {
            for (int c = 0; c < k; c++) {
                cNorm[c] = VectorKernels.dot(centres, c * d, centres, c * d, d);
            }
            int[] changed = new int[Parallel.chunks(n, 256)];
            float[] cs = centres;
            Parallel.forChunks(n, 256, (chunk, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    int arg = 0;
                    double top = Double.POSITIVE_INFINITY;
                    for (int c = 0; c < k; c++) {
                        double d2 = sqNorm[i] - 2.0 * VectorKernels.dot(x, i * d, cs, c * d, d) + cNorm[c];
                        if (d2 < top) {
                            top = d2;
                            arg = c;
                        }
                    }
                    best[i] = Math.max(0, top);
                    if (assign[i] != arg) {
                        assign[i] = arg;
                        changed[chunk]++;
                    }
                }
            });
            int moved = 0;
            for (int c : changed) {
                moved += c;
            }
            if (moved == 0 || it == MAX_ITERATIONS) {
                break;
            }
            it++;
            Arrays.fill(sums, 0);
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                int c = assign[i];
                counts[c]++;
                for (int j = 0; j < d; j++) {
                    sums[c * d + j] += x[i * d + j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    continue; // an empty cluster keeps its centre
                }
                for (int j = 0; j < d; j++) {
                    centres[c * d + j] = (float) (sums[c * d + j] / counts[c]);
                }
            }
        }
        double inertia = 0;
        for (double b : best) {
            inertia += b;
        }
        return new Result(assign, inertia, it);
    }
}
