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
            Elementwise.fill(c.data, c.data.length, 0f);
        }
        boolean simd = Simd.enabled();
        Parallel.forRange(a.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                PanelKernels.updateSimd(a.data, lo * a.cols, a.cols, 1, b.data, 0, b.cols, a.cols, c.data, lo * b.cols, b.cols, hi - lo, b.cols);
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
            Elementwise.fill(c.data, c.data.length, 0f);
        }
        if (Simd.enabled()) {
            // A^T read in place (row stride 1, column stride k: the 4 broadcasts of a k step share a
            // cache line), and the reduction over A's m rows cut into slabs of K_SLAB so that the
            // packed K_SLAB x 64 panel of B stays in L2: with m in the tens of thousands a whole-m
            // panel (4.7 MB on Coauthor CS) was streamed from L3 for every row block of C. Each slab
            // continues the same FMA chain from the stored C, so the bits do not depend on the slabs.
            int m = a.rows;
            int k = a.cols;
            int n = b.cols;
            if (m < 4) {
                // A few rows of A (DGI's summary: one): rank-m updates, one axpy per (row of C, row of A),
                // the FMA the blocked kernel's tails make, so the same bits. Through the blocked kernel
                // this shape left C2 boxing its vectors: garbage every epoch.
                Parallel.forRange(k, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
                    for (int p = lo; p < hi; p++) {
                        for (int i = 0; i < m; i++) {
                            VectorKernels.axpySimd(a.data[i * k + p], b.data, i * n, c.data, p * n, n);
                        }
                    }
                });
                return;
            }
            Parallel.forRange(k, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
                for (int i0 = 0; i0 < m; i0 += K_SLAB) {
                    int nk = Math.min(K_SLAB, m - i0);
                    for (int j0 = 0; j0 < n; j0 += PANEL) {
                        int w = Math.min(PANEL, n - j0);
                        PanelKernels.updateSimd(a.data, i0 * k + lo, 1, k, b.data, i0 * n + j0, n, nk, c.data, lo * n + j0, n, hi - lo, w);
                    }
                }
            });
        } else {
            Parallel.forRange(a.cols, MIN_ROWS_PER_CHUNK, (lo, hi) ->
                    gemmTransARowsScalar(a.data, b.data, c.data, a.rows, a.cols, b.cols, lo, hi));
        }
    }

    public static void gemmTransB(Matrix a, Matrix b, Matrix c, boolean accumulate) {
        if (a.cols != b.cols || c.rows != a.rows || c.cols != b.rows) {
            throw new IllegalArgumentException("gemmTransB: (" + a.shape() + ") x (" + b.shape() + ")^T -> (" + c.shape() + ")");
        }
        if (!accumulate) {
            Elementwise.fill(c.data, c.data.length, 0f);
        }
        if (Simd.enabled()) {
            // C += A B^T as C += A (B^T): B^T (k x n) is small in every use here (a weight), and the
            // blocked A B kernel is far faster than n dot products per row.
            float[] bt = transposeScratch(b, TRANSPOSE_B);
            int k = a.cols;
            int n = b.rows;
            Parallel.forRange(a.rows, MIN_ROWS_PER_CHUNK, (lo, hi) ->
                    PanelKernels.updateSimd(a.data, lo * k, k, 1, bt, 0, n, k, c.data, lo * n, n, hi - lo, n));
        } else {
            Parallel.forRange(a.rows, MIN_ROWS_PER_CHUNK, (lo, hi) ->
                    gemmTransBRowsScalar(a.data, b.data, c.data, a.cols, b.rows, lo, hi));
        }
    }

    /** Columns of B per panel in gemmTransA: 4 vectors of 16 floats, the width of the blocked kernel. */
    private static final int PANEL = 64;
    /** Rows of A and B per slab of gemmTransA's reduction: a 512 x 64 panel of B is 128 KB. */
    static final int K_SLAB = 512;
    private static final ThreadLocal<float[]> TRANSPOSE_B = ThreadLocal.withInitial(() -> new float[0]);

    /** The transpose of b in a per-thread buffer reused across calls (no garbage per epoch). */
    private static float[] transposeScratch(Matrix b, ThreadLocal<float[]> scratch) {
        float[] t = scratch.get();
        if (t.length < b.data.length) {
            t = new float[b.data.length];
            scratch.set(t);
        }
        Transpose.blocked(b.data, b.rows, b.cols, t);
        return t;
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
