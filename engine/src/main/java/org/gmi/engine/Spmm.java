package org.gmi.engine;

/**
 * Sparse (CSR) times dense products, row-major dense operands, output passed in.
 *
 * <ul>
 *   <li>{@code spmm}: C (+)= S B, S is m x k (CSR), B is k x n, C is m x n:
 *       {@code c[i,:] += sum_{e in row i} val[e] * b[col[e],:]}
 *   <li>{@code spmmTransA}: C (+)= S^T B, S is m x k, B is m x n, C is k x n; computed as a plain
 *       spmm over the cached transpose, so rows of C are written by one thread each (no atomics,
 *       same bits for a given thread count).
 * </ul>
 */
public final class Spmm {
    private static final int MIN_ROWS_PER_CHUNK = 64;

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
        spmm(s.transpose(), b, c, accumulate);
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
