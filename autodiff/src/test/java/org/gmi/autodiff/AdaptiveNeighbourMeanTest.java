package org.gmi.autodiff;

import static org.gmi.autodiff.GradientFixtures.SMOOTH;
import static org.gmi.autodiff.GradientFixtures.assertOpGradients;
import static org.gmi.autodiff.GradientFixtures.param;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.gmi.autodiff.ops.AdaptiveNeighbourMean;
import org.gmi.autodiff.ops.SparseMatMul;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.engine.Simd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GMI-adaptive's weighted neighbour aggregation ({@link AdaptiveNeighbourMean}) on random graphs of
 * 2 to 40 nodes with isolated nodes (rows of zero weights) and self loops: gradients of H and Z
 * against central differences (step 1e-2, rtol 2e-2, atol 1e-4 x max(1, sum |W Y|)), vectorised and
 * scalar, one and two threads; values against a dense double computation of
 * w_ij = sigmoid(h_i . h_j) / sum_k sigmoid(h_i . h_k); and at H = 0 the op equals M Z (GMI-mean).
 */
class AdaptiveNeighbourMeanTest {
    private int threadsBefore;

    @BeforeEach
    void remember() {
        threadsBefore = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Simd.setEnabled(true);
        Parallel.setThreads(threadsBefore);
    }

    /** A random symmetric pattern; about a fifth of the nodes isolated, a few self loops. */
    static CsrMatrix randomGraph(SplittableRandom rng, int n) {
        double[][] a = new double[n][n];
        boolean[] isolated = new boolean[n];
        for (int i = 0; i < n; i++) {
            isolated[i] = rng.nextInt(5) == 0;
        }
        double density = 0.1 + 0.4 * rng.nextDouble();
        for (int i = 0; i < n; i++) {
            if (isolated[i]) {
                continue;
            }
            if (rng.nextInt(10) == 0) {
                a[i][i] = 1;
            }
            for (int j = i + 1; j < n; j++) {
                if (!isolated[j] && rng.nextDouble() < density) {
                    a[i][j] = 1;
                    a[j][i] = 1;
                }
            }
        }
        // the values are those of M = D^-1 A (the op reads only the pattern)
        for (int i = 0; i < n; i++) {
            double deg = 0;
            for (int j = 0; j < n; j++) {
                deg += a[i][j];
            }
            for (int j = 0; j < n; j++) {
                a[i][j] = deg == 0 ? 0 : a[i][j] / deg;
            }
        }
        return GradientFixtures.csr(a, n);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void gradientsOfEmbeddingsAndValues(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 2 + rng.nextInt(rng.nextInt(4) == 0 ? 39 : 15);
        int e = 1 + rng.nextInt(10);
        int d = 1 + rng.nextInt(10);
        CsrMatrix m = randomGraph(rng, n);
        // |h_i . h_j| up to a few units: the sigmoids are neither flat nor saturated
        double half = Math.sqrt(3 * (0.5 + 2.5 * rng.nextDouble()) / e);
        Parameter h = param(rng, "h", n, e, -half, half);
        Parameter z = param(rng, "z", n, d, -1, 1);
        for (boolean simd : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 2}) {
                Simd.setEnabled(simd);
                Parallel.setThreads(threads);
                Tape tape = new Tape();
                assertOpGradients("AdaptiveNeighbourMean " + m + " e=" + e + " d=" + d + " simd=" + simd + " threads=" + threads
                        + " seed=" + seed, tape, () -> AdaptiveNeighbourMean.apply(tape, "hn", m, h, z),
                        new Tensor[] {h, z}, SMOOTH, seed);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void valuesMatchDenseReference(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5eedL);
        int n = 2 + rng.nextInt(30);
        int e = 1 + rng.nextInt(12);
        int d = 1 + rng.nextInt(12);
        CsrMatrix m = randomGraph(rng, n);
        double[][] a = dense(m);
        // some large scores too: the softmax of log sigmoid must stay finite and exact
        Matrix h = GradientFixtures.uniform(rng, n, e, -4, 4);
        Matrix z = GradientFixtures.uniform(rng, n, d, -1, 1);
        Tensor y = AdaptiveNeighbourMean.apply(new Tape(), "hn", m, Tensor.constant("h", h), Tensor.constant("z", z));
        for (int i = 0; i < n; i++) {
            double norm = 0;
            double[] w = new double[n];
            for (int j = 0; j < n; j++) {
                if (a[i][j] != 0) {
                    double s = 0;
                    for (int c = 0; c < e; c++) {
                        s += (double) h.get(i, c) * h.get(j, c);
                    }
                    w[j] = 1 / (1 + Math.exp(-s));
                    norm += w[j];
                }
            }
            for (int c = 0; c < d; c++) {
                double ref = 0;
                for (int j = 0; j < n; j++) {
                    ref += norm == 0 ? 0 : w[j] / norm * z.get(j, c);
                }
                assertEquals(ref, y.value().get(i, c), 1e-5 * (1 + Math.abs(ref)),
                        "row " + i + " col " + c + " of " + m + " seed=" + seed + (norm == 0 ? " (isolated node)" : ""));
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void atZeroEmbeddingsItIsTheNeighbourMean(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0xA11L);
        int n = 2 + rng.nextInt(30);
        CsrMatrix m = randomGraph(rng, n);
        Parameter z = param(rng, "z", n, 1 + rng.nextInt(8), -1, 1);
        Tensor h = Tensor.constant("h", new Matrix(n, 1 + rng.nextInt(5)));
        Tensor adaptive = AdaptiveNeighbourMean.apply(new Tape(), "adaptive", m, h, z);
        Tensor mean = SparseMatMul.apply(new Tape(), "mean", m, z);
        for (int k = 0; k < mean.value().data.length; k++) {
            assertEquals(mean.value().data[k], adaptive.value().data[k], 1e-6, "entry " + k + " of " + m + " seed=" + seed);
        }
    }

    private static double[][] dense(CsrMatrix m) {
        double[][] a = new double[m.rows][m.cols];
        for (int i = 0; i < m.rows; i++) {
            for (int k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
                a[i][m.colIdx[k]] = 1;
            }
        }
        return a;
    }
}
