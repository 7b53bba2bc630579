package org.gmi.graph;

import java.util.Arrays;
import org.gmi.engine.CsrMatrix;

/**
 * The entries of Â = D^-1/2 (A + I) D^-1/2 and M = D^-1 A computed from A as they are needed, with
 * the bits of {@link Normalization#gcnPropagation} and {@link Normalization#neighbourMean}: two
 * N-long arrays of normalisers instead of the two matrices (an entry of Â or M costs nothing beyond
 * A's own). Minibatch training cuts its batches' blocks from it.
 *
 * <p>Each normaliser is the one those methods compute, the row sum taken in the same order: for Â,
 * 1/sqrt of the row sum of T = A + I (the diagonal 1 inserted in sorted position, or added to a
 * self-loop's value), for M, 1/(row sum of A) (0 for an empty row).
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
        for (int i = 0; i < n; i++) {
            double t = 0;
            double d = 0;
            boolean placed = false;
            for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                int c = a.colIdx[k];
                if (!placed && c >= i) {
                    placed = true;
                    if (c == i) {
                        t += a.values[k] + 1f;
                        d += a.values[k];
                        continue;
                    }
                    t += 1f;
                }
                t += a.values[k];
                d += a.values[k];
            }
            if (!placed) {
                t += 1f;
            }
            invSqrt[i] = t == 0 ? 0 : 1 / Math.sqrt(t);
            invDegree[i] = d == 0 ? 0 : 1 / d;
        }
        return new NormalizedAdjacency(a, invSqrt, invDegree);
    }

    /** A, whose structure the entries follow. */
    public CsrMatrix adjacency() {
        return a;
    }

    /** Â's entry at A's entry {@code k} of row {@code u} (a self-loop's included: its value plus 1). */
    public float propagation(int u, int k) {
        int v = a.colIdx[k];
        float t = v == u ? a.values[k] + 1f : a.values[k];
        return (float) (invSqrt[u] * invSqrt[v] * t);
    }

    /** Â's diagonal entry of row {@code u}, whose self-loop is A's entry {@code loop} (negative: none). */
    public float propagationDiagonal(int u, int loop) {
        float t = loop >= 0 ? a.values[loop] + 1f : 1f;
        return (float) (invSqrt[u] * invSqrt[u] * t);
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
        for (int i = r0; i < r1; i++) {
            int p = ptr[i - r0];
            boolean placed = false;
            for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                int c = a.colIdx[k];
                if (!placed && c >= i) {
                    placed = true;
                    if (c != i) {
                        col[p] = i;
                        val[p++] = propagationDiagonal(i, -1);
                    }
                }
                col[p] = c;
                val[p++] = propagation(i, k);
            }
            if (!placed) {
                col[p] = i;
                val[p] = propagationDiagonal(i, -1);
            }
        }
        return new CsrMatrix(rows, a.cols, ptr, col, val);
    }
}
