package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sparse (CSR) times dense products, row-major dense operands, output passed in.
 *
 * <ul>
 *   <li>{@code spmm}: C (+)= S B, S is m x k (CSR), B is k x n, C is m x n:
 *       {@code c[i,:] += sum_{e in row i} val[e] * b[col[e],:]}
 *   <li>{@code spmmTransA}: C (+)= S^T B, S is m x k, B is m x n, C is k x n; a plain spmm over
 *       the cached transpose when k >= m, else a scatter along the rows of S with the columns of C
 *       split between threads. Both give every element of C its terms in the same order (no
 *       atomics, the same bits for any thread count).
 * </ul>
 */
public final class Spmm {
    private static final int MIN_ROWS_PER_CHUNK = 64;
    private static final VectorSpecies<Float> SPECIES = Simd.SPECIES;
    private static final int LANES = Simd.LANES;

    private Spmm() {}

    public static void spmm(CsrMatrix s, Matrix b, Matrix c, boolean accumulate) {
        if (s.cols != b.rows || c.rows != s.rows || c.cols != b.cols) {
            throw new IllegalArgumentException("spmm: (" + s.shape() + ") x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        if (!accumulate) {
            c.fill(0f);
        }
        boolean simd = Simd.enabled();
        int n = b.cols;
        Parallel.forRange(s.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                spmmRowsSimd(s.rowPtr, s.colIdx, s.values, b.data, c.data, n, lo, hi);
            } else {
                spmmRowsScalar(s.rowPtr, s.colIdx, s.values, b.data, c.data, n, lo, hi);
            }
        });
    }

    public static void spmmTransA(CsrMatrix s, Matrix b, Matrix c, boolean accumulate) {
        if (s.rows != b.rows || c.rows != s.cols || c.cols != b.cols) {
            throw new IllegalArgumentException("spmmTransA: (" + s.shape() + ")^T x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        if (s.cols >= s.rows) {
            spmm(s.transpose(), b, c, accumulate);
            return;
        }
        // Fewer output rows than input rows (X^T dY with F < N features): scatter along the rows of S
        // instead. The gather over the transpose reads a random row of B (N x d, beyond the caches on
        // large graphs) per entry; the scatter reads B once in order and updates rows of the smaller C,
        // which stays in cache. Each thread owns a range of columns, so no two threads write the same
        // float, and every element of C receives its terms in ascending row order, as in the gather:
        // the same bits, for any thread count.
        if (!accumulate) {
            c.fill(0f);
        }
        boolean simd = Simd.enabled();
        int n = b.cols;
        int groups = (n + LANES - 1) / LANES;
        Parallel.forRange(groups, 1, (lo, hi) -> {
            int j0 = lo * LANES;
            int j1 = Math.min(n, hi * LANES);
            if (simd) {
                scatterColumnsSimd(s.rowPtr, s.colIdx, s.values, b.data, c.data, n, s.rows, j0, j1);
            } else {
                scatterColumnsScalar(s.rowPtr, s.colIdx, s.values, b.data, c.data, n, s.rows, j0, j1);
            }
        });
    }

    /** c[col[e], j] += val[e] * b[i, j] for every row i of S and columns j in [j0, j1). */
    static void scatterColumnsScalar(int[] rowPtr, int[] colIdx, float[] val, float[] b, float[] c, int n, int rows,
                                     int j0, int j1) {
        for (int i = 0; i < rows; i++) {
            int bOff = i * n;
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
                float v = val[e];
                int cOff = colIdx[e] * n;
                for (int j = j0; j < j1; j++) {
                    c[cOff + j] += v * b[bOff + j];
                }
            }
        }
    }

    /**
     * As {@link #scatterColumnsScalar}; j0 is a multiple of the vector length, and columns from
     * loopBound(n) on take the scalar form, exactly as {@link VectorKernels#axpySimd} treats them.
     */
    static void scatterColumnsSimd(int[] rowPtr, int[] colIdx, float[] val, float[] b, float[] c, int n, int rows,
                                   int j0, int j1) {
        int vEnd = Math.min(j1, SPECIES.loopBound(n));
        for (int i = 0; i < rows; i++) {
            int bOff = i * n;
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
                float v = val[e];
                FloatVector vv = FloatVector.broadcast(SPECIES, v);
                int cOff = colIdx[e] * n;
                int j = j0;
                for (; j < vEnd; j += LANES) {
                    FloatVector.fromArray(SPECIES, b, bOff + j).fma(vv, FloatVector.fromArray(SPECIES, c, cOff + j))
                            .intoArray(c, cOff + j);
                }
                for (; j < j1; j++) {
                    c[cOff + j] += v * b[bOff + j];
                }
            }
        }
    }

    /** c[i,:] += sum_e val[e] * b[col[e],:] for rows i in [lo, hi); dense rows have n columns. */
    static void spmmRowsScalar(int[] rowPtr, int[] colIdx, float[] val, float[] b, float[] c, int n, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int cOff = i * n;
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
                float v = val[e];
                int bOff = colIdx[e] * n;
                for (int j = 0; j < n; j++) {
                    c[cOff + j] += v * b[bOff + j];
                }
            }
        }
    }

    static void spmmRowsSimd(int[] rowPtr, int[] colIdx, float[] val, float[] b, float[] c, int n, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int cOff = i * n;
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
                VectorKernels.axpySimd(val[e], b, colIdx[e] * n, c, cOff, n);
            }
        }
    }
}
