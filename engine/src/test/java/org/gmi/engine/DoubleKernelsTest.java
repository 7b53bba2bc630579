package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The double twins: dot and axpy, vectorised and scalar, against an exact (BigDecimal) oracle on
 * lengths 0..130 at random offsets; the switch picks the right twin; words outside a slice stay.
 */
class DoubleKernelsTest extends RestoresSwitches {
    private static double[] random(SplittableRandom rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2 * rng.nextDouble() - 1;
        }
        return a;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void dotAndAxpyTwinsMatchAnExactOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int rep = 0; rep < 20; rep++) {
            int n = rng.nextInt(131);
            int xOff = rng.nextInt(9);
            int yOff = rng.nextInt(9);
            double[] x = random(rng, xOff + n + rng.nextInt(9));
            double[] y = random(rng, yOff + n + rng.nextInt(9));
            BigDecimal exact = BigDecimal.ZERO;
            double mag = 0;
            for (int p = 0; p < n; p++) {
                exact = exact.add(new BigDecimal(x[xOff + p]).multiply(new BigDecimal(y[yOff + p])));
                mag += Math.abs(x[xOff + p] * y[yOff + p]);
            }
            String what = "n=" + n + " xOff=" + xOff + " yOff=" + yOff + " seed=" + seed;
            double tol = 1e-14 * mag + 1e-300;
            double simd = DoubleKernels.dotSimd(x, xOff, y, yOff, n);
            double scalar = DoubleKernels.dotScalar(x, xOff, y, yOff, n);
            assertEquals(exact.doubleValue(), simd, tol, "dot " + what + " (simd)");
            assertEquals(exact.doubleValue(), scalar, tol, "dot " + what + " (scalar)");
            Simd.setEnabled(false);
            assertEquals(scalar, DoubleKernels.dot(x, xOff, y, yOff, n), 0, "switch off picks scalar " + what);
            Simd.setEnabled(true);
            assertEquals(simd, DoubleKernels.dot(x, xOff, y, yOff, n), 0, "switch on picks simd " + what);

            double alpha = 4 * rng.nextDouble() - 2;
            double[] ySimd = y.clone();
            double[] yScalar = y.clone();
            DoubleKernels.axpySimd(alpha, x, xOff, ySimd, yOff, n);
            DoubleKernels.axpyScalar(alpha, x, xOff, yScalar, yOff, n);
            for (int i = 0; i < y.length; i++) {
                boolean inside = i >= yOff && i < yOff + n;
                double want = inside ? new BigDecimal(y[i]).add(new BigDecimal(alpha).multiply(new BigDecimal(x[xOff + i - yOff])))
                        .doubleValue() : y[i];
                double t = inside ? 3e-16 * (Math.abs(y[i]) + Math.abs(alpha * x[xOff + i - yOff])) : 0;
                assertEquals(want, ySimd[i], t, "axpy simd " + what + " at " + i);
                assertEquals(want, yScalar[i], t, "axpy scalar " + what + " at " + i);
            }
        }
    }
}
