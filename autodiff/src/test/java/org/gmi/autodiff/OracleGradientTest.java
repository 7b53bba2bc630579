package org.gmi.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.gmi.autodiff.GradientCheck.Oracle;
import org.gmi.autodiff.GradientCheck.Outcome;
import org.gmi.autodiff.GradientCheck.Plant;
import org.gmi.autodiff.ops.AdaptiveNeighbourMean;
import org.gmi.autodiff.ops.AddBias;
import org.gmi.autodiff.ops.BceWithLogits;
import org.gmi.autodiff.ops.BilinearScores;
import org.gmi.autodiff.ops.GatherRows;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.autodiff.ops.MatMul;
import org.gmi.autodiff.ops.PRelu;
import org.gmi.autodiff.ops.ReconstructionLoss;
import org.gmi.autodiff.ops.RowMean;
import org.gmi.autodiff.ops.SampledReconstructionLoss;
import org.gmi.autodiff.ops.Sigmoid;
import org.gmi.autodiff.ops.SparseMatMul;
import org.gmi.autodiff.ops.WeightedSum;
import org.gmi.engine.CpuBackend;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Fixtures;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's tape gradient against a double-precision oracle of its mathematics, written here from
 * the op's documented formula and sharing no code with the kernels, through a random linear
 * functional of the op's output. The oracle's central differences (step 1e-6) are exact to about
 * 1e-9, so the tolerance is tight: |analytic - numeric| <= 2e-3 |numeric| + 2e-5 max|numeric|.
 * The checker's own test plants a 1 % error in each input's gradient of each op in turn and
 * requires the check to fail; {@link #everyOpClassHasAnOracleCase} requires a case per op class.
 */
class OracleGradientTest {
    private static final double STEP = 1e-6;
    private static final double RTOL = 2e-3;
    private static final double ATOL_OF_MAX = 2e-5;

    /** One op on random inputs: the loss on the tape, its inputs and the oracle of the same loss. */
    record Case(String label, Tape tape, Supplier<Tensor> loss, Tensor[] inputs, Oracle oracle) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            all.addAll(casesFor(seed));
        }
        return all.stream();
    }

    // ---- the double-precision mathematics ------------------------------------------------------------

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static double dot(double[] a, int ai, double[] b, int bi, int d) {
        double s = 0;
        for (int p = 0; p < d; p++) {
            s += a[ai * d + p] * b[bi * d + p];
        }
        return s;
    }

    /** sum_i w_i y_i: the functional the Probe op applies, in double. */
    private static double probe(float[] w, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += w[i] * y[i];
        }
        return s;
    }

    private static Matrix weights(SplittableRandom rng, int rows, int cols) {
        return GradientFixtures.uniform(rng, rows, cols, -1, 1);
    }

    /** The loss Probe(op output, w) on the tape. */
    private static Supplier<Tensor> probed(Tape tape, Supplier<Tensor> op, Matrix w) {
        return () -> GradientFixtures.Probe.apply(tape, op.get(), w);
    }

    private static double[] csrTimes(CsrMatrix s, double[] x, int cols) {
        double[] y = new double[s.rows * cols];
        for (int i = 0; i < s.rows; i++) {
            for (int e = s.rowPtr[i]; e < s.rowPtr[i + 1]; e++) {
                for (int j = 0; j < cols; j++) {
                    y[i * cols + j] += s.values[e] * x[s.colIdx[e] * cols + j];
                }
            }
        }
        return y;
    }

    private static boolean inPattern(CsrMatrix t, int i, int j) {
        for (int e = t.rowPtr[i]; e < t.rowPtr[i + 1]; e++) {
            if (t.colIdx[e] == j) {
                return true;
            }
        }
        return false;
    }

    static List<Case> casesFor(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Case> c = new ArrayList<>();
        int r = 2 + rng.nextInt(9);
        int q = 1 + rng.nextInt(9);
        int k = 1 + rng.nextInt(4);

        { // Sigmoid
            Tape tape = new Tape();
            Parameter x = GradientFixtures.param(rng, "x", r, q, -4, 4);
            Matrix w = weights(rng, r, q);
            c.add(new Case("Sigmoid seed " + seed, tape, probed(tape, () -> Sigmoid.apply(tape, "y", x), w), new Tensor[] {x},
                    in -> {
                        double[] y = new double[in[0].length];
                        for (int i = 0; i < y.length; i++) {
                            y[i] = sigmoid(in[0][i]);
                        }
                        return probe(w.data, y);
                    }));
        }
        for (JsdMi.Mode mode : JsdMi.Mode.values()) { // JsdMi: mean softplus(-f(pos)) + mean softplus(f(neg))
            Tape tape = new Tape();
            Parameter pos = GradientFixtures.param(rng, "pos", 1, r, -5, 5);
            Parameter neg = GradientFixtures.param(rng, "neg", k, r, -5, 5);
            Matrix w = weights(rng, 1, 1);
            boolean prob = mode == JsdMi.Mode.PROBABILITIES;
            c.add(new Case("JsdMi " + mode + " seed " + seed, tape, probed(tape, () -> JsdMi.apply(tape, "jsd", pos, neg, mode), w),
                    new Tensor[] {pos, neg}, in -> {
                        double a = 0;
                        for (double v : in[0]) {
                            a += softplus(-(prob ? sigmoid(v) : v));
                        }
                        double b = 0;
                        for (double v : in[1]) {
                            b += softplus(prob ? sigmoid(v) : v);
                        }
                        return w.data[0] * (a / in[0].length + b / in[1].length);
                    }));
        }
        { // BceWithLogits: (sum softplus(-pos) + sum softplus(neg)) / (|pos| + |neg|)
            Tape tape = new Tape();
            Parameter pos = GradientFixtures.param(rng, "pos", 1, r, -5, 5);
            Parameter neg = GradientFixtures.param(rng, "neg", 1, r, -5, 5);
            Matrix w = weights(rng, 1, 1);
            c.add(new Case("BceWithLogits seed " + seed, tape, probed(tape, () -> BceWithLogits.apply(tape, "bce", pos, neg), w),
                    new Tensor[] {pos, neg}, in -> {
                        double s = 0;
                        for (double v : in[0]) {
                            s += softplus(-v);
                        }
                        for (double v : in[1]) {
                            s += softplus(v);
                        }
                        return w.data[0] * s / (in[0].length + in[1].length);
                    }));
        }
        { // PRelu: x > 0 ? x : a x (inputs kept 0.05 from the kink)
            Tape tape = new Tape();
            Parameter x = GradientFixtures.param(rng, "x", r, q, -2, 2);
            for (int i = 0; i < x.value().data.length; i++) {
                float v = x.value().data[i];
                if (Math.abs(v) < 0.05f) {
                    x.value().data[i] = v < 0 ? -0.05f - v : 0.05f + v;
                }
            }
            Parameter a = GradientFixtures.param(rng, "a", 1, 1, 0.1, 0.5);
            Matrix w = weights(rng, r, q);
            c.add(new Case("PRelu seed " + seed, tape, probed(tape, () -> PRelu.apply(tape, "y", x, a), w), new Tensor[] {x, a},
                    in -> {
                        double[] y = new double[in[0].length];
                        for (int i = 0; i < y.length; i++) {
                            y[i] = in[0][i] > 0 ? in[0][i] : in[1][0] * in[0][i];
                        }
                        return probe(w.data, y);
                    }));
        }
        { // MatMul
            int m = r, p = q, n = 1 + rng.nextInt(7);
            Tape tape = new Tape();
            Parameter a = GradientFixtures.param(rng, "a", m, p, -1, 1);
            Parameter b = GradientFixtures.param(rng, "b", p, n, -1, 1);
            Matrix w = weights(rng, m, n);
            c.add(new Case("MatMul seed " + seed, tape, probed(tape, () -> MatMul.apply(tape, "y", a, b), w), new Tensor[] {a, b},
                    in -> {
                        double[] y = new double[m * n];
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                for (int t = 0; t < p; t++) {
                                    y[i * n + j] += in[0][i * p + t] * in[1][t * n + j];
                                }
                            }
                        }
                        return probe(w.data, y);
                    }));
        }
        { // SparseMatMul: S X, S constant
            CsrMatrix s = GradientFixtures.randomSparse(rng, r, 1 + rng.nextInt(9), 0.5);
            Tape tape = new Tape();
            Parameter x = GradientFixtures.param(rng, "x", s.cols, q, -1, 1);
            Matrix w = weights(rng, s.rows, q);
            c.add(new Case("SparseMatMul seed " + seed, tape, probed(tape, () -> SparseMatMul.apply(tape, "y", s, x), w),
                    new Tensor[] {x}, in -> probe(w.data, csrTimes(s, in[0], q))));
        }
        { // AddBias
            Tape tape = new Tape();
            Parameter x = GradientFixtures.param(rng, "x", r, q, -1, 1);
            Parameter b = GradientFixtures.param(rng, "b", 1, q, -1, 1);
            Matrix w = weights(rng, r, q);
            c.add(new Case("AddBias seed " + seed, tape, probed(tape, () -> AddBias.apply(tape, "y", x, b), w), new Tensor[] {x, b},
                    in -> {
                        double[] y = new double[r * q];
                        for (int i = 0; i < r; i++) {
                            for (int j = 0; j < q; j++) {
                                y[i * q + j] = in[0][i * q + j] + in[1][j];
                            }
                        }
                        return probe(w.data, y);
                    }));
        }
        { // RowMean: (1/N) sum_i x_i
            Tape tape = new Tape();
            Parameter x = GradientFixtures.param(rng, "x", r, q, -1, 1);
            Matrix w = weights(rng, 1, q);
            c.add(new Case("RowMean seed " + seed, tape, probed(tape, () -> RowMean.apply(tape, "y", x), w), new Tensor[] {x},
                    in -> {
                        double[] y = new double[q];
                        for (int i = 0; i < r; i++) {
                            for (int j = 0; j < q; j++) {
                                y[j] += in[0][i * q + j] / r;
                            }
                        }
                        return probe(w.data, y);
                    }));
        }
        { // GatherRows: y_i = x_{idx(i)}
            Tape tape = new Tape();
            Parameter x = GradientFixtures.param(rng, "x", r, q, -1, 1);
            int[] idx = Fixtures.randomIndices(rng, r, r);
            Matrix w = weights(rng, r, q);
            c.add(new Case("GatherRows seed " + seed, tape, probed(tape, () -> GatherRows.apply(tape, "y", x, idx), w),
                    new Tensor[] {x}, in -> {
                        double[] y = new double[r * q];
                        for (int i = 0; i < r; i++) {
                            for (int j = 0; j < q; j++) {
                                y[i * q + j] = in[0][idx[i] * q + j];
                            }
                        }
                        return probe(w.data, y);
                    }));
        }
        { // WeightedSum of scalars
            Tape tape = new Tape();
            Parameter t1 = GradientFixtures.param(rng, "t1", 1, 1, -1, 1);
            Parameter t2 = GradientFixtures.param(rng, "t2", 1, 1, -1, 1);
            double[] ws = {0.8, -1.3};
            Matrix w = weights(rng, 1, 1);
            c.add(new Case("WeightedSum seed " + seed, tape, probed(tape, () -> WeightedSum.apply(tape, "l", new Tensor[] {t1, t2}, ws), w),
                    new Tensor[] {t1, t2}, in -> w.data[0] * (ws[0] * in[0][0] + ws[1] * in[1][0])));
        }
        { // BilinearScores: Y[k, i] = left[idx_k(i)] . right[i] + c, the first list the identity
            int p = 1 + rng.nextInt(9);
            Tape tape = new Tape();
            Parameter left = GradientFixtures.param(rng, "left", r, p, -1, 1);
            Parameter right = GradientFixtures.param(rng, "right", r, p, -1, 1);
            Parameter bias = GradientFixtures.param(rng, "c", 1, 1, -1, 1);
            int[][] idx = new int[1 + k][];
            for (int t = 1; t <= k; t++) {
                idx[t] = Fixtures.randomIndices(rng, r, r);
            }
            Matrix w = weights(rng, 1 + k, r);
            c.add(new Case("BilinearScores seed " + seed, tape,
                    probed(tape, () -> BilinearScores.apply(tape, "y", left, right, idx, bias), w), new Tensor[] {left, right, bias},
                    in -> {
                        double[] y = new double[(1 + k) * r];
                        for (int t = 0; t <= k; t++) {
                            for (int i = 0; i < r; i++) {
                                y[t * r + i] = dot(in[0], idx[t] == null ? i : idx[t][i], in[1], i, p) + in[2][0];
                            }
                        }
                        return probe(w.data, y);
                    }));
        }
        GradientFixtures.Graph g = new GradientFixtures.Graph(rng, 3 + rng.nextInt(10), 3);
        int n = g.n;
        int d = 1 + rng.nextInt(6);
        float w1 = (float) (2 + 10 * rng.nextDouble());
        float w2 = (float) (1 + rng.nextDouble());
        float eps = 1e-10f;
        CsrMatrix target = g.target;
        { // ReconstructionLoss: w2/N^2 (sum_{T} l1(s) + sum_{not T} l0(s)), s_ij = h_i . h_j
            Tape tape = new Tape();
            Parameter h = GradientFixtures.param(rng, "h", n, d, -1, 1);
            Matrix w = weights(rng, 1, 1);
            Matrix gradBuffer = new Matrix(n, d);
            c.add(new Case("ReconstructionLoss seed " + seed, tape,
                    probed(tape, () -> ReconstructionLoss.apply(tape, "rec", h, CpuBackend.INSTANCE.reconstruction(n, d), target, w1, w2, eps,
                            gradBuffer), w), new Tensor[] {h}, in -> {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < n; j++) {
                                double rr = sigmoid(dot(in[0], i, in[0], j, d));
                                s += inPattern(target, i, j) ? -w1 * Math.log(rr + eps) : -Math.log(1 - rr + eps);
                            }
                        }
                        return w.data[0] * w2 * s / ((double) n * n);
                    }));
        }
        { // SampledReconstructionLoss: T exactly, k drawn non-edges per row weighted n_i / k
            int draws = 1 + rng.nextInt(3);
            int[] sampled = new int[n * draws];
            for (int i = 0; i < n; i++) {
                List<Integer> non = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    if (!inPattern(target, i, j)) {
                        non.add(j);
                    }
                }
                for (int t = 0; t < draws; t++) {
                    sampled[i * draws + t] = non.isEmpty() ? -1 : non.get(rng.nextInt(non.size()));
                }
            }
            Tape tape = new Tape();
            Parameter h = GradientFixtures.param(rng, "h", n, d, -1, 1);
            Matrix w = weights(rng, 1, 1);
            c.add(new Case("SampledReconstructionLoss seed " + seed, tape,
                    probed(tape, () -> SampledReconstructionLoss.apply(tape, "rec", h,
                            CpuBackend.INSTANCE.sampledReconstruction(n, d, draws, target.nnz()), target, sampled, w1, w2, eps), w),
                    new Tensor[] {h}, in -> {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            for (int e = target.rowPtr[i]; e < target.rowPtr[i + 1]; e++) {
                                s += -w1 * Math.log(sigmoid(dot(in[0], i, in[0], target.colIdx[e], d)) + eps);
                            }
                            double weight = (double) (n - (target.rowPtr[i + 1] - target.rowPtr[i])) / draws;
                            for (int t = 0; t < draws; t++) {
                                int j = sampled[i * draws + t];
                                if (j >= 0) {
                                    s += -weight * Math.log(1 - sigmoid(dot(in[0], i, in[0], j, d)) + eps);
                                }
                            }
                        }
                        return w.data[0] * w2 * s / ((double) n * n);
                    }));
        }
        { // AdaptiveNeighbourMean: Y_i = sum_{j in N_i} softmax_j(log sigmoid(h_i . h_j)) Z_j
            CsrMatrix pattern = new GradientFixtures.Graph(rng, 8 + rng.nextInt(8), 3).mean; // rows of several neighbours: H's gradient is not 0
            int na = pattern.rows;
            int e = 1 + rng.nextInt(5);
            Tape tape = new Tape();
            Parameter h = GradientFixtures.param(rng, "h", na, e, -1, 1);
            Parameter z = GradientFixtures.param(rng, "z", na, d, -1, 1);
            Matrix w = weights(rng, na, d);
            c.add(new Case("AdaptiveNeighbourMean seed " + seed, tape,
                    probed(tape, () -> AdaptiveNeighbourMean.apply(tape, "y", pattern, h, z), w), new Tensor[] {h, z}, in -> {
                        double[] y = new double[na * d];
                        for (int i = 0; i < na; i++) {
                            double total = 0;
                            for (int p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++) {
                                total += sigmoid(dot(in[0], i, in[0], pattern.colIdx[p], e));
                            }
                            for (int p = pattern.rowPtr[i]; p < pattern.rowPtr[i + 1]; p++) {
                                int j = pattern.colIdx[p];
                                double wij = sigmoid(dot(in[0], i, in[0], j, e)) / total;
                                for (int t = 0; t < d; t++) {
                                    y[i * d + t] += wij * in[1][j * d + t];
                                }
                            }
                        }
                        return probe(w.data, y);
                    }));
        }
        return c;
    }

    /** The tolerance's absolute part: ATOL_OF_MAX times the largest gradient entry the oracle gives. */
    private static double atol(Case c) {
        double[][] point = new double[c.inputs.length][];
        for (int k = 0; k < point.length; k++) {
            float[] v = c.inputs[k].value().data;
            point[k] = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                point[k][i] = v[i];
            }
        }
        double max = 0;
        for (double[] p : point) {
            for (int i = 0; i < p.length; i++) {
                double o = p[i];
                p[i] = o + STEP;
                double plus = c.oracle.loss(point);
                p[i] = o - STEP;
                double minus = c.oracle.loss(point);
                p[i] = o;
                max = Math.max(max, Math.abs(plus - minus) / (2 * STEP));
            }
        }
        return ATOL_OF_MAX * max;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tapeGradientsAgreeWithTheDoubleOracle(Case c) {
        Outcome o = GradientCheck.checkAgainstOracle(c.label, c.tape, c.loss, c.inputs, c.oracle, STEP, RTOL, atol(c), Plant.NONE);
        assertTrue(o.ok(), o.message());
        assertTrue(o.entriesChecked() > 0, c.label + ": nothing checked");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aOnePercentErrorInAnyInputsGradientFails(Case c) {
        for (int input = 0; input < c.inputs.length; input++) {
            for (double factor : new double[] {1.01, 0.99}) {
                Outcome o = GradientCheck.checkAgainstOracle(c.label, c.tape, c.loss, c.inputs, c.oracle, STEP, RTOL, atol(c),
                        new Plant(input, factor));
                assertFalse(o.ok(), c.label + ": a gradient of " + c.inputs[input].name() + " off by a factor " + factor
                        + " passed the check");
            }
        }
    }

    @Test
    void everyOpClassHasAnOracleCase() throws IOException {
        Path ops = Path.of("src/main/java/org/gmi/autodiff/ops");
        List<String> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(ops)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String s = Files.readString(f);
                String name = f.getFileName().toString().replace(".java", "");
                if (s.contains("public static Tensor apply(")) {
                    classes.add(name);
                }
            }
        }
        assertTrue(classes.size() >= 14, "op classes found in " + ops.toAbsolutePath() + ": " + classes);
        List<String> covered = casesFor(1).stream().map(c -> c.label.split(" ")[0]).distinct().toList();
        List<String> missing = new ArrayList<>(classes);
        missing.removeAll(covered);
        assertEquals(List.of(), missing, "op classes without an oracle case");
    }
}
