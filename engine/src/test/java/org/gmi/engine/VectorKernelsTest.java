package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dot and axpy: the Simd twin, the Scalar twin and the switched entry point against a double oracle,
 * on lengths 0..130 (tails and the two-accumulator unroll of dot) at random offsets into larger arrays.
 *
 * <p>Tolerance: dot within 1e-5 * sum |x||y| + 1e-6; axpy within 1e-6 * (|y| + |alpha x|) + 1e-7
 * (one rounding of an fma or of a multiply and an add); the words outside the slice must not change.
 */
class VectorKernelsTest extends RestoresSwitches {
    private static int length(SplittableRandom rng) {
        return rng.nextInt(4) == 0 ? rng.nextInt(131) : (rng.nextInt(5) == 0 ? 0 : Fixtures.size(rng, 100));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void dotTwinsMatchOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int rep = 0; rep < 20; rep++) {
            int n = length(rng);
            int xOff = rng.nextInt(20);
            int yOff = rng.nextInt(20);
            float[] x = Fixtures.randomArray(rng, xOff + n + rng.nextInt(20));
            float[] y = Fixtures.randomArray(rng, yOff + n + rng.nextInt(20));
            double want = 0;
            double mag = 0;
            for (int p = 0; p < n; p++) {
                double t = (double) x[xOff + p] * y[yOff + p];
                want += t;
                mag += Math.abs(t);
            }
            double tol = 1e-5 * mag + 1e-6;
            String what = "dot n=" + n + " xOff=" + xOff + " yOff=" + yOff + " seed=" + seed;
            float simd = VectorKernels.dotSimd(x, xOff, y, yOff, n);
            float scalar = VectorKernels.dotScalar(x, xOff, y, yOff, n);
            assertEquals(want, simd, tol, what + " (simd)");
            assertEquals(want, scalar, tol, what + " (scalar)");
            assertEquals(scalar, simd, 2 * tol, what + " (simd vs scalar)");
            Simd.setEnabled(true);
            assertEquals(simd, VectorKernels.dot(x, xOff, y, yOff, n), 0f, what + " (switch on picks simd)");
            Simd.setEnabled(false);
            assertEquals(scalar, VectorKernels.dot(x, xOff, y, yOff, n), 0f, what + " (switch off picks scalar)");
            Simd.setEnabled(true);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void axpyTwinsMatchOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int rep = 0; rep < 20; rep++) {
            int n = length(rng);
            int xOff = rng.nextInt(20);
            int yOff = rng.nextInt(20);
            float alpha = (float) (4 * rng.nextDouble() - 2);
            float[] x = Fixtures.randomArray(rng, xOff + n + rng.nextInt(20));
            float[] y0 = Fixtures.randomArray(rng, yOff + n + rng.nextInt(20));
            double[] want = new double[y0.length];
            double[] mag = new double[y0.length];
            for (int i = 0; i < y0.length; i++) {
                want[i] = y0[i];
                mag[i] = 0;
            }
            for (int p = 0; p < n; p++) {
                want[yOff + p] += (double) alpha * x[xOff + p];
                mag[yOff + p] = Math.abs(y0[yOff + p]) + Math.abs((double) alpha * x[xOff + p]);
            }
            String what = "axpy n=" + n + " xOff=" + xOff + " yOff=" + yOff + " alpha=" + alpha + " seed=" + seed;
            float[] ySimd = y0.clone();
            VectorKernels.axpySimd(alpha, x, xOff, ySimd, yOff, n);
            float[] yScalar = y0.clone();
            VectorKernels.axpyScalar(alpha, x, xOff, yScalar, yOff, n);
            // mag is 0 outside the slice: those words must come back unchanged.
            Fixtures.assertClose(what + " (simd)", ySimd, want, mag, 1e-6, 0);
            Fixtures.assertClose(what + " (scalar)", yScalar, want, mag, 1e-6, 0);
            Fixtures.assertClose(what + " (simd vs scalar)", ySimd, yScalar, mag, 2e-6, 0);
            for (boolean on : new boolean[] {true, false}) {
                Simd.setEnabled(on);
                float[] y = y0.clone();
                VectorKernels.axpy(alpha, x, xOff, y, yOff, n);
                Fixtures.assertBitIdentical(what + " (switch " + on + ")", y, on ? ySimd : yScalar);
            }
            Simd.setEnabled(true);
        }
    }
}
