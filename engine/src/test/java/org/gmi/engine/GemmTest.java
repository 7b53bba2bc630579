package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gemm, gemmTransA and gemmTransB, vectorised and scalar, one and two threads, with and without
 * accumulate, against a double-precision oracle on random shapes with tails.
 *
 * <p>Tolerance: |got - want| <= 1e-5 * sum_p |a||b| (+ |c0| when accumulating) + 1e-6, the forward
 * error bound of a float dot product of length <= 100 (about k * 2^-24 = 6e-6 relative to the sum of
 * absolute terms); the vectorised and scalar paths are held to twice that between each other.
 */
class GemmTest extends RestoresSwitches {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    enum Variant { GEMM, TRANS_A, TRANS_B }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void allVariantsMatchOracleAndScalarTwin(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Variant v : Variant.values()) {
            for (boolean accumulate : new boolean[] {false, true}) {
                int m = Fixtures.size(rng, 100);
                int k = Fixtures.size(rng, 100);
                int n = Fixtures.size(rng, 100);
                checkOne(seed, rng, v, accumulate, m, k, n);
            }
        }
    }

    /**
     * gemmTransA cuts its reduction (A's rows) into slabs of {@link Gemm#K_SLAB}; with A^T B over
     * more rows than one slab (tall A, as H^T dV on a large graph) the result has the bits of one
     * unsliced pass of the blocked kernel over all rows, at every thread count.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void transAOverSeveralSlabsHasTheBitsOfOneUnslicedPass(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = Gemm.K_SLAB + 1 + rng.nextInt(2 * Gemm.K_SLAB);
        int k = Fixtures.size(rng, 40);
        int n = Fixtures.size(rng, 150);
        Matrix a = Fixtures.randomMatrix(rng, m, k);
        Matrix b = Fixtures.randomMatrix(rng, m, n);
        Matrix c0 = Fixtures.randomMatrix(rng, k, n);
        Matrix want = c0.copy();
        PanelKernels.updateSimd(a.data, 0, 1, k, b.data, 0, n, m, want.data, 0, n, k, n);
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            Matrix c = c0.copy();
            Gemm.gemmTransA(a, b, c, true);
            Fixtures.assertBitIdentical("m=" + m + " k=" + k + " n=" + n + " threads=" + threads + " seed=" + seed, want.data, c.data);
        }
    }

    private static void checkOne(long seed, SplittableRandom rng, Variant v, boolean accumulate, int m, int k, int n) {
        Matrix a = Fixtures.randomMatrix(rng, m, k);
        Matrix b = switch (v) {
            case GEMM -> Fixtures.randomMatrix(rng, k, n);
            case TRANS_A -> Fixtures.randomMatrix(rng, m, n);
            case TRANS_B -> Fixtures.randomMatrix(rng, n, k);
        };
        int outRows = v == Variant.TRANS_A ? k : m;
        Matrix c0 = Fixtures.randomMatrix(rng, outRows, n);
        double[] want = new double[outRows * n];
        double[] mag = new double[outRows * n];
        oracle(v, a, b, accumulate ? c0 : null, want, mag);
        String what = v + " m=" + m + " k=" + k + " n=" + n + " accumulate=" + accumulate + " seed=" + seed;

        float[][] bySimd = new float[2][];
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (boolean simd : new boolean[] {false, true}) {
                Simd.setEnabled(simd);
                String label = what + " simd=" + simd + " threads=" + threads;
                Matrix c = run(v, a, b, c0, accumulate);
                Fixtures.assertClose(label, c.data, want, mag, RTOL, ATOL);
                Matrix again = run(v, a, b, c0, accumulate);
                Fixtures.assertBitIdentical(label + " (repeat)", c.data, again.data);
                bySimd[simd ? 1 : 0] = c.data;
            }
            Fixtures.assertClose(what + " threads=" + threads + ": simd vs scalar", bySimd[1], bySimd[0], mag, 2 * RTOL, 2 * ATOL);
        }
    }

    /** Runs the kernel into a copy of c0 (accumulate) or into a buffer of NaN, which it must overwrite. */
    private static Matrix run(Variant v, Matrix a, Matrix b, Matrix c0, boolean accumulate) {
        Matrix c = c0.copy();
        if (!accumulate) {
            c.fill(Float.NaN);
        }
        switch (v) {
            case GEMM -> Gemm.gemm(a, b, c, accumulate);
            case TRANS_A -> Gemm.gemmTransA(a, b, c, accumulate);
            case TRANS_B -> Gemm.gemmTransB(a, b, c, accumulate);
        }
        return c;
    }

    /** want = (c0 +) op(a) op(b) in double; mag = (|c0| +) the sum of the absolute products. */
    private static void oracle(Variant v, Matrix a, Matrix b, Matrix c0, double[] want, double[] mag) {
        int outRows = v == Variant.TRANS_A ? a.cols : a.rows;
        int n = v == Variant.TRANS_B ? b.rows : b.cols;
        int inner = v == Variant.TRANS_A ? a.rows : a.cols;
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0 == null ? 0 : c0.get(i, j);
                double abs = Math.abs(s);
                for (int p = 0; p < inner; p++) {
                    double x = switch (v) {
                        case GEMM -> (double) a.get(i, p) * b.get(p, j);
                        case TRANS_A -> (double) a.get(p, i) * b.get(p, j);
                        case TRANS_B -> (double) a.get(i, p) * b.get(j, p);
                    };
                    s += x;
                    abs += Math.abs(x);
                }
                want[i * n + j] = s;
                mag[i * n + j] = abs;
            }
        }
    }

    @Test
    void shapeMismatchNamesOpAndShapes() {
        Matrix a = new Matrix(2, 3);
        Matrix b = new Matrix(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(a, b, new Matrix(2, 5), false));
        assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("2x3") && e.getMessage().contains("4x5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gemm.gemmTransA(a, b, new Matrix(3, 5), false));
        assertThrows(IllegalArgumentException.class, () -> Gemm.gemmTransB(a, b, new Matrix(2, 4), false));
    }
}
