package org.gmi.models.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Pca} on points whose principal directions are known, over seeds. */
class PcaTest {
    static LongStream seeds() {
        return LongStream.rangeClosed(1, Integer.getInteger("gmi.test.seeds", 20));
    }

    /** A random unit vector of d dimensions. */
    private static double[] unit(SplittableRandom rng, int d) {
        double[] u = new double[d];
        double norm = 0;
        for (int c = 0; c < d; c++) {
            u[c] = rng.nextDouble() * 2 - 1;
            norm += u[c] * u[c];
        }
        for (int c = 0; c < d; c++) {
            u[c] /= Math.sqrt(norm);
        }
        return u;
    }

    /** Points a + t_i u on a line: the first component is +-u, it holds all the variance, and it reads back t_i - mean(t). */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pointsOnALineProjectOntoTheirPositionAlongIt(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 3 + rng.nextInt(60);
        int d = 2 + rng.nextInt(20);
        double[] u = unit(rng, d);
        double[] a = new double[d];
        for (int c = 0; c < d; c++) {
            a[c] = rng.nextDouble() * 10 - 5;
        }
        double[] t = new double[n];
        double tMean = 0;
        Matrix x = new Matrix(n, d);
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextDouble() * 8 - 4;
            tMean += t[i] / n;
            for (int c = 0; c < d; c++) {
                x.set(i, c, (float) (a[c] + t[i] * u[c]));
            }
        }
        Pca pca = Pca.fit(x, 2);
        String ctx = "n=" + n + " d=" + d + " seed=" + seed;
        double dot = 0;
        for (int c = 0; c < d; c++) {
            dot += pca.components().get(c, 0) * u[c];
        }
        assertEquals(1.0, Math.abs(dot), 1e-3, ctx + ": first component . u");
        assertEquals(1.0, pca.explainedRatio()[0], 1e-3, ctx + ": explained ratio of the line");
        Matrix y = pca.project(x);
        double sign = Math.signum(dot);
        for (int i = 0; i < n; i++) {
            assertEquals(sign * (t[i] - tMean), y.get(i, 0), 2e-3 * (1 + Math.abs(t[i])), ctx + ": point " + i);
            assertEquals(0.0, y.get(i, 1), 2e-3 * (1 + Math.abs(t[i])), ctx + ": off-line coordinate of point " + i);
        }
    }

    /** Two orthogonal directions with spreads 3 and 1: the components come in that order, with those variances. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void componentsComeInOrderOfVariance(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x9CAL);
        int d = 3 + rng.nextInt(10);
        int n = 400;
        double[] u = unit(rng, d);
        double[] w = unit(rng, d);
        double uw = 0;
        for (int c = 0; c < d; c++) {
            uw += u[c] * w[c];
        }
        double norm = 0;
        for (int c = 0; c < d; c++) {
            w[c] -= uw * u[c];
            norm += w[c] * w[c];
        }
        for (int c = 0; c < d; c++) {
            w[c] /= Math.sqrt(norm);
        }
        Matrix x = new Matrix(n, d);
        for (int i = 0; i < n; i++) {
            // +-3 and +-1 in a balanced pattern: the sample variances are exactly known
            double p = (i % 2 == 0 ? 3 : -3);
            double q = ((i / 2) % 2 == 0 ? 1 : -1);
            for (int c = 0; c < d; c++) {
                x.set(i, c, (float) (p * u[c] + q * w[c]));
            }
        }
        Pca pca = Pca.fit(x, 2);
        String ctx = "d=" + d + " seed=" + seed;
        assertEquals(9.0 * n / (n - 1), pca.variances()[0], 1e-2, ctx);
        assertEquals(1.0 * n / (n - 1), pca.variances()[1], 1e-2, ctx);
        double du = 0;
        double dw = 0;
        for (int c = 0; c < d; c++) {
            du += pca.components().get(c, 0) * u[c];
            dw += pca.components().get(c, 1) * w[c];
        }
        assertEquals(1.0, Math.abs(du), 1e-3, ctx);
        assertEquals(1.0, Math.abs(dw), 1e-3, ctx);
        assertTrue(pca.explainedRatio()[0] > pca.explainedRatio()[1], ctx);
    }

    @Test
    void rejectsTooFewPointsOrComponents() {
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(new Matrix(1, 3), 2));
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(new Matrix(5, 3), 4));
    }
}
