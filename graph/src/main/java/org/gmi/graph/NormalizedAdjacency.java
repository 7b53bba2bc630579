package org.gmi.graph;

import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;

/**
 * The entries of Â = D^-1/2 (A + I) D^-1/2 and M = D^-1 A computed from A as they are needed, A on
 * the heap or mapped from the binary layout's files ({@link FileCsr}): an entry of Â or M costs
 * nothing beyond A's own. Minibatch training cuts its batches' blocks from it, the layer-by-layer
 * embedding reads Â's rows from it chunk by chunk, and {@link Normalization#gcnPropagation} is its
 * rows, so all three have the same bits; M's entries have those of {@link Normalization#neighbourMean}.
 *
 * <p>The normalisers: for Â, 1/sqrt of the row sum of T = A + I (the diagonal 1 inserted in sorted
 * position, or added to a self-loop's value), summed in column order; for M, 1/(row sum of A) (0
 * for an empty row). For A on the heap they are two N-long arrays, computed once. A mapped A is
 * binary, so a row of T sums to the node's degree plus 1 (a 1 per neighbour and the diagonal's 1, or
 * a self-loop's 1 + 1) and a row of A to its degree: the normalisers follow from the row offsets as
 * they are needed, exactly the values the arrays would hold (whole numbers sum exactly in double),
 * and nothing N-long is kept on the heap.
 */
public final class NormalizedAdjacency {
    private final SparseRows a;
    /** Per node, 1/sqrt(row sum of A + I); null when computed from the degrees. */
    private final double[] invSqrt;
    /** Per node, 1/(row sum of A); null when computed from the degrees. */
    private final double[] invDegree;

    private NormalizedAdjacency(SparseRows a, double[] invSqrt, double[] invDegree) {
        this.a = a;
        this.invSqrt = invSqrt;
        this.invDegree = invDegree;
    }

    public static NormalizedAdjacency of(SparseRows a) {
        if (a.rows() != a.cols()) {
            throw new IllegalArgumentException("normalisation: adjacency must be square, got " + a.rows() + "x" + a.cols());
        }
        if (a instanceof FileCsr m && m.isBinary()) {
            return new NormalizedAdjacency(a, null, null);
        }
        int n = a.rows();
        double[] invSqrt = new double[n];
        double[] invDegree = new double[n];
        double[] sum = new double[1];
        for (int i = 0; i < n; i++) {
            int row = i;
            sum[0] = 0;
            Normalization.forEachOfPlusIdentity(a, i, (c, k) -> sum[0] += plusIdentityValue(a, row, c, k));
            invSqrt[i] = sum[0] == 0 ? 0 : 1 / Math.sqrt(sum[0]);
            double d = 0;
            for (long k = a.rowStart(i); k < a.rowStart(i + 1); k++) {
                d += a.value(k);
            }
            invDegree[i] = d == 0 ? 0 : 1 / d;
        }
        return new NormalizedAdjacency(a, invSqrt, invDegree);
    }

    /** A, whose structure the entries follow. */
    public SparseRows adjacency() {
        return a;
    }

    private double invSqrt(int u) {
        if (invSqrt != null) {
            return invSqrt[u];
        }
        double sum = a.rowStart(u + 1) - a.rowStart(u) + 1;
        return 1 / Math.sqrt(sum);
    }

    private double invDegree(int u) {
        if (invDegree != null) {
            return invDegree[u];
        }
        double d = a.rowStart(u + 1) - a.rowStart(u);
        return d == 0 ? 0 : 1 / d;
    }

    /** The value of A + I at column {@code c} of row {@code u}: A's entry {@code k} (plus 1 on the diagonal), or 1 where k < 0. */
    private static float plusIdentityValue(SparseRows a, int u, int c, long k) {
        return k < 0 ? 1f : c == u ? a.value(k) + 1f : a.value(k);
    }

    /** Â's entry at A's entry {@code k} of row {@code u} (a self-loop's included: its value plus 1). */
    public float propagation(int u, long k) {
        return propagation(u, a.column(k), k);
    }

    /** The same, for a caller that has read the entry's column {@code v}. */
    public float propagation(int u, int v, long k) {
        return (float) (invSqrt(u) * invSqrt(v) * plusIdentityValue(a, u, v, k));
    }

    /** Â's diagonal entry of row {@code u}, whose self-loop is A's entry {@code loop} (negative: none). */
    public float propagationDiagonal(int u, long loop) {
        double s = invSqrt(u);
        return (float) (s * s * plusIdentityValue(a, u, u, loop));
    }

    /** M's entry at A's entry {@code k} of row {@code u}. */
    public float neighbourMean(int u, long k) {
        return (float) (a.value(k) * invDegree(u));
    }

    /** Rows {@code r0 .. r1-1} of Â, N columns: {@code Normalization.gcnPropagation(A).rowRange(r0, r1)}, bit for bit. */
    public CsrMatrix propagationRows(int r0, int r1) {
        int rows = r1 - r0;
        int[] ptr = new int[rows + 1];
        for (int i = r0; i < r1; i++) {
            long entries = a.rowStart(i + 1) - a.rowStart(i);
            ptr[i - r0 + 1] = Math.toIntExact(ptr[i - r0] + entries + (a.find(i, i) >= 0 ? 0 : 1));
        }
        int[] col = new int[ptr[rows]];
        float[] val = new float[ptr[rows]];
        int[] p = {0};
        for (int i = r0; i < r1; i++) {
            int row = i;
            double su = invSqrt(row);
            Normalization.forEachOfPlusIdentity(a, i, (c, k) -> {
                col[p[0]] = c;
                val[p[0]++] = (float) (su * invSqrt(c) * plusIdentityValue(a, row, c, k));
            });
        }
        return new CsrMatrix(rows, a.cols(), ptr, col, val);
    }
}
