package org.gmi.autodiff;

import static org.gmi.autodiff.Fixtures.param;
import static org.gmi.autodiff.Fixtures.xavier;

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
 * <p>Step 1e-2, rtol 2e-2, atol 1e-4 * max(1, |L|), 12 entries per parameter. PReLU kinks: a
 * perturbation moves a pre-activation by at most step x (products of row-normalised X and Â
 * entries), and parameters are drawn so that the check passed for 1000 seeds in calibration.
 */
class CompositeGradientTest {
    private static final double SLOPE_LO = Double.parseDouble(System.getProperty("slo", "0.1")), SLOPE_HI = Double.parseDouble(System.getProperty("shi", "0.4"));
    private static final Fixtures.Tol TOL = new Fixtures.Tol(1e-2, 2e-2, 1e-4, 12);

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.autodiff.Fixtures#seeds")
    void gmiLossEndToEnd(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 6 + rng.nextInt(20);
        int f = 3 + rng.nextInt(15);
        int d = 2 + rng.nextInt(8);
        int k = 1 + rng.nextInt(3);
        boolean twoLayers = rng.nextInt(3) != 0;
        Fixtures.Graph g = new Fixtures.Graph(rng, n, f);

        Parameter w1 = xavier(rng, "W1", f, d);
        Parameter b1 = param(rng, "b1", 1, d, -0.2, 0.2);
        Parameter a1 = param(rng, "a1", 1, 1, SLOPE_LO, SLOPE_HI);
        Parameter w2 = xavier(rng, "W2", d, d);
        Parameter b2 = param(rng, "b2", 1, d, -0.2, 0.2);
        Parameter a2 = param(rng, "a2", 1, 1, SLOPE_LO, SLOPE_HI);
        Parameter an = param(rng, "aN", 1, 1, SLOPE_LO, SLOPE_HI);
        Parameter bil1 = xavier(rng, "B1", f, d);
        Parameter c1 = param(rng, "c1", 1, 1, -0.2, 0.2);
        Parameter bil2 = xavier(rng, "B2", d, d);
        Parameter c2 = param(rng, "c2", 1, 1, -0.2, 0.2);
        int[][] neg1 = Fixtures.negatives(rng, k, n);
        int[][] neg2 = Fixtures.negatives(rng, k, n);
        int[][] identity = {null};
        float[] weights = ReconstructionLoss.officialWeights(g.target);
        Reconstruction kernel = new Reconstruction(n, d);
        Matrix recBuffer = new Matrix(n, d);

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
        Fixtures.assertGradientsAgree("GMI N=" + n + " F=" + f + " d=" + d + " K=" + k + " layers=" + (twoLayers ? 2 : 1)
                + " seed=" + seed, tape, loss, params, TOL, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.autodiff.Fixtures#seeds")
    void dgiLossEndToEnd(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 4 + rng.nextInt(22);
        int f = 3 + rng.nextInt(15);
        int d = 2 + rng.nextInt(8);
        Fixtures.Graph g = new Fixtures.Graph(rng, n, f);
        Parameter w = xavier(rng, "W", f, d);
        Parameter b = param(rng, "b", 1, d, -0.2, 0.2);
        Parameter a = param(rng, "a", 1, 1, SLOPE_LO, SLOPE_HI);
        Parameter bt = xavier(rng, "Bt", d, d);
        Parameter c = param(rng, "c", 1, 1, -0.2, 0.2);
        int[] perm = Fixtures.permutation(rng, n);
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
        Fixtures.assertGradientsAgree("DGI N=" + n + " F=" + f + " d=" + d + " seed=" + seed, tape, loss,
                new Tensor[] {w, b, a, bt, c}, TOL, seed);
    }
}
