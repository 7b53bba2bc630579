package org.gmi.autodiff;

import static org.gmi.autodiff.GradientFixtures.LINEAR;
import static org.gmi.autodiff.GradientFixtures.SMOOTH;
import static org.gmi.autodiff.GradientFixtures.assertOpGradients;
import static org.gmi.autodiff.GradientFixtures.param;

import java.util.SplittableRandom;
import org.gmi.autodiff.ops.AddBias;
import org.gmi.autodiff.ops.BceWithLogits;
import org.gmi.autodiff.ops.BilinearScores;
import org.gmi.autodiff.ops.GatherRows;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.autodiff.ops.MatMul;
import org.gmi.autodiff.ops.PRelu;
import org.gmi.autodiff.ops.ReconstructionLoss;
import org.gmi.autodiff.ops.RowMean;
import org.gmi.autodiff.ops.Sigmoid;
import org.gmi.autodiff.ops.SparseMatMul;
import org.gmi.autodiff.ops.WeightedSum;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Fixtures;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.engine.Reconstruction;
import org.gmi.engine.Simd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's tape gradient against central differences ({@link GradientCheck}), one property per op
 * over seeds, on random small shapes, through a random linear functional of the op's output.
 *
 * <p>Steps and tolerances ({@link GradientFixtures.Tol}; atol is scaled by max(1, sum |W Y|)):
 * linear and bilinear ops and PReLU (inputs kept 0.05 away from its kink) step 1e-2, rtol 1e-3,
 * atol 1e-4; smooth nonlinear ops (Sigmoid, JsdMi, BceWithLogits, ReconstructionLoss) step 1e-2,
 * rtol 2e-2, atol 1e-4. At most 30 entries per tensor are checked.
 */
class OpGradientTest {
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

    private static int size(SplittableRandom rng, int max) {
        return rng.nextInt(5) == 0 ? Math.min(max, 17) : 1 + rng.nextInt(max);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void sparseMatMul(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        CsrMatrix s;
        if (rng.nextBoolean()) {
            s = GradientFixtures.randomSparse(rng, size(rng, 20), size(rng, 20), 0.4 * rng.nextDouble());
        } else {
            s = new GradientFixtures.Graph(rng, 2 + rng.nextInt(20), 3).aHat;
        }
        Parameter x = param(rng, "x", s.cols, size(rng, 12), -1, 1);
        Tape tape = new Tape();
        assertOpGradients("SparseMatMul " + s + " seed=" + seed, tape, () -> SparseMatMul.apply(tape, "y", s, x),
                new Tensor[] {x}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void matMul(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = size(rng, 20);
        int k = size(rng, 20);
        int n = size(rng, 20);
        Parameter a = param(rng, "a", m, k, -1, 1);
        Parameter b = param(rng, "b", k, n, -1, 1);
        Tape tape = new Tape();
        assertOpGradients("MatMul " + m + "x" + k + "x" + n + " seed=" + seed, tape, () -> MatMul.apply(tape, "y", a, b),
                new Tensor[] {a, b}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void addBias(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = size(rng, 20);
        int n = size(rng, 20);
        Parameter x = param(rng, "x", m, n, -1, 1);
        Parameter b = param(rng, "b", 1, n, -1, 1);
        Tape tape = new Tape();
        assertOpGradients("AddBias " + m + "x" + n + " seed=" + seed, tape, () -> AddBias.apply(tape, "y", x, b),
                new Tensor[] {x, b}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void pRelu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = size(rng, 20);
        int n = size(rng, 20);
        Matrix xv = new Matrix(m, n);
        for (int i = 0; i < xv.data.length; i++) {
            // |x| in [0.05, 1]: the step (1e-2) never crosses the kink at 0.
            xv.data[i] = (float) ((0.05 + 0.95 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1));
        }
        Parameter x = new Parameter("x", xv);
        Parameter a = param(rng, "a", 1, 1, -0.3, 0.8);
        Tape tape = new Tape();
        assertOpGradients("PRelu " + m + "x" + n + " seed=" + seed, tape, () -> PRelu.apply(tape, "y", x, a),
                new Tensor[] {x, a}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void gatherRows(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int p = size(rng, 15);
        int n = size(rng, 25);
        Parameter x = param(rng, "x", p, size(rng, 12), -1, 1);
        int[] idx = Fixtures.randomIndices(rng, n, p);
        Tape tape = new Tape();
        assertOpGradients("GatherRows " + n + " of " + p + " seed=" + seed, tape, () -> GatherRows.apply(tape, "y", x, idx),
                new Tensor[] {x}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void bilinearScoresIdentityAndMixedLists(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size(rng, 20);
        int d = size(rng, 20);
        Parameter left = param(rng, "left", n, d, -1, 1);
        Parameter right = param(rng, "right", n, d, -1, 1);
        Parameter c = param(rng, "c", 1, 1, -1, 1);
        // the identity (positives), then random lists into left, then the identity again
        int k = 1 + rng.nextInt(3);
        int[][] idx = new int[k + 2][];
        for (int q = 1; q <= k; q++) {
            idx[q] = Fixtures.randomIndices(rng, n, n);
        }
        Tape tape = new Tape();
        assertOpGradients("BilinearScores identity+" + k + " lists, n=" + n + " d=" + d + " seed=" + seed, tape,
                () -> BilinearScores.apply(tape, "y", left, right, idx, c), new Tensor[] {left, right, c}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void bilinearScoresIndexedIntoLeftOfOtherRowCount(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size(rng, 20);
        int p = 1 + rng.nextInt(25);
        int d = size(rng, 20);
        Parameter left = param(rng, "left", p, d, -1, 1);
        Parameter right = param(rng, "right", n, d, -1, 1);
        Parameter c = param(rng, "c", 1, 1, -1, 1);
        int k = 1 + rng.nextInt(4);
        int[][] idx = new int[k][];
        for (int q = 0; q < k; q++) {
            // one list all zeros (DGI's summary row), the others random
            idx[q] = q == 0 && rng.nextBoolean() ? new int[n] : Fixtures.randomIndices(rng, n, p);
        }
        Tape tape = new Tape();
        assertOpGradients("BilinearScores " + k + " lists into " + p + " rows, n=" + n + " d=" + d + " seed=" + seed, tape,
                () -> BilinearScores.apply(tape, "y", left, right, idx, c), new Tensor[] {left, right, c}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void rowMean(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Parameter x = param(rng, "x", size(rng, 25), size(rng, 20), -1, 1);
        Tape tape = new Tape();
        assertOpGradients("RowMean " + x + " seed=" + seed, tape, () -> RowMean.apply(tape, "y", x), new Tensor[] {x}, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void weightedSum(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int k = 1 + rng.nextInt(4);
        Parameter[] terms = new Parameter[k];
        double[] w = new double[k];
        for (int q = 0; q < k; q++) {
            terms[q] = param(rng, "t" + q, 1, 1, -2, 2);
            w[q] = 4 * rng.nextDouble() - 2;
        }
        Tape tape = new Tape();
        assertOpGradients("WeightedSum " + k + " terms seed=" + seed, tape, () -> WeightedSum.apply(tape, "y", terms, w),
                terms, LINEAR, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void sigmoid(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Parameter x = param(rng, "x", size(rng, 20), size(rng, 20), -4, 4);
        Tape tape = new Tape();
        assertOpGradients("Sigmoid " + x + " seed=" + seed, tape, () -> Sigmoid.apply(tape, "y", x), new Tensor[] {x}, SMOOTH, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void jsdMiBothModes(long seed) {
        for (JsdMi.Mode mode : JsdMi.Mode.values()) {
            SplittableRandom rng = new SplittableRandom(seed);
            int n = size(rng, 25);
            int k = 1 + rng.nextInt(5);
            Parameter pos = param(rng, "pos", 1, n, -3, 3);
            Parameter neg = param(rng, "neg", k, n, -3, 3);
            Tape tape = new Tape();
            assertOpGradients("JsdMi " + mode + " n=" + n + " k=" + k + " seed=" + seed, tape,
                    () -> JsdMi.apply(tape, "jsd", pos, neg, mode), new Tensor[] {pos, neg}, SMOOTH, seed);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void bceWithLogits(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Parameter pos = param(rng, "pos", 1, size(rng, 25), -4, 4);
        Parameter neg = param(rng, "neg", 1, size(rng, 25), -4, 4);
        Tape tape = new Tape();
        assertOpGradients("BceWithLogits " + pos + " " + neg + " seed=" + seed, tape,
                () -> BceWithLogits.apply(tape, "bce", pos, neg), new Tensor[] {pos, neg}, SMOOTH, seed);
    }

    /**
     * The fused reconstruction through its kernel, vectorised and scalar, one and two threads; N mostly
     * 5 to 40, sometimes 64 to 80 (the register-blocked full-width tiles), d 3 to 20, |h_i|^2 about 0.5
     * to 2 so that sigmoid(h_i . h_j) is not saturated; w1, w2 as the official code sets them.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void reconstructionLoss(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = rng.nextInt(5) == 0 ? 64 + rng.nextInt(17) : 5 + rng.nextInt(36);
        int d = 3 + rng.nextInt(18);
        double half = Math.sqrt(3 * (0.5 + 1.5 * rng.nextDouble()) / d);
        Parameter h = param(rng, "h", n, d, -half, half);
        CsrMatrix target = new GradientFixtures.Graph(rng, n, 1).target;
        float[] w = ReconstructionLoss.officialWeights(target);
        Reconstruction kernel = new Reconstruction(n, d);
        Matrix buffer = new Matrix(n, d);
        for (boolean simd : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 2}) {
                Simd.setEnabled(simd);
                Parallel.setThreads(threads);
                Tape tape = new Tape();
                assertOpGradients("ReconstructionLoss N=" + n + " d=" + d + " simd=" + simd + " threads=" + threads + " seed=" + seed,
                        tape, () -> ReconstructionLoss.apply(tape, "rec", h, kernel, target, w[0], w[1], 1e-10f, buffer),
                        new Tensor[] {h}, SMOOTH, seed);
            }
        }
    }
}
