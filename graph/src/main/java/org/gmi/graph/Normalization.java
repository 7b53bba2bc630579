package org.gmi.graph;

import java.util.Arrays;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;

/**
 * The matrices of DESIGN section 2, each a standalone function over a {@link CsrMatrix}; the
 * input is never modified and the result has sorted rows without duplicates. Sums are taken in
 * double and the result rounded to float once.
 */
public final class Normalization {
    private Normalization() {}

    /** X' = diag(1 / rowsum(X)) X; rows summing to 0 stay 0 (as the official preprocess_features). */
    public static CsrMatrix rowNormalizeFeatures(CsrMatrix x) {
        float[] v = new float[x.nnz()];
        for (int i = 0; i < x.rows; i++) {
            double sum = 0;
            for (int k = x.rowPtr[i]; k < x.rowPtr[i + 1]; k++) {
                sum += x.values[k];
            }
            double inv = sum == 0 ? 0 : 1 / sum;
            for (int k = x.rowPtr[i]; k < x.rowPtr[i + 1]; k++) {
                v[k] = (float) (x.values[k] * inv);
            }
        }
        return new CsrMatrix(x.rows, x.cols, x.rowPtr, x.colIdx, v);
    }

    /**
     * Â = D^-1/2 (A + I) D^-1/2, D = diag(rowsum(A + I)); a self loop already in A makes the
     * diagonal entry 2 before normalising, as the official code's {@code adj + sp.eye(N)} does.
     */
    public static CsrMatrix gcnPropagation(CsrMatrix a) {
        requireSquare("gcnPropagation", a);
        return NormalizedAdjacency.of(a).propagationRows(0, a.rows);
    }

    /**
     * M = D^-1 A, D = diag(rowsum(A)): the mean over a node's neighbours, no self loop added (a
     * loop already in A counts as a neighbour); isolated rows stay empty.
     */
    public static CsrMatrix neighbourMean(CsrMatrix a) {
        requireSquare("neighbourMean", a);
        float[] v = new float[a.nnz()];
        for (int i = 0; i < a.rows; i++) {
            double d = 0;
            for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                d += a.values[k];
            }
            double inv = d == 0 ? 0 : 1 / d;
            for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                v[k] = (float) (a.values[k] * inv);
            }
        }
        return new CsrMatrix(a.rows, a.cols, a.rowPtr, a.colIdx, v);
    }

    /** T = pattern(A + I): 1 where A has an entry or on the diagonal, binary (a loop gives 1, not 2). */
    public static CsrMatrix reconstructionTarget(CsrMatrix a) {
        requireSquare("reconstructionTarget", a);
        return plusIdentity(a);
    }

    /** The pattern of A + I with the diagonal inserted in sorted position, every value 1. */
    private static CsrMatrix plusIdentity(CsrMatrix a) {
        int n = a.rows;
        int[] ptr = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int lo = a.rowPtr[i], hi = a.rowPtr[i + 1];
            boolean hasDiag = Arrays.binarySearch(a.colIdx, lo, hi, i) >= 0;
            ptr[i + 1] = ptr[i] + (hi - lo) + (hasDiag ? 0 : 1);
        }
        int[] idx = new int[ptr[n]];
        float[] val = new float[ptr[n]];
        Arrays.fill(val, 1f);
        int[] p = {0};
        for (int i = 0; i < n; i++) {
            forEachOfPlusIdentity(a, i, (c, k) -> idx[p[0]++] = c);
        }
        return new CsrMatrix(n, n, ptr, idx, val);
    }

    /** Receives an entry of a row of A + I: its column, and A's entry {@code k} there, or -1 for an inserted diagonal. */
    @FunctionalInterface
    interface PlusIdentityEntry {
        void accept(int column, long k);
    }

    /**
     * Row {@code i} of A + I in column order: A's entries, the diagonal inserted in sorted position
     * where A has no self-loop (a self-loop's entry stands for the diagonal, its value plus 1).
     */
    static void forEachOfPlusIdentity(SparseRows a, int i, PlusIdentityEntry entry) {
        boolean placed = false;
        long end = a.rowStart(i + 1);
        for (long k = a.rowStart(i); k < end; k++) {
            int c = a.column(k);
            if (!placed && c >= i) {
                placed = true;
                if (c != i) {
                    entry.accept(i, -1);
                }
            }
            entry.accept(c, k);
        }
        if (!placed) {
            entry.accept(i, -1);
        }
    }

    private static void requireSquare(String op, CsrMatrix a) {
        if (a.rows != a.cols) {
            throw new IllegalArgumentException(op + ": adjacency must be square, got " + a.shape());
        }
    }
}
