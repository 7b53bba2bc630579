package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * spmm and spmmTransA (random CSR with empty rows, sometimes no entry at all), vectorised and
 * scalar, one and two threads (row counts up to 200 so that two chunks of 64 rows occur), with and
 * without accumulate, against the dense double-precision product of {@link CsrMatrix#toDense()}.
 *
 * <p>Tolerance: |got - want| <= 1e-5 * sum |s||b| (+ |c0|) + 1e-6; simd vs scalar twice that.
 */
class SpmmTest extends RestoresSwitches {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void spmmAndTransposeMatchDenseOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean accumulate : new boolean[] {false, true}) {
                int m = rng.nextInt(3) == 0 ? 128 + rng.nextInt(73) : Fixtures.size(rng, 100);
                int k = rng.nextInt(3) == 0 ? 128 + rng.nextInt(73) : Fixtures.size(rng, 100);
                int n = Fixtures.size(rng, 70);
                checkOne(seed, rng, transA, accumulate, m, k, n);
            }
        }
    }

    private static void checkOne(long seed, SplittableRandom rng, boolean transA, boolean accumulate, int m, int k, int n) {
        CsrMatrix s = Fixtures.randomCsr(rng, m, k);
        Matrix dense = s.toDense();
        int inner = transA ? m : k;
        int outRows = transA ? k : m;
        Matrix b = Fixtures.randomMatrix(rng, inner, n);
        Matrix c0 = Fixtures.randomMatrix(rng, outRows, n);
        double[] want = new double[outRows * n];
        double[] mag = new double[outRows * n];
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c0.get(i, j) : 0;
                double abs = Math.abs(sum);
                for (int p = 0; p < inner; p++) {
                    double x = (transA ? dense.get(p, i) : dense.get(i, p)) * (double) b.get(p, j);
                    sum += x;
                    abs += Math.abs(x);
                }
                want[i * n + j] = sum;
                mag[i * n + j] = abs;
            }
        }
        String what = (transA ? "spmmTransA" : "spmm") + " " + s + " n=" + n + " accumulate=" + accumulate + " seed=" + seed;
        float[][] bySimd = new float[2][];
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (boolean simd : new boolean[] {false, true}) {
                Simd.setEnabled(simd);
                String label = what + " simd=" + simd + " threads=" + threads;
                Matrix c = run(s, b, c0, transA, accumulate);
                Fixtures.assertClose(label, c.data, want, mag, RTOL, ATOL);
                Fixtures.assertBitIdentical(label + " (repeat)", c.data, run(s, b, c0, transA, accumulate).data);
                if (transA) {
                    // spmmTransA scatters when S has more rows than columns: same bits as the gather.
                    Matrix gather = c0.copy();
                    if (!accumulate) {
                        gather.fill(Float.NaN);
                    }
                    Spmm.spmm(s.transpose(), b, gather, accumulate);
                    Fixtures.assertBitIdentical(label + " (scatter vs gather over the transpose)", gather.data, c.data);
                }
                bySimd[simd ? 1 : 0] = c.data;
            }
            Fixtures.assertClose(what + " threads=" + threads + ": simd vs scalar", bySimd[1], bySimd[0], mag, 2 * RTOL, 2 * ATOL);
        }
    }

    private static Matrix run(CsrMatrix s, Matrix b, Matrix c0, boolean transA, boolean accumulate) {
        Matrix c = c0.copy();
        if (!accumulate) {
            c.fill(Float.NaN);
        }
        if (transA) {
            Spmm.spmmTransA(s, b, c, accumulate);
        } else {
            Spmm.spmm(s, b, c, accumulate);
        }
        return c;
    }

    /**
     * The panel forms (a panel of B, or of C for the scatter, packed into L2) against the row and column
     * forms they replace: bit-identical, for whole panels, a vector-wide tail and a scalar tail, with and
     * without accumulate, on 1 to 3 threads; and both against the dense oracle.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void panelFormsAreBitIdenticalToRowAndColumnForms(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int lanes = Simd.LANES;
        int[] widths = {Spmm.PANEL, 2 * Spmm.PANEL, 3 * Spmm.PANEL + lanes, 2 * Spmm.PANEL + lanes + 3, Spmm.PANEL + 5};
        int n = widths[rng.nextInt(widths.length)];
        int m = 60 + rng.nextInt(200);
        int k = 20 + rng.nextInt(150);
        boolean accumulate = rng.nextBoolean();
        CsrMatrix s = Fixtures.randomCsr(rng, m, k);
        Matrix b = Fixtures.randomMatrix(rng, k, n);
        Matrix bt = Fixtures.randomMatrix(rng, m, n);
        Matrix c0 = Fixtures.randomMatrix(rng, m, n);
        Matrix ct0 = Fixtures.randomMatrix(rng, k, n);
        String what = s + " n=" + n + " accumulate=" + accumulate + " seed=" + seed;

        Matrix rows = c0.copy();
        if (!accumulate) {
            rows.fill(0f);
        }
        Spmm.spmmRowsSimd(s.rowPtr, s.colIdx, s.values, b.data, rows.data, n, 0, m);
        Matrix columns = ct0.copy();
        if (!accumulate) {
            columns.fill(0f);
        }
        Spmm.scatterColumnsSimd(s.rowPtr, s.colIdx, s.values, bt.data, columns.data, n, m, 0, n);
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            Matrix panels = c0.copy();
            if (!accumulate) {
                panels.fill(Float.NaN);
            }
            Spmm.spmmPanels(s, b, panels, accumulate);
            Fixtures.assertBitIdentical(what + " threads=" + threads + ": spmm panels vs rows", rows.data, panels.data);
            Matrix scattered = ct0.copy();
            if (!accumulate) {
                scattered.fill(Float.NaN);
            }
            Spmm.scatterPanels(s, bt, scattered, accumulate);
            Fixtures.assertBitIdentical(what + " threads=" + threads + ": scatter panels vs columns", columns.data, scattered.data);
        }
        // the dispatch: long rows of S take the panels (same bits), short ones the row form
        CsrMatrix longRows = Fixtures.randomCsr(rng, m, k);
        while (longRows.nnz() < 16L * m) {
            longRows = denser(longRows, rng);
        }
        assertTrue(Spmm.panelsPay(longRows, k, n) && !Spmm.panelsPay(new CsrMatrix(m, k, new int[m + 1], new int[0],
                new float[0]), k, n), what);
        Matrix viaDispatch = c0.copy();
        Spmm.spmm(longRows, b, viaDispatch, accumulate);
        Matrix viaRows = c0.copy();
        if (!accumulate) {
            viaRows.fill(0f);
        }
        Spmm.spmmRowsSimd(longRows.rowPtr, longRows.colIdx, longRows.values, b.data, viaRows.data, n, 0, m);
        Fixtures.assertBitIdentical(what + ": spmm with long rows", viaRows.data, viaDispatch.data);

        Simd.setEnabled(false);
        Matrix scalar = c0.copy();
        Spmm.spmm(s, b, scalar, accumulate);
        double[] mag = new double[m * n];
        Matrix dense = s.toDense();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double abs = accumulate ? Math.abs(c0.get(i, j)) : 0;
                for (int p = 0; p < k; p++) {
                    abs += Math.abs(dense.get(i, p) * (double) b.get(p, j));
                }
                mag[i * n + j] = abs;
            }
        }
        Fixtures.assertClose(what + ": panels vs the scalar twin", rows.data, scalar.data, mag, 2 * RTOL, 2 * ATOL);
    }

    /** S with every row's entries doubled in number (new random columns, merged and sorted). */
    private static CsrMatrix denser(CsrMatrix s, SplittableRandom rng) {
        int[] ptr = new int[s.rows + 1];
        java.util.List<Integer> cols = new java.util.ArrayList<>();
        java.util.List<Float> vals = new java.util.ArrayList<>();
        for (int i = 0; i < s.rows; i++) {
            java.util.TreeMap<Integer, Float> row = new java.util.TreeMap<>();
            for (int e = s.rowPtr[i]; e < s.rowPtr[i + 1]; e++) {
                row.put(s.colIdx[e], s.values[e]);
            }
            int want = Math.min(s.cols, 2 * row.size() + 2);
            while (row.size() < want) {
                row.putIfAbsent(rng.nextInt(s.cols), (float) rng.nextGaussian());
            }
            row.forEach((c, v) -> {
                cols.add(c);
                vals.add(v);
            });
            ptr[i + 1] = cols.size();
        }
        int[] idx = cols.stream().mapToInt(Integer::intValue).toArray();
        float[] val = new float[vals.size()];
        for (int q = 0; q < val.length; q++) {
            val[q] = vals.get(q);
        }
        return new CsrMatrix(s.rows, s.cols, ptr, idx, val);
    }

    @Test
    void shapeMismatchNamesOpAndShapes() {
        CsrMatrix s = new CsrMatrix(2, 3, new int[] {0, 1, 1}, new int[] {2}, new float[] {1f});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Spmm.spmm(s, new Matrix(4, 5), new Matrix(2, 5), false));
        assertTrue(e.getMessage().contains("spmm") && e.getMessage().contains("2x3") && e.getMessage().contains("4x5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Spmm.spmmTransA(s, new Matrix(3, 5), new Matrix(3, 5), false));
    }
}
