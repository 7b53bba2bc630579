package org.gmi.engine;

import java.util.Arrays;

/**
 * The pairs (i, j) of a loss over pairs indexed by their second endpoint j, so that the gradient
 * reaching h_j through s_ij = h_i . h_j can be gathered row by row (in parallel, no atomics, the
 * same order for any thread count) instead of scattered: for the sampled reconstruction the pattern
 * of T read by columns, and this epoch's drawn non-edges inverted.
 */
public final class MirroredPairs {
    private MirroredPairs() {}

    /**
     * T read by columns: row j of the result lists the rows i with (i, j) in T, ascending, and for each
     * the index of that entry in T (so a per-entry coefficient of T can be looked up).
     */
    public record Transposed(int[] ptr, int[] row, int[] edge) {}

    public static Transposed transposeWithPositions(CsrMatrix t) {
        int cols = t.cols;
        int[] ptr = new int[cols + 1];
        for (int e = 0; e < t.nnz(); e++) {
            ptr[t.colIdx[e] + 1]++;
        }
        for (int j = 0; j < cols; j++) {
            ptr[j + 1] += ptr[j];
        }
        int[] next = Arrays.copyOf(ptr, cols);
        int[] row = new int[t.nnz()];
        int[] edge = new int[t.nnz()];
        for (int i = 0; i < t.rows; i++) {
            for (int e = t.rowPtr[i]; e < t.rowPtr[i + 1]; e++) {
                int p = next[t.colIdx[e]]++;
                row[p] = i;
                edge[p] = e;
            }
        }
        return new Transposed(ptr, row, edge);
    }

    /**
     * Inverts k draws per row: {@code sampled[i*k + t]} is a column in [0, n) or -1 (none); afterwards
     * {@code inv[invPtr[j] .. invPtr[j+1])} holds, ascending, the offsets {@code i*k + t} that drew j.
     * {@code next} is scratch of length n; nothing is allocated.
     *
     * @throws IllegalArgumentException for a column outside [-1, n)
     */
    public static void invertDraws(int[] sampled, int n, int[] invPtr, int[] inv, int[] next) {
        for (int j : sampled) {
            if (j >= n || j < -1) {
                throw new IllegalArgumentException("sampledReconstruction: a non-edge column " + j + " outside [0, " + n + ")");
            }
        }
        IndexInversion.invert(sampled, sampled.length, n, invPtr, inv, next);
    }
}
