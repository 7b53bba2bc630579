package org.gmi.autodiff;

import static org.gmi.autodiff.GradientFixtures.param;
import static org.gmi.autodiff.GradientFixtures.xavier;

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
import org.gmi.engine.Matrix;
import org.gmi.engine.Reconstruction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole losses assembled from the ops, gradient-checked end to end over every parameter.
 *
 * <p>GMI (DESIGN section 2): a 2-layer (or, for some seeds, 1-layer) GCN encoder, the neighbour
 * summary Hn = PReLU(M Z1), both bilinear discriminators through JsdMi on their sigmoid outputs,
 * the fused reconstruction, L = 0.8 jsd(D1) + 1 jsd(D2) + 1 rec. DGI: one GCN layer, rows of X W
 * shuffled for the corruption, summary s = sigmoid(mean_i h_i), logits h_i^T B s against the summary
 * row (an all-zeros index list), BCE with logits.
 *
 * <p>Step 1e-2, rtol 2e-2, atol 1e-4 * max(1, |L|), 12 entries per parameter.
 *
 * <p>Central differences are only valid where no perturbation moves a PReLU input across 0, so the
 * data keep every pre-activation away from the kink while both PReLU branches are still used:
 * each column of W1 (and W for DGI) has one random sign with magnitudes in [0.2, 1] x the Xavier
 * bound, b1 (b) has the same sign and |b| in [0.1, 0.3], so that (X, Â, M being non-negative)
 * every column of Â X W1 + b1 and of M X W1 keeps its sign by a margin far above what a 1e-2 step
 * can move; b2 exceeds the largest |(Â H1 W2)_ik| of its column by 0.1 to 0.3, with W2 in
 * [-0.3, 0.3] so that H stays moderate and sigmoid(h_i . h_j) unsaturated (in the saturated range the
 * float forward of -log(1 - R + eps) is a staircase and finite differences mean nothing).
 * Calibration: both tests passed for 1000 seeds ({@code -Dgmi.test.seeds=1000}).
 */
class CompositeGradientTest {
    private static final GradientFixtures.Tol TOL = new GradientFixtures.Tol(1e-2, 2e-2, 1e-4, 12);

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void gmiLossEndToEnd(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 6 + rng.nextInt(20);
        int f = 3 + rng.nextInt(15);
        int d = 2 + rng.nextInt(8);
        int k = 1 + rng.nextInt(3);
        boolean twoLayers = rng.nextInt(3) != 0;
        GradientFixtures.Graph g = new GradientFixtures.Graph(rng, n, f);

        double[] sign1 = randomSigns(rng, d);
        Parameter w1 = columnSigned(rng, "W1", f, d, sign1);
        Parameter b1 = columnSigned(rng, "b1", 1, d, sign1, 0.1, 0.3);
        Parameter a1 = param(rng, "a1", 1, 1, 0.1, 0.4);
        Parameter w2 = param(rng, "W2", d, d, -0.3, 0.3);
        Parameter b2 = Parameter.zeros("b2", 1, d);
        Parameter a2 = param(rng, "a2", 1, 1, 0.1, 0.4);
        Parameter an = param(rng, "aN", 1, 1, 0.1, 0.4);
        Parameter bil1 = xavier(rng, "B1", f, d);
        Parameter c1 = param(rng, "c1", 1, 1, -0.2, 0.2);
        Parameter bil2 = xavier(rng, "B2", d, d);
        Parameter c2 = param(rng, "c2", 1, 1, -0.2, 0.2);
        int[][] neg1 = GradientFixtures.negatives(rng, k, n);
        int[][] neg2 = GradientFixtures.negatives(rng, k, n);
        int[][] identity = {null};
        float[] weights = ReconstructionLoss.officialWeights(g.target);
        Reconstruction kernel = new Reconstruction(n, d);
        Matrix recBuffer = new Matrix(n, d);

        if (twoLayers) {
            // b2 beyond the largest |(Â H1 W2)_ik| of its column by 0.1 to 0.3, with a random sign
            Tape t = new Tape();
            Tensor h1 = PRelu.apply(t, "H1", AddBias.apply(t, "pre1",
                    SparseMatMul.apply(t, "AZ1", g.aHat, SparseMatMul.apply(t, "Z1", g.x, w1)), b1), a1);
            Matrix pre2 = SparseMatMul.apply(t, "AH1W2", g.aHat, MatMul.apply(t, "H1W2", h1, w2)).value();
            for (int c = 0; c < d; c++) {
                double max = 0;
                for (int i = 0; i < n; i++) {
                    max = Math.max(max, Math.abs(pre2.get(i, c)));
                }
                b2.value().data[c] = (float) ((max + 0.1 + 0.2 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1));
            }
        }

        Tape tape = new Tape();
        java.util.function.Supplier<Tensor> loss = () -> {
            Tensor z1 = SparseMatMul.apply(tape, "Z1", g.x, w1);
            Tensor h = PRelu.apply(tape, "H1", AddBias.apply(tape, "pre1", SparseMatMul.apply(tape, "AZ1", g.aHat, z1), b1), a1);
            if (twoLayers) {
                Tensor hw = MatMul.apply(tape, "H1W2", h, w2);
                h = PRelu.apply(tape, "H2", AddBias.apply(tape, "pre2", SparseMatMul.apply(tape, "AH1W2", g.aHat, hw), b2), a2);
            }
            Tensor hn = PRelu.apply(tape, "Hn", SparseMatMul.apply(tape, "MZ1", g.mean, z1), an);
            // D1(x_j, h_i) = x_j^T B1 h_i = (X B1)_j . h_i
            Tensor u = SparseMatMul.apply(tape, "XB1", g.x, bil1);
            Tensor d1Pos = BilinearScores.apply(tape, "d1+", u, h, identity, c1);
            Tensor d1Neg = BilinearScores.apply(tape, "d1-", u, h, neg1, c1);
            Tensor jsd1 = JsdMi.apply(tape, "jsd1", d1Pos, d1Neg, JsdMi.Mode.PROBABILITIES);
            // D2(h_q, hn_i) = h_q^T B2 hn_i = (H B2)_q . hn_i
            Tensor v = MatMul.apply(tape, "HB2", h, bil2);
            Tensor d2Pos = BilinearScores.apply(tape, "d2+", v, hn, identity, c2);
            Tensor d2Neg = BilinearScores.apply(tape, "d2-", v, hn, neg2, c2);
            Tensor jsd2 = JsdMi.apply(tape, "jsd2", d2Pos, d2Neg, JsdMi.Mode.PROBABILITIES);
            Tensor rec = ReconstructionLoss.apply(tape, "rec", h, kernel, g.target, weights[0], weights[1], 1e-10f, recBuffer);
            return WeightedSum.apply(tape, "L", new Tensor[] {jsd1, jsd2, rec}, new double[] {0.8, 1.0, 1.0});
        };
        Tensor[] params = twoLayers
                ? new Tensor[] {w1, b1, a1, w2, b2, a2, an, bil1, c1, bil2, c2}
                : new Tensor[] {w1, b1, a1, an, bil1, c1, bil2, c2};
        GradientFixtures.assertGradientsAgree("GMI N=" + n + " F=" + f + " d=" + d + " K=" + k + " layers=" + (twoLayers ? 2 : 1)
                + " seed=" + seed, tape, loss, params, TOL, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void dgiLossEndToEnd(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 4 + rng.nextInt(22);
        int f = 3 + rng.nextInt(15);
        int d = 2 + rng.nextInt(8);
        GradientFixtures.Graph g = new GradientFixtures.Graph(rng, n, f);
        double[] sign = randomSigns(rng, d);
        Parameter w = columnSigned(rng, "W", f, d, sign);
        Parameter b = columnSigned(rng, "b", 1, d, sign, 0.1, 0.3);
        Parameter a = param(rng, "a", 1, 1, 0.1, 0.4);
        Parameter bt = xavier(rng, "Bt", d, d);
        Parameter c = param(rng, "c", 1, 1, -0.2, 0.2);
        int[] perm = GradientFixtures.permutation(rng, n);
        int[][] summaryRow = {new int[n]};

        Tape tape = new Tape();
        java.util.function.Supplier<Tensor> loss = () -> {
            Tensor xw = SparseMatMul.apply(tape, "XW", g.x, w);
            Tensor h = PRelu.apply(tape, "H", AddBias.apply(tape, "pre", SparseMatMul.apply(tape, "AXW", g.aHat, xw), b), a);
            // corruption: the rows of X shuffled, i.e. the rows of X W shuffled
            Tensor xwc = GatherRows.apply(tape, "XWc", xw, perm);
            Tensor hc = PRelu.apply(tape, "Hc", AddBias.apply(tape, "prec", SparseMatMul.apply(tape, "AXWc", g.aHat, xwc), b), a);
            Tensor s = Sigmoid.apply(tape, "s", RowMean.apply(tape, "mean", h));
            // h_i^T B s = h_i . (s^T B^T)
            Tensor bs = MatMul.apply(tape, "sBt", s, bt);
            Tensor pos = BilinearScores.apply(tape, "pos", bs, h, summaryRow, c);
            Tensor neg = BilinearScores.apply(tape, "neg", bs, hc, summaryRow, c);
            return BceWithLogits.apply(tape, "bce", pos, neg);
        };
        GradientFixtures.assertGradientsAgree("DGI N=" + n + " F=" + f + " d=" + d + " seed=" + seed, tape, loss,
                new Tensor[] {w, b, a, bt, c}, TOL, seed);
    }

    private static double[] randomSigns(SplittableRandom rng, int d) {
        double[] s = new double[d];
        for (int c = 0; c < d; c++) {
            s[c] = rng.nextBoolean() ? 1 : -1;
        }
        return s;
    }

    /** Column c has sign[c]; magnitudes in [0.2, 1] x the Xavier bound. */
    private static Parameter columnSigned(SplittableRandom rng, String name, int rows, int cols, double[] sign) {
        double bound = Math.sqrt(6.0 / (rows + cols));
        return columnSigned(rng, name, rows, cols, sign, 0.2 * bound, bound);
    }

    private static Parameter columnSigned(SplittableRandom rng, String name, int rows, int cols, double[] sign, double lo, double hi) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                m.set(i, c, (float) (sign[c] * (lo + (hi - lo) * rng.nextDouble())));
            }
        }
        return new Parameter(name, m);
    }
}
