package org.gmi.graph;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;

/**
 * Draws, for every node i, k columns uniformly among its non-edges (j with T_ij = 0, T sorted CSR
 * with the diagonal), for the sampled reconstruction. Rejection sampling: a draw that hits a row
 * of T is redrawn; a row with no non-edge gets -1.
 */
public final class NonEdgeSampler {
    private NonEdgeSampler() {}

    /** Fills {@code out[i*k + t]}, t < k, from {@code rng}. */
    public static void sample(CsrMatrix target, int k, SplittableRandom rng, int[] out) {
        int n = target.rows;
        if (out.length != n * k) {
            throw new IllegalArgumentException("NonEdgeSampler: output of " + out.length + " for " + n + " x " + k);
        }
        for (int i = 0; i < n; i++) {
            int from = target.rowPtr[i];
            int to = target.rowPtr[i + 1];
            boolean none = to - from >= n;
            for (int t = 0; t < k; t++) {
                if (none) {
                    out[i * k + t] = -1;
                    continue;
                }
                int j;
                do {
                    j = rng.nextInt(n);
                } while (Arrays.binarySearch(target.colIdx, from, to, j) >= 0);
                out[i * k + t] = j;
            }
        }
    }
}
