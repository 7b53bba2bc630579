package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tiled reconstruction against a naive dense double-precision implementation of the formula
 * in its Javadoc:
 * <pre>
 *   loss = w2 / N^2 * sum_ij [ T_ij (-w1 log(R_ij + eps)) + (1 - T_ij) (-log(1 - R_ij + eps)) ],  R = sigmoid(h_i . h_j)
 *   dL/dh_i = sum_j (dl/ds_ij + dl/ds_ji) h_j
 * </pre>
 * with a random symmetric target pattern that includes the diagonal, N from 1 to 150 (not a multiple
 * of the tile size 64 most of the time) and one N of 200, d from 1 to 131 (d >= 64 reaches the
 * register-blocked gradient), vectorised and scalar, one and two threads,
 * one kernel instance reused across all of them (its per-chunk buffers grow and are reused).
 *
 * <p>Tolerances: loss within 1e-4 * Lmag + 1e-7 and each gradient entry within 1e-4 * Gmag + 1e-7,
 * where Lmag and Gmag are the same sums taken over absolute values (the loss as a dense term plus an
 * edge correction cancels; a relative error on the result alone would not be a sound bound).
 * Vectorised vs scalar and 1 vs 2 threads: twice that. Repeated calls at one thread count: bit-identical.
 */
class ReconstructionTest extends RestoresSwitches {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-7;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Integer.getInteger("gmi.test.seeds", 40));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void matchesDenseOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        // around the tile size B = 128 and its 64-column blocks: a last tile of 72 columns is one
        // blocked 64-column block and 8 columns of row dots
        int[] interesting = {1, 2, 3, 17, 63, 64, 65, 100, 127, 128, 129, 150, 192, 200, 256, 257, 300};
        int n = rng.nextBoolean() ? interesting[rng.nextInt(interesting.length)] : 1 + rng.nextInt(300);
        // d >= 64 reaches the 4 x 64 register blocks of the vectorised gradient, d % 64 != 0 their tails
        int[] wide = {16, 17, 33, 64, 65, 100, 131};
        int d = rng.nextInt(3) == 0 ? wide[rng.nextInt(wide.length)] : 1 + rng.nextInt(20);
        check(seed, rng, n, d);
    }

    @Test
    void largerGraphOfTwoHundredNodes() {
        long seed = 200;
        check(seed, new SplittableRandom(seed), 200, 70);
    }

    private static void check(long seed, SplittableRandom rng, int n, int d) {
        // |h_i|^2 around `scale`: s_ii = h_i . h_i is moderate and sigmoid is not saturated.
        double scale = 0.5 + 2.5 * rng.nextDouble();
        double half = Math.sqrt(3 * scale / d);
        Matrix h = new Matrix(n, d);
        for (int k = 0; k < h.data.length; k++) {
            h.data[k] = (float) (half * (2 * rng.nextDouble() - 1));
        }
        CsrMatrix target = Fixtures.randomSymmetricPatternWithDiagonal(rng, n);
        float w1 = (float) (0.5 + 5 * rng.nextDouble());
        float w2 = (float) (0.5 + 2 * rng.nextDouble());
        float eps = rng.nextBoolean() ? 1e-10f : 1e-3f;
        float gradScale = (float) (0.5 + 1.5 * rng.nextDouble());
        Matrix dH0 = Fixtures.randomMatrix(rng, n, d);

        Oracle o = new Oracle(h, target, w1, w2, eps);
        double[] wantGrad = new double[n * d];
        double[] gradMag = new double[n * d];
        for (int k = 0; k < wantGrad.length; k++) {
            wantGrad[k] = dH0.data[k] + gradScale * o.grad[k];
            gradMag[k] = Math.abs(dH0.data[k]) + gradScale * o.gradMag[k];
        }
        String what = "reconstruction N=" + n + " d=" + d + " nnz(T)=" + target.nnz() + " w1=" + w1 + " w2=" + w2
                + " eps=" + eps + " seed=" + seed;

        Reconstruction kernel = new Reconstruction(n, d);
        double[][] losses = new double[2][2];
        float[][][] grads = new float[2][2][];
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (boolean simd : new boolean[] {false, true}) {
                Simd.setEnabled(simd);
                String label = what + " simd=" + simd + " threads=" + threads;
                Matrix dH = dH0.copy();
                double loss = kernel.lossAndGradient(h, target, w1, w2, eps, gradScale, dH);
                double lossTol = RTOL * o.lossMag + ATOL;
                if (!(Math.abs(loss - o.loss) <= lossTol)) {
                    fail(label + ": loss " + loss + ", oracle " + o.loss + ", |diff| " + Math.abs(loss - o.loss) + " > " + lossTol);
                }
                Fixtures.assertClose(label + ": dH", dH.data, wantGrad, gradMag, RTOL, ATOL);

                Matrix dHAgain = dH0.copy();
                double lossAgain = kernel.lossAndGradient(h, target, w1, w2, eps, gradScale, dHAgain);
                assertEquals(loss, lossAgain, 0.0, label + ": repeated loss not bit-identical");
                Fixtures.assertBitIdentical(label + ": repeated dH", dH.data, dHAgain.data);
                assertEquals(loss, kernel.lossAndGradient(h, target, w1, w2, eps, gradScale, null), 0.0,
                        label + ": loss without gradient differs");

                losses[threads - 1][simd ? 1 : 0] = loss;
                grads[threads - 1][simd ? 1 : 0] = dH.data;
            }
        }
        for (int t = 0; t < 2; t++) {
            for (int s = 0; s < 2; s++) {
                String label = what + ": simd=" + (s == 1) + " threads=" + (t + 1) + " vs scalar, 1 thread";
                double diff = Math.abs(losses[t][s] - losses[0][0]);
                if (!(diff <= 2 * (RTOL * o.lossMag + ATOL))) {
                    fail(label + ": loss " + losses[t][s] + " vs " + losses[0][0]);
                }
                Fixtures.assertClose(label + ": dH", grads[t][s], grads[0][0], gradMag, 2 * RTOL, 2 * ATOL);
            }
        }
    }

    /** The formula, pair by pair, in double; plus the same sums over absolute values. */
    static final class Oracle {
        final double loss;
        final double lossMag;
        final double[] grad;
        final double[] gradMag;

        Oracle(Matrix h, CsrMatrix target, double w1, double w2, double eps) {
            int n = h.rows;
            int d = h.cols;
            boolean[][] t = new boolean[n][n];
            for (int i = 0; i < n; i++) {
                for (int e = target.rowPtr[i]; e < target.rowPtr[i + 1]; e++) {
                    t[i][target.colIdx[e]] = true;
                }
            }
            double norm = w2 / ((double) n * n);
            double[][] g = new double[n][n];
            double[][] gAbs = new double[n][n];
            double sum = 0;
            double sumAbs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += (double) h.get(i, c) * h.get(j, c);
                    }
                    double r = 1 / (1 + Math.exp(-s));
                    double l0 = -Math.log(1 - r + eps);
                    double dl0 = r * (1 - r) / (1 - r + eps);
                    double l1 = -w1 * Math.log(r + eps);
                    double dl1 = -w1 * r * (1 - r) / (r + eps);
                    sum += t[i][j] ? l1 : l0;
                    g[i][j] = norm * (t[i][j] ? dl1 : dl0);
                    // The kernel sums l0 densely and corrects edges by l1 - l0: both enter its error.
                    sumAbs += Math.abs(l0) + (t[i][j] ? Math.abs(l1) + Math.abs(l0) : 0);
                    gAbs[i][j] = norm * (Math.abs(dl0) + (t[i][j] ? Math.abs(dl1) + Math.abs(dl0) : 0));
                }
            }
            loss = norm * sum;
            lossMag = norm * sumAbs;
            grad = new double[n * d];
            gradMag = new double[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double gij = g[i][j] + g[j][i];
                    double aij = gAbs[i][j] + gAbs[j][i];
                    for (int c = 0; c < d; c++) {
                        grad[i * d + c] += gij * h.get(j, c);
                        gradMag[i * d + c] += aij * Math.abs(h.get(j, c));
                    }
                }
            }
        }
    }

    /** The vectorised non-edge pass against its scalar twin, eps = 0 (the general log) included, with tails. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nonEdgePassMatchesItsScalarTwin(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] epsChoices = {0f, 1e-10f, 1e-3f};
        float eps = epsChoices[rng.nextInt(epsChoices.length)];
        int rows = 1 + rng.nextInt(Reconstruction.B);
        int nj = 1 + rng.nextInt(Reconstruction.B);
        float[] simd = new float[Reconstruction.TILE_BUFFER];
        float[] scalar = new float[Reconstruction.TILE_BUFFER];
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < nj; b++) {
                simd[a * Reconstruction.B + b] = (float) (rng.nextDouble() * 16 - 8);
            }
        }
        System.arraycopy(simd, 0, scalar, 0, Reconstruction.TILE_FLOATS);
        float[] s = java.util.Arrays.copyOf(simd, Reconstruction.TILE_FLOATS);
        double lossSimd = Reconstruction.nonEdgeLossSimd(simd, rows * Reconstruction.B, nj, eps);
        double lossScalar = Reconstruction.nonEdgeLossScalar(scalar, rows * Reconstruction.B, nj, eps);
        String where = " (seed " + seed + ", eps " + eps + ", " + rows + " x " + nj + ")";
        assertEquals(lossScalar, lossSimd, 1e-5 * Math.abs(lossScalar) + 1e-6, "loss" + where);
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < nj; b++) {
                int o = a * Reconstruction.B + b;
                // dl/ds = R(1-R)/(1-R+eps) is ill-conditioned where R is near 1: one ulp of R (the
                // vector exp and Math.exp may round R differently) moves it by about ulp(1)/(1-R+eps).
                double r = 1 / (1 + Math.exp(-s[o]));
                double conditioning = 2 * Math.ulp(1f) / (1 - r + eps);
                assertEquals(scalar[o], simd[o], 1e-6f * Math.abs(scalar[o]) + 1e-9f + conditioning,
                        "dl/ds at " + a + "," + b + where);
            }
        }
    }

    @Test
    void wrongShapesAreRejected() {
        Reconstruction kernel = new Reconstruction(5, 3);
        CsrMatrix eye = new CsrMatrix(5, 5, new int[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2, 3, 4}, new float[] {1, 1, 1, 1, 1});
        assertThrows(IllegalArgumentException.class,
                () -> kernel.lossAndGradient(new Matrix(5, 4), eye, 1f, 1f, 1e-10f, 1f, null));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.lossAndGradient(new Matrix(5, 3), new CsrMatrix(4, 4, new int[5], new int[0], new float[0]),
                        1f, 1f, 1e-10f, 1f, null));
        assertThrows(IllegalArgumentException.class,
                () -> kernel.lossAndGradient(new Matrix(5, 3), eye, 1f, 1f, 1e-10f, 1f, new Matrix(5, 2)));
    }
}
