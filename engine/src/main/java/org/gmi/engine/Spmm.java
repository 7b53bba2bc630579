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
 *
 * <p>Panels: when a panel of {@link #PANEL} columns of the operand that is read at random (B in
 * spmm, C in the scatter) fits the L2 cache and the rows of S are long ({@link #panelsPay}: the
 * features X, not a graph's propagation matrix), the vectorised forms walk the
 * columns one panel at a time, so that the random reads hit a panel packed contiguously in L2
 * instead of 2 KB rows spread over L3. Each element
 * still receives its terms in the same order through the same FMA, so panels change no bit.
 */
public final class Spmm {
    private static final VectorSpecies<Float> SPECIES = Simd.SPECIES;
    private static final int LANES = Simd.LANES;
    private static final int MIN_ROWS_PER_CHUNK = 64;
    /** Columns per panel: two vectors (32 floats with AVX-512, a 128-byte pair of cache lines per packed row). */
    static final int PANEL = 2 * LANES;
    /** A packed panel up to this size stays in a core's L2 (1 MiB here) beside the streamed indices. */
    private static final long PANEL_BYTES_MAX = 1L << 20;
    /**
     * Fewer entries a row of S than this and each panel pass's per-row work (loading and storing the
     * accumulators, the loop over a short row, once per panel) costs more than the random reads it
     * saves (a graph's propagation matrix, a few entries a row; JMH SparseBench compares the forms).
     */
    private static final int MIN_ENTRIES_PER_ROW = 16;
    /** Packed panels of B (spmm), reused by each calling thread across calls: no garbage per epoch. */
    private static final ThreadLocal<float[]> PACKED_B = ThreadLocal.withInitial(() -> new float[0]);
    /** One packed panel of C per worker (the scatter). */
    private static final ThreadLocal<float[]> PANEL_C = ThreadLocal.withInitial(() -> new float[0]);

    private Spmm() {}

    public static void spmm(CsrMatrix s, Matrix b, Matrix c, boolean accumulate) {
        if (s.cols != b.rows || c.rows != s.rows || c.cols != b.cols) {
            throw new IllegalArgumentException("spmm: (" + s.shape() + ") x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        boolean simd = Simd.enabled();
        int n = b.cols;
        if (simd && panelsPay(s, b.rows, n)) {
            spmmPanels(s, b, c, accumulate);
            return;
        }
        if (!accumulate) {
            Elementwise.fill(c.data, c.data.length, 0f);
        }
        Parallel.forRange(s.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                spmmRowsSimd(s.rowPtr, s.colIdx, s.values, b.data, c.data, n, lo, hi);
            } else {
                spmmRowsScalar(s.rowPtr, s.colIdx, s.values, b.data, c.data, n, lo, hi);
            }
        });
    }

    /**
     * Bytes the panel forms keep for products of an S with {@code entries} entries over {@code sRows}
     * rows and a dense {@code rows x cols} operand read at random: B's packed panels (kept by the
     * calling thread) or, for the scatter, one panel of C per worker; 0 when the row form runs. For
     * memory estimates.
     */
    public static long panelBufferBytes(long entries, long sRows, long rows, int cols, int threads) {
        if (!panelsPay(entries, sRows, rows, cols)) {
            return 0;
        }
        return Math.max(rows * (cols / PANEL) * PANEL, (long) threads * rows * PANEL) * Float.BYTES;
    }

    /**
     * Whether the panel forms run for S and a dense operand of {@code rows x cols} read at random: at
     * least one whole panel, a packed panel that fits L2, and rows of S long enough to repay the passes.
     */
    static boolean panelsPay(CsrMatrix s, int rows, int cols) {
        return panelsPay(s.nnz(), s.rows, rows, cols);
    }

    private static boolean panelsPay(long entries, long sRows, long rows, int cols) {
        return cols >= PANEL && rows * PANEL * Float.BYTES <= PANEL_BYTES_MAX && entries >= MIN_ENTRIES_PER_ROW * sRows;
    }

    /**
     * spmm through packed panels of B: the same sums as {@link #spmmRowsSimd}, bit for bit. B's whole
     * panels are packed (panel p, row r at {@code (p*k + r) * PANEL}) by the pool, then each thread
     * takes its rows through every panel, the row's two accumulators in registers; the columns after
     * the last whole panel take the row form.
     */
    static void spmmPanels(CsrMatrix s, Matrix b, Matrix c, boolean accumulate) {
        int k = b.rows;
        int n = b.cols;
        int panels = n / PANEL;
        int tail = panels * PANEL;
        if (!accumulate && tail < n) {
            Elementwise.fill(c.data, c.data.length, 0f); // the tail's axpys add to it; whole panels start from zero registers instead
        }
        float[] packed = PACKED_B.get();
        if (packed.length < k * panels * PANEL) {
            packed = new float[k * panels * PANEL];
            PACKED_B.set(packed);
        }
        float[] bp = packed;
        float[] bd = b.data;
        Parallel.forRange(k, 256, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                for (int p = 0; p < panels; p++) {
                    System.arraycopy(bd, r * n + p * PANEL, bp, (p * k + r) * PANEL, PANEL);
                }
            }
        });
        Parallel.forRange(s.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int p = 0; p < panels; p++) {
                spmmPanelSimd(s.rowPtr, s.colIdx, s.values, bp, p * k * PANEL, c.data, n, p * PANEL, accumulate, lo, hi);
            }
            if (tail < n) {
                for (int i = lo; i < hi; i++) {
                    for (int e = s.rowPtr[i]; e < s.rowPtr[i + 1]; e++) {
                        VectorKernels.axpySimd(s.values[e], bd, s.colIdx[e] * n + tail, c.data, i * n + tail, n - tail);
                    }
                }
            }
        });
    }

    /**
     * Rows [lo, hi) of one panel: c[i, j0 .. j0+PANEL) += sum_e val[e] * panel[col[e]], the terms in
     * entry order through FMA, as {@link VectorKernels#axpySimd} adds them.
     */
    static void spmmPanelSimd(int[] rowPtr, int[] colIdx, float[] val, float[] panel, int panelOff, float[] c, int n,
                              int j0, boolean accumulate, int lo, int hi) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int i = lo; i < hi; i++) {
            int cOff = i * n + j0;
            FloatVector a0 = accumulate ? FloatVector.fromArray(SPECIES, c, cOff) : zero;
            FloatVector a1 = accumulate ? FloatVector.fromArray(SPECIES, c, cOff + LANES) : zero;
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
                FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
                int o = panelOff + colIdx[e] * PANEL;
                a0 = FloatVector.fromArray(SPECIES, panel, o).fma(v, a0);
                a1 = FloatVector.fromArray(SPECIES, panel, o + LANES).fma(v, a1);
            }
            a0.intoArray(c, cOff);
            a1.intoArray(c, cOff + LANES);
        }
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
        boolean simd = Simd.enabled();
        int n = b.cols;
        if (simd && panelsPay(s, c.rows, n)) {
            scatterPanels(s, b, c, accumulate);
            return;
        }
        if (!accumulate) {
            Elementwise.fill(c.data, c.data.length, 0f);
        }
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

    /**
     * The scatter through panels of C: each thread takes whole panels, copies the panel of C into a
     * contiguous L2-resident buffer, scatters every row of S into it, and copies it back; the columns
     * after the last whole panel take {@link #scatterColumnsSimd}. Same terms, same order, same FMA:
     * the bits of the column form.
     */
    static void scatterPanels(CsrMatrix s, Matrix b, Matrix c, boolean accumulate) {
        int k = c.rows;
        int n = b.cols;
        int panels = n / PANEL;
        int tail = panels * PANEL;
        if (!accumulate && tail < n) {
            Elementwise.fill(c.data, c.data.length, 0f); // the tail's columns are added to in place; whole panels start from a zeroed buffer
        }
        float[] bd = b.data;
        float[] cd = c.data;
        Parallel.forRange(panels, 1, (plo, phi) -> {
            float[] buf = PANEL_C.get();
            if (buf.length < k * PANEL) {
                buf = new float[k * PANEL];
                PANEL_C.set(buf);
            }
            for (int p = plo; p < phi; p++) {
                int j0 = p * PANEL;
                if (accumulate) {
                    for (int r = 0; r < k; r++) {
                        System.arraycopy(cd, r * n + j0, buf, r * PANEL, PANEL);
                    }
                } else {
                    java.util.Arrays.fill(buf, 0, k * PANEL, 0f);
                }
                scatterPanelSimd(s.rowPtr, s.colIdx, s.values, bd, n, j0, s.rows, buf);
                for (int r = 0; r < k; r++) {
                    System.arraycopy(buf, r * PANEL, cd, r * n + j0, PANEL);
                }
            }
        });
        if (tail < n) {
            scatterColumnsSimd(s.rowPtr, s.colIdx, s.values, bd, cd, n, s.rows, tail, n);
        }
    }

    /** panel[col[e]] += val[e] * b[i, j0 .. j0+PANEL) for every row i of S, rows in order, through FMA. */
    static void scatterPanelSimd(int[] rowPtr, int[] colIdx, float[] val, float[] b, int n, int j0, int rows, float[] panel) {
        for (int i = 0; i < rows; i++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, i * n + j0);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, i * n + j0 + LANES);
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
                FloatVector v = FloatVector.broadcast(SPECIES, val[e]);
                int o = colIdx[e] * PANEL;
                b0.fma(v, FloatVector.fromArray(SPECIES, panel, o)).intoArray(panel, o);
                b1.fma(v, FloatVector.fromArray(SPECIES, panel, o + LANES)).intoArray(panel, o + LANES);
            }
        }
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
