package org.gmi.models.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.gmi.engine.Parallel;
import org.gmi.graph.Split;
import org.gmi.graph.Splits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The honest probe: its gradient, that L-BFGS reaches the minimum, invariance to the embeddings'
 * scale, that test labels choose nothing, and the same bits on any thread count.
 */
class LogisticProbeTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** n nodes in `classes` Gaussian clusters in d dimensions (class means 1.2 apart per axis), tiny scale like DGI's. */
    static float[] clusters(long seed, int n, int d, int classes, int[] labels, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] centre = new double[classes][d];
        for (double[] c : centre) {
            for (int j = 0; j < d; j++) {
                c[j] = 0.6 * rng.nextGaussian();
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(classes);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (scale * (centre[labels[i]][j] + rng.nextGaussian() + (j == 0 ? 5 : 0)));
            }
        }
        return x;
    }

    @Test
    void gradientMatchesCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 30;
        int d = 5;
        int c = 3;
        double[] x = new double[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(c);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = rng.nextGaussian();
            }
        }
        LogisticProbe.Problem p = new LogisticProbe.Problem(x, y, d, c);
        p.lambda = 0.3;
        double[] w = new double[p.size()];
        for (int k = 0; k < w.length; k++) {
            w[k] = rng.nextGaussian();
        }
        double[] g = new double[w.length];
        p.evaluate(w, g);
        double[] scratch = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            double h = 1e-6;
            double keep = w[k];
            w[k] = keep + h;
            double up = p.evaluate(w, scratch);
            w[k] = keep - h;
            double down = p.evaluate(w, scratch);
            w[k] = keep;
            assertEquals((up - down) / (2 * h), g[k], 1e-7, "d f / d w[" + k + "]");
        }
    }

    @Test
    void lbfgsReachesTheMinimum() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 200;
        int d = 12;
        int c = 4;
        double[] x = new double[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(c);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = rng.nextGaussian() + (j == y[i] ? 1.5 : 0);
            }
        }
        LogisticProbe.Problem p = new LogisticProbe.Problem(x, y, d, c);
        p.lambda = 1.0 / (10 * n);
        double[] w = new double[p.size()];
        Lbfgs.Result r = Lbfgs.minimise(p, w, 10, 1e-8, 1000);
        assertTrue(r.converged(), "converged in " + r.iterations());
        double[] g = new double[w.length];
        double f = p.evaluate(w, g);
        for (double v : g) {
            assertEquals(0, v, 1e-8, "gradient at the minimum");
        }
        // a convex function at its minimum: every small step goes up
        double[] scratch = new double[w.length];
        for (int trial = 0; trial < 20; trial++) {
            double[] moved = w.clone();
            for (int k = 0; k < moved.length; k++) {
                moved[k] += 1e-3 * rng.nextGaussian();
            }
            assertTrue(p.evaluate(moved, scratch) > f, "f rises away from the minimum");
        }
    }

    @ParameterizedTest(name = "scale {0}")
    @ValueSource(doubles = {1e-3, 1e3})
    void rescalingTheEmbeddingsChangesNothing(double factor) {
        int n = 800;
        int d = 24;
        int[] labels = new int[n];
        float[] x = clusters(3, n, d, 4, labels, 0.006);
        float[] scaled = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            scaled[i] = (float) (x[i] * factor);
        }
        Split split = Splits.random(labels, 0.1, 0.1, 5);
        LogisticProbe.Fit a = LogisticProbe.fit(x, d, labels, 4, split, LogisticProbe.DEFAULT_GRID);
        LogisticProbe.Fit b = LogisticProbe.fit(scaled, d, labels, 4, split, LogisticProbe.DEFAULT_GRID);
        assertTrue(a.testAccuracy() > 0.6, "the clusters are learnable: " + a.testAccuracy());
        assertEquals(a.chosen(), b.chosen(), "chosen C");
        assertArrayEquals(a.valAccuracy(), b.valAccuracy(), "validation accuracy per C");
        assertArrayEquals(a.testPredictions(), b.testPredictions(), "test predictions");
        assertEquals(a.testAccuracy(), b.testAccuracy());
    }

    @Test
    void testLabelsAreNeverRead() {
        int n = 800;
        int d = 24;
        int[] labels = new int[n];
        float[] x = clusters(4, n, d, 4, labels, 1);
        Split split = Splits.random(labels, 0.1, 0.1, 9);
        int[] poisoned = labels.clone();
        for (int node : split.test()) {
            poisoned[node] = (labels[node] + 1) % 4;
        }
        LogisticProbe.Fit clean = LogisticProbe.fit(x, d, labels, 4, split, LogisticProbe.DEFAULT_GRID);
        LogisticProbe.Fit dirty = LogisticProbe.fit(x, d, poisoned, 4, split, LogisticProbe.DEFAULT_GRID);
        assertEquals(clean.chosen(), dirty.chosen(), "chosen C");
        assertArrayEquals(clean.valAccuracy(), dirty.valAccuracy());
        assertArrayEquals(clean.iterations(), dirty.iterations());
        assertArrayEquals(clean.testPredictions(), dirty.testPredictions(), "the same classifier");
        // scored against the poisoned labels the same predictions are (almost) all wrong: they were read only there
        assertTrue(clean.testAccuracy() > 0.6 && dirty.testAccuracy() < 0.4,
                "clean " + clean.testAccuracy() + ", poisoned " + dirty.testAccuracy());
    }

    @Test
    void sameBitsOnAnyThreadCount() {
        int n = 700;
        int d = 40;
        int[] labels = new int[n];
        float[] x = clusters(5, n, d, 5, labels, 1);
        Split split = Splits.random(labels, 0.1, 0.1, 1);
        Parallel.setThreads(1);
        LogisticProbe.Fit one = LogisticProbe.fit(x, d, labels, 5, split, LogisticProbe.DEFAULT_GRID);
        Parallel.setThreads(3);
        LogisticProbe.Fit three = LogisticProbe.fit(x, d, labels, 5, split, LogisticProbe.DEFAULT_GRID);
        assertArrayEquals(one.valAccuracy(), three.valAccuracy());
        assertArrayEquals(one.iterations(), three.iterations(), "the same path through L-BFGS");
        assertArrayEquals(one.testPredictions(), three.testPredictions());
    }
}
