package org.gmi.engine;

/**
 * Dense matrix products, row-major, output passed in.
 *
 * <ul>
 *   <li>{@code gemm}: C (+)= A B, A is m x k, B is k x n, C is m x n
 *   <li>{@code gemmTransA}: C (+)= A^T B, A is m x k, B is m x n, C is k x n
 *   <li>{@code gemmTransB}: C (+)= A B^T, A is m x k, B is n x k, C is m x n
 * </ul>
 *
 * The public methods check shapes once and pick the vectorised or the scalar loops
 * ({@link Simd#enabled()}); the loops themselves run unchecked over rows [lo, hi) of C.
 */
public final class Gemm {
    private static final int MIN_ROWS_PER_CHUNK = 16;

    private Gemm() {}

    public static void gemm(Matrix a, Matrix b, Matrix c, boolean accumulate) {
        if (a.cols != b.rows || c.rows != a.rows || c.cols != b.cols) {
            throw new IllegalArgumentException("gemm: (" + a.shape() + ") x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        if (!accumulate) {
            c.fill(0f);
        }
        boolean simd = Simd.enabled();
        Parallel.forRange(a.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                GemmSimd.gemmRows(a.data, b.data, c.data, a.cols, b.cols, lo, hi);
            } else {
                gemmRowsScalar(a.data, b.data, c.data, a.cols, b.cols, lo, hi);
            }
        });
    }

    public static void gemmTransA(Matrix a, Matrix b, Matrix c, boolean accumulate) {
        if (a.rows != b.rows || c.rows != a.cols || c.cols != b.cols) {
            throw new IllegalArgumentException("gemmTransA: (" + a.shape() + ")^T x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        if (!accumulate) {
            c.fill(0f);
        }
        boolean simd = Simd.enabled();
        Parallel.forRange(a.cols, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                GemmSimd.gemmTransARows(a.data, b.data, c.data, a.rows, a.cols, b.cols, lo, hi);
            } else {
                gemmTransARowsScalar(a.data, b.data, c.data, a.rows, a.cols, b.cols, lo, hi);
            }
        });
    }

    public static void gemmTransB(Matrix a, Matrix b, Matrix c, boolean accumulate) {
        if (a.cols != b.cols || c.rows != a.rows || c.cols != b.rows) {
            throw new IllegalArgumentException("gemmTransB: (" + a.shape() + ") x (" + b.shape() + ")^T -> (" + c.shape() + ")");
        }
        if (!accumulate) {
            c.fill(0f);
        }
        boolean simd = Simd.enabled();
        Parallel.forRange(a.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                GemmSimd.gemmTransBRows(a.data, b.data, c.data, a.cols, b.rows, lo, hi);
            } else {
                gemmTransBRowsScalar(a.data, b.data, c.data, a.cols, b.rows, lo, hi);
            }
        });
    }

    /** c[i,j] += sum_p a[i,p] * b[p,j] for rows i in [lo, hi); a is . x k, b is k x n. */
    static void gemmRowsScalar(float[] a, float[] b, float[] c, int k, int n, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int cOff = i * n;
            int aOff = i * k;
            for (int p = 0; p < k; p++) {
                float av = a[aOff + p];
                if (av == 0f) {
                    continue;
                }
                int bOff = p * n;
                for (int j = 0; j < n; j++) {
                    c[cOff + j] += av * b[bOff + j];
                }
            }
        }
    }

    /** c[p,j] += sum_i a[i,p] * b[i,j] for rows p in [lo, hi) of c; a is m x k, b is m x n. */
    static void gemmTransARowsScalar(float[] a, float[] b, float[] c, int m, int k, int n, int lo, int hi) {
        for (int i = 0; i < m; i++) {
            int aOff = i * k;
            int bOff = i * n;
            for (int p = lo; p < hi; p++) {
                float av = a[aOff + p];
                if (av == 0f) {
                    continue;
                }
                int cOff = p * n;
                for (int j = 0; j < n; j++) {
                    c[cOff + j] += av * b[bOff + j];
                }
            }
        }
    }

    /** c[i,j] += sum_p a[i,p] * b[j,p] for rows i in [lo, hi); a is . x k, b is n x k. */
    static void gemmTransBRowsScalar(float[] a, float[] b, float[] c, int k, int n, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            int aOff = i * k;
            for (int j = 0; j < n; j++) {
                int bOff = j * k;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + p] * b[bOff + p];
                }
                c[i * n + j] += s;
            }
        }
    }
}
