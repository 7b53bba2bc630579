package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Test data of the engine and of the modules above it (they depend on this module's test-jar):
 * everything is built from one {@link SplittableRandom} seeded by the test, so a failure is
 * reproduced from the seed printed in its message.
 */
public final class Fixtures {
    private Fixtures() {}

    /** Sizes around the vector width (16 floats with AVX-512) and the unroll factors (x2, x4). */
    public static final int[] EDGE_SIZES = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100};

    /** Seeds for the property tests; {@code -Dgmi.test.seeds=1000} runs more of them (calibration). */
    public static LongStream seeds() {
        return LongStream.rangeClosed(1, Integer.getInteger("gmi.test.seeds", 30));
    }

    /** A size in [1, max]: half the time one of {@link #EDGE_SIZES}, otherwise uniform. */
    public static int size(SplittableRandom rng, int max) {
        if (rng.nextBoolean()) {
            List<Integer> fit = new ArrayList<>();
            for (int s : EDGE_SIZES) {
                if (s <= max) {
                    fit.add(s);
                }
            }
            return fit.get(rng.nextInt(fit.size()));
        }
        return 1 + rng.nextInt(max);
    }

    /** Entries uniform in [-1, 1); about a fifth of them exactly zero (the scalar GEMM skips zeros). */
    public static Matrix randomMatrix(SplittableRandom rng, int rows, int cols) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextInt(5) == 0 ? 0f : (float) (2 * rng.nextDouble() - 1);
        }
        return m;
    }

    public static float[] randomArray(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return a;
    }

    /**
     * A random CSR matrix: density drawn per matrix in [0, 0.5], a quarter of the rows forced empty,
     * sometimes no entry at all; values in [-1, 1).
     */
    public static CsrMatrix randomCsr(SplittableRandom rng, int rows, int cols) {
        double density = rng.nextInt(8) == 0 ? 0 : 0.5 * rng.nextDouble();
        int[] ptr = new int[rows + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            boolean empty = rng.nextInt(4) == 0;
            for (int j = 0; j < cols && !empty; j++) {
                if (rng.nextDouble() < density) {
                    idx.add(j);
                    val.add((float) (2 * rng.nextDouble() - 1));
                }
            }
            ptr[i + 1] = idx.size();
        }
        int[] ci = new int[idx.size()];
        float[] v = new float[idx.size()];
        for (int k = 0; k < ci.length; k++) {
            ci[k] = idx.get(k);
            v[k] = val.get(k);
        }
        CsrMatrix s = new CsrMatrix(rows, cols, ptr, ci, v);
        s.checkInvariants();
        return s;
    }

    /** A symmetric pattern on n nodes with every diagonal entry present; values 1 (or 2 on a random diagonal entry). */
    public static CsrMatrix randomSymmetricPatternWithDiagonal(SplittableRandom rng, int n) {
        boolean[][] t = new boolean[n][n];
        double density = 0.3 * rng.nextDouble();
        for (int i = 0; i < n; i++) {
            t[i][i] = true;
            for (int j = i + 1; j < n; j++) {
                if (rng.nextDouble() < density) {
                    t[i][j] = true;
                    t[j][i] = true;
                }
            }
        }
        int[] ptr = new int[n + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (t[i][j]) {
                    idx.add(j);
                    // A self loop in A gives A + I a 2 on the diagonal; the kernel reads the pattern only.
                    val.add(i == j && rng.nextInt(8) == 0 ? 2f : 1f);
                }
            }
            ptr[i + 1] = idx.size();
        }
        int[] ci = idx.stream().mapToInt(Integer::intValue).toArray();
        float[] v = new float[ci.length];
        for (int k = 0; k < v.length; k++) {
            v[k] = val.get(k);
        }
        CsrMatrix s = new CsrMatrix(n, n, ptr, ci, v);
        s.checkInvariants();
        return s;
    }

    public static int[] randomIndices(SplittableRandom rng, int length, int bound) {
        int[] idx = new int[length];
        for (int i = 0; i < length; i++) {
            idx[i] = rng.nextInt(bound);
        }
        return idx;
    }

    /**
     * Asserts |got[i] - want[i]| <= rtol * mag[i] + atol for every i, where mag[i] is the sum of the
     * absolute values of the terms that make want[i] (a bound on float summation error, which a
     * relative error on want alone is not under cancellation).
     */
    public static void assertClose(String what, float[] got, double[] want, double[] mag, double rtol, double atol) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            double tol = rtol * mag[i] + atol;
            if (!(err <= tol)) {
                fail(String.format(java.util.Locale.ROOT, "%s: entry %d: got %.9g, want %.9g, |diff| %.3g > tol %.3g",
                        what, i, got[i], want[i], err, tol));
            }
        }
    }

    /** Same as {@link #assertClose(String, float[], double[], double[], double, double)} between two float results. */
    public static void assertClose(String what, float[] got, float[] want, double[] mag, double rtol, double atol) {
        double[] w = new double[want.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = want[i];
        }
        assertClose(what, got, w, mag, rtol, atol);
    }

    /** Bit-for-bit equality (NaN patterns included). */
    public static void assertBitIdentical(String what, float[] a, float[] b) {
        assertEquals(a.length, b.length, what + ": length");
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                fail(what + ": entry " + i + " differs between repeated calls: " + a[i] + " vs " + b[i]);
            }
        }
    }
}
