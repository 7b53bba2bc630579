package org.gmi.graph;

import java.util.Arrays;
import org.gmi.engine.CsrMatrix;

/**
 * The entries of Â = D^-1/2 (A + I) D^-1/2 and M = D^-1 A computed from A as they are needed: two
 * N-long arrays of normalisers instead of the two matrices (an entry of Â or M costs nothing beyond
 * A's own). Minibatch training cuts its batches' blocks from it, and
 * {@link Normalization#gcnPropagation} is its rows, so both have the same bits; M's entries have
 * those of {@link Normalization#neighbourMean}.
 *
 * <p>The normalisers: for Â, 1/sqrt of the row sum of T = A + I (the diagonal 1 inserted in sorted
 * position, or added to a self-loop's value), summed in column order; for M, 1/(row sum of A) (0
 * for an empty row).
 */
public final class NormalizedAdjacency {
    private final CsrMatrix a;
    private final double[] invSqrt;
    private final double[] invDegree;

    private NormalizedAdjacency(CsrMatrix a, double[] invSqrt, double[] invDegree) {
        this.a = a;
        this.invSqrt = invSqrt;
        this.invDegree = invDegree;
    }

    public static NormalizedAdjacency of(CsrMatrix a) {
        if (a.rows != a.cols) {
            throw new IllegalArgumentException("normalisation: adjacency must be square, got " + a.shape());
        }
        int n = a.rows;
        double[] invSqrt = new double[n];
        double[] invDegree = new double[n];
        double[] sum = new double[1];
        for (int i = 0; i < n; i++) {
            int row = i;
            sum[0] = 0;
            Normalization.forEachOfPlusIdentity(a, i, (c, k) -> sum[0] += plusIdentityValue(a, row, c, k));
            invSqrt[i] = sum[0] == 0 ? 0 : 1 / Math.sqrt(sum[0]);
            double d = 0;
            for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                d += a.values[k];
            }
            invDegree[i] = d == 0 ? 0 : 1 / d;
        }
        return new NormalizedAdjacency(a, invSqrt, invDegree);
    }

    /** A, whose structure the entries follow. */
    public CsrMatrix adjacency() {
        return a;
    }

    /** The value of A + I at column {@code c} of row {@code u}: A's entry {@code k} (plus 1 on the diagonal), or 1 where k < 0. */
    private static float plusIdentityValue(CsrMatrix a, int u, int c, int k) {
        return k < 0 ? 1f : c == u ? a.values[k] + 1f : a.values[k];
    }

    /** Â's entry at A's entry {@code k} of row {@code u} (a self-loop's included: its value plus 1). */
    public float propagation(int u, int k) {
        int v = a.colIdx[k];
        return (float) (invSqrt[u] * invSqrt[v] * plusIdentityValue(a, u, v, k));
    }

    /** Â's diagonal entry of row {@code u}, whose self-loop is A's entry {@code loop} (negative: none). */
    public float propagationDiagonal(int u, int loop) {
        return (float) (invSqrt[u] * invSqrt[u] * plusIdentityValue(a, u, u, loop));
    }

    /** M's entry at A's entry {@code k} of row {@code u}. */
    public float neighbourMean(int u, int k) {
        return (float) (a.values[k] * invDegree[u]);
    }

    /** Rows {@code r0 .. r1-1} of Â, N columns: {@code Normalization.gcnPropagation(A).rowRange(r0, r1)}, bit for bit. */
    public CsrMatrix propagationRows(int r0, int r1) {
        int rows = r1 - r0;
        int[] ptr = new int[rows + 1];
        for (int i = r0; i < r1; i++) {
            int lo = a.rowPtr[i];
            int hi = a.rowPtr[i + 1];
            boolean loop = Arrays.binarySearch(a.colIdx, lo, hi, i) >= 0;
            ptr[i - r0 + 1] = ptr[i - r0] + (hi - lo) + (loop ? 0 : 1);
        }
        int[] col = new int[ptr[rows]];
        float[] val = new float[ptr[rows]];
        int[] p = {0};
        for (int i = r0; i < r1; i++) {
            int row = i;
            Normalization.forEachOfPlusIdentity(a, i, (c, k) -> {
                col[p[0]] = c;
                val[p[0]++] = (float) (invSqrt[row] * invSqrt[c] * plusIdentityValue(a, row, c, k));
            });
        }
        return new CsrMatrix(rows, a.cols, ptr, col, val);
    }
}
