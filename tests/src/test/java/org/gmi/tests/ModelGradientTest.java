package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.gmi.autodiff.GradientCheck;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.engine.CsrMatrix;
import org.gmi.graph.Graph;
import org.gmi.graph.NegativeSampler;
import org.gmi.models.DgiModel;
import org.gmi.models.GmiModel;
import org.gmi.models.GmiVariant;
import org.gmi.models.GraphOperators;
import org.gmi.models.Method;
import org.gmi.models.SelfSupervisedModel;
import org.gmi.models.TrainConfig;
import org.gmi.models.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The models as the trainer builds and runs them ({@link Trainer#createModel}, then
 * {@link GmiModel#forward} / {@link DgiModel#forward}: the real GraphOperators, parameter wiring and
 * sampling), on random graphs of 6 to 15 nodes:
 * <ul>
 *   <li>the gradient of the whole loss (GMI: all three terms, 1 and 2 layers; DGI) against central
 *       finite differences ({@link GradientCheck}: step 1e-2, rtol 2e-2, atol 1e-4 max(1, |L|),
 *       12 entries per parameter), and every parameter receives a gradient;
 *   <li>the loss value and its terms against a dense double-precision computation written straight
 *       from DESIGN section 2 (an oracle independent of the ops, kernels and normalisations).
 * </ul>
 * The models draw fresh negatives on every forward; each forward here first installs a sampler with
 * a fixed seed ({@code setNegativeSampler}), so the loss is a deterministic function of the
 * parameters. A control test shows the check fails without that.
 *
 * <p>Central differences are only valid away from a PReLU kink, so the parameters are set as in the
 * autodiff module's CompositeGradientTest: W1 column c has one sign (magnitudes [0.2, 1] x the
 * Xavier bound) and b1 the same sign (|b1| in [0.1, 0.3]); X, Â and M are non-negative, so each
 * column of Â X W1 + b1 and of M X W1 keeps its sign by a margin a 1e-2 step cannot cross; columns 0
 * and 1 have opposite signs so both PReLU branches are used. b2 exceeds the largest |(Â H1 W2)_ic|
 * of its column by 0.1 to 0.3, W2 in [-0.3, 0.3]. {@code -Dgmi.test.seeds=N} runs N seeds.
 */
class ModelGradientTest {
    private static final double STEP = 1e-2;
    private static final double RTOL = 2e-2;
    private static final double ATOL = 1e-4;
    private static final int PER_TENSOR = 12;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Integer.getInteger("gmi.test.seeds", 10));
    }

    /** A random graph and model sizes from the seed. */
    private record Setup(Graph graph, GraphOperators ops, int n, int f, int d, int k) {
        static Setup of(SplittableRandom rng) {
            int n = 6 + rng.nextInt(10);
            int f = 3 + rng.nextInt(8);
            int d = 3 + rng.nextInt(4);
            int k = 1 + rng.nextInt(3);
            Graph g = TestGraphs.random(rng, "g", n, f, 0.15 + 0.35 * rng.nextDouble());
            return new Setup(g, GraphOperators.of(g), n, f, d, k);
        }

        /** The model exactly as the trainer builds it ({@link Trainer#createModel}). */
        GmiModel gmi(long seed, int layers) {
            return (GmiModel) Trainer.createModel(graph, config(Method.GMI, seed, layers));
        }

        /** GMI-adaptive and/or the JSD on logits, as the trainer builds them. */
        GmiModel gmi(long seed, int layers, GmiVariant variant, JsdMi.Mode jsdOn) {
            TrainConfig c = config(Method.GMI, seed, layers);
            c.variant = variant;
            c.jsdOn = jsdOn;
            return (GmiModel) Trainer.createModel(graph, c);
        }

        DgiModel dgi(long seed) {
            return (DgiModel) Trainer.createModel(graph, config(Method.DGI, seed, 0));
        }

        private TrainConfig config(Method method, long seed, int layers) {
            TrainConfig c = new TrainConfig();
            c.method = method;
            c.layers = layers;
            c.hidden = d;
            c.negatives = k;
            c.seed = seed;
            return c;
        }

        @Override
        public String toString() {
            return "N=" + n + " F=" + f + " d=" + d + " K=" + k;
        }
    }

    // ---------------------------------------------------------------- gradients

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gmiLossGradientMatchesFiniteDifferences(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Setup s = Setup.of(rng);
        for (int layers = 1; layers <= 2; layers++) {
            GmiModel model = s.gmi(seed, layers);
            Map<String, Parameter> p = byName(model);
            setKinkFreeParameters(rng, p, s.ops(), layers);
            long samplerSeed = rng.nextLong();
            check("GMI " + s + " layers=" + layers + " seed=" + seed, model,
                    () -> model.setNegativeSampler(new NegativeSampler(samplerSeed)), seed);
        }
    }

    /**
     * GMI-adaptive (the neighbour weights sigmoid(h_i . h_j) learnt through H) and the JSD on logits:
     * the whole loss against finite differences, and its value against the dense reference. The
     * kink-free argument holds for the adaptive Hn too: its weights are positive, so each column of
     * W(H) X W1 keeps the sign of the column of W1.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gmiAdaptiveAndLogitsGradientAndValueMatch(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0xADA9L);
        Setup s = Setup.of(rng);
        for (int layers = 1; layers <= 2; layers++) {
            for (GmiVariant variant : GmiVariant.values()) {
                for (JsdMi.Mode jsdOn : JsdMi.Mode.values()) {
                    if (variant == GmiVariant.MEAN && jsdOn == JsdMi.Mode.PROBABILITIES) {
                        continue; // the tests above
                    }
                    GmiModel model = s.gmi(seed, layers, variant, jsdOn);
                    Map<String, Parameter> p = byName(model);
                    setKinkFreeParameters(rng, p, s.ops(), layers);
                    long samplerSeed = rng.nextLong();
                    String label = "GMI-" + variant.cliName() + " jsd on " + jsdOn + " " + s + " layers=" + layers + " seed=" + seed;
                    check(label, model, () -> model.setNegativeSampler(new NegativeSampler(samplerSeed)), seed);

                    model.setNegativeSampler(new NegativeSampler(samplerSeed));
                    SelfSupervisedModel.Loss loss = model.forward(new Tape());
                    NegativeSampler sampler = new NegativeSampler(samplerSeed);
                    int[][] negFeature = new int[s.k()][];
                    int[][] negNeighbour = new int[s.k()][];
                    for (int q = 0; q < s.k(); q++) {
                        negFeature[q] = sampler.sample(s.n());
                    }
                    for (int q = 0; q < s.k(); q++) {
                        negNeighbour[q] = sampler.sample(s.n());
                    }
                    Map<String, Double> ref = DenseReference.gmi(s.graph(), p, layers, negFeature, negNeighbour, 0.8, 1.0, 1.0,
                            variant == GmiVariant.ADAPTIVE, jsdOn == JsdMi.Mode.LOGITS);
                    for (String term : new String[] {"mi_feature", "mi_neighbour", "reconstruction"}) {
                        double r = ref.get(term);
                        assertEquals(r, loss.terms().get(term), 1e-4 * Math.abs(r) + 1e-5,
                                label + ": term " + term + ", model " + loss.terms() + ", reference " + ref);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void dgiLossGradientMatchesFiniteDifferences(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Setup s = Setup.of(rng);
        DgiModel model = s.dgi(seed);
        setKinkFreeParameters(rng, byName(model), s.ops(), 1);
        long samplerSeed = rng.nextLong();
        check("DGI " + s + " seed=" + seed, model, () -> model.setNegativeSampler(new NegativeSampler(samplerSeed)), seed);
    }

    /** Without fixing the negatives the loss is not a function of the parameters: the check must notice. */
    @Test
    void freshNegativesOnEveryForwardFailTheCheck() {
        long seed = 3;
        SplittableRandom rng = new SplittableRandom(seed);
        Setup s = Setup.of(rng);
        GmiModel model = s.gmi(seed, 1);
        setKinkFreeParameters(rng, byName(model), s.ops(), 1);
        Tape tape = new Tape();
        Supplier<Tensor> loss = () -> model.forward(tape).total();
        GradientCheck.Outcome o = GradientCheck.check("GMI, fresh negatives", tape, loss,
                model.parameters().toArray(Tensor[]::new), STEP, RTOL, ATOL, PER_TENSOR, seed);
        assertFalse(o.ok(), "the check passed although every forward drew other negatives: " + o.message());
    }

    private static void check(String label, SelfSupervisedModel model, Runnable fixNegatives, long seed) {
        Tape tape = new Tape();
        Supplier<Tensor> loss = () -> {
            fixNegatives.run();
            return model.forward(tape).total();
        };
        Tensor[] params = model.parameters().toArray(Tensor[]::new);
        double value = loss.get().scalar();
        tape.clear();
        assertTrue(Double.isFinite(value), label + ": loss " + value);
        GradientCheck.Outcome o = GradientCheck.check(label, tape, loss, params, STEP, RTOL, ATOL * Math.max(1, Math.abs(value)),
                PER_TENSOR, seed);
        assertTrue(o.ok(), o.message());
        assertTrue(o.entriesChecked() >= params.length, label + ": " + o.entriesChecked() + " entries checked");
        // every parameter is wired into the loss: some entry of its gradient is not zero
        for (Tensor t : params) {
            boolean any = false;
            for (float g : t.grad().data) {
                any |= g != 0f;
            }
            assertTrue(any, label + ": parameter " + t.name() + " received no gradient");
        }
    }

    // ---------------------------------------------------------------- values against DESIGN section 2

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gmiLossEqualsDenseReference(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0xABCDEFL);
        Setup s = Setup.of(rng);
        for (int layers = 1; layers <= 2; layers++) {
            GmiModel model = s.gmi(seed, layers);
            Map<String, Parameter> p = byName(model);
            setKinkFreeParameters(rng, p, s.ops(), layers);
            long samplerSeed = rng.nextLong();
            model.setNegativeSampler(new NegativeSampler(samplerSeed));
            SelfSupervisedModel.Loss loss = model.forward(new Tape());

            // the negatives the model drew: K lists for D1, then K for D2
            NegativeSampler sampler = new NegativeSampler(samplerSeed);
            int[][] negFeature = new int[s.k()][];
            int[][] negNeighbour = new int[s.k()][];
            for (int q = 0; q < s.k(); q++) {
                negFeature[q] = sampler.sample(s.n());
            }
            for (int q = 0; q < s.k(); q++) {
                negNeighbour[q] = sampler.sample(s.n());
            }
            Map<String, Double> ref = DenseReference.gmi(s.graph(), p, layers, negFeature, negNeighbour, 0.8, 1.0, 1.0);
            String ctx = "GMI " + s + " layers=" + layers + " seed=" + seed + ": model " + loss.terms() + " total "
                    + loss.total().scalar() + ", reference " + ref;
            for (String term : new String[] {"mi_feature", "mi_neighbour", "reconstruction"}) {
                double r = ref.get(term);
                assertEquals(r, loss.terms().get(term), 1e-4 * Math.abs(r) + 1e-5, ctx + ": term " + term);
            }
            assertEquals(ref.get("total"), loss.total().scalar(), 1e-4 * Math.abs(ref.get("total")) + 1e-5, ctx + ": total");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void dgiLossEqualsDenseReference(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x123456L);
        Setup s = Setup.of(rng);
        DgiModel model = s.dgi(seed);
        Map<String, Parameter> p = byName(model);
        setKinkFreeParameters(rng, p, s.ops(), 1);
        long samplerSeed = rng.nextLong();
        model.setNegativeSampler(new NegativeSampler(samplerSeed));
        SelfSupervisedModel.Loss loss = model.forward(new Tape());
        int[] perm = new NegativeSampler(samplerSeed).permutation(s.n());
        double ref = DenseReference.dgi(s.graph(), p, perm);
        assertEquals(ref, loss.total().scalar(), 1e-4 * Math.abs(ref) + 1e-6,
                "DGI " + s + " seed=" + seed + ": model " + loss.total().scalar() + ", reference " + ref);
    }

    // ---------------------------------------------------------------- parameters

    private static Map<String, Parameter> byName(SelfSupervisedModel model) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            m.put(p.name(), p);
        }
        return m;
    }

    /** Parameters that keep every PReLU input away from 0 (see the class comment). */
    private static void setKinkFreeParameters(SplittableRandom rng, Map<String, Parameter> p, GraphOperators ops, int layers) {
        Parameter w1 = p.get("gcn1.weight");
        int f = w1.rows(), d = w1.cols();
        double[] sign = new double[d];
        for (int c = 0; c < d; c++) {
            sign[c] = c == 0 ? 1 : c == 1 ? -1 : rng.nextBoolean() ? 1 : -1;
        }
        double bound = Math.sqrt(6.0 / (f + d));
        for (int i = 0; i < f; i++) {
            for (int c = 0; c < d; c++) {
                w1.value().set(i, c, (float) (sign[c] * bound * (0.2 + 0.8 * rng.nextDouble())));
            }
        }
        for (int c = 0; c < d; c++) {
            p.get("gcn1.bias").value().set(0, c, (float) (sign[c] * (0.1 + 0.2 * rng.nextDouble())));
        }
        for (Parameter slope : p.values()) {
            if (slope.name().endsWith("prelu")) {
                slope.value().data[0] = (float) (0.1 + 0.3 * rng.nextDouble());
            }
        }
        for (String bias : new String[] {"disc.bias", "disc1.bias", "disc2.bias"}) {
            if (p.containsKey(bias)) {
                p.get(bias).value().data[0] = (float) (-0.2 + 0.4 * rng.nextDouble());
            }
        }
        if (layers == 2) {
            Parameter w2 = p.get("gcn2.weight");
            for (int k = 0; k < w2.value().data.length; k++) {
                w2.value().data[k] = (float) (-0.3 + 0.6 * rng.nextDouble());
            }
            double[][] h1 = DenseReference.prelu(DenseReference.addBias(
                    DenseReference.mul(DenseReference.dense(ops.propagation()),
                            DenseReference.mul(DenseReference.dense(ops.features()), DenseReference.dense(w1))),
                    DenseReference.dense(p.get("gcn1.bias"))[0]), p.get("gcn1.prelu").value().data[0]);
            double[][] pre2 = DenseReference.mul(DenseReference.dense(ops.propagation()),
                    DenseReference.mul(h1, DenseReference.dense(w2)));
            for (int c = 0; c < d; c++) {
                double max = 0;
                for (double[] row : pre2) {
                    max = Math.max(max, Math.abs(row[c]));
                }
                double sgn = c == 0 ? 1 : c == 1 ? -1 : rng.nextBoolean() ? 1 : -1;
                p.get("gcn2.bias").value().set(0, c, (float) (sgn * (max + 0.1 + 0.2 * rng.nextDouble())));
            }
        }
    }

    /** DESIGN section 2 in dense double precision, from the raw graph; independent of the engine's kernels. */
    static final class DenseReference {
        private DenseReference() {}

        static Map<String, Double> gmi(Graph g, Map<String, Parameter> p, int layers, int[][] negFeature, int[][] negNeighbour,
                                       double alpha, double beta, double gamma) {
            return gmi(g, p, layers, negFeature, negNeighbour, alpha, beta, gamma, false, false);
        }

        /**
         * {@code adaptive}: Hn = PReLU(W Z1), w_ij = sigmoid(h_i . h_j) / sum_{k in N_i} sigmoid(h_i . h_k) over the
         * neighbours of A (GMI-adaptive); {@code logits}: the JSD's softplus on the raw scores.
         */
        static Map<String, Double> gmi(Graph g, Map<String, Parameter> p, int layers, int[][] negFeature, int[][] negNeighbour,
                                       double alpha, double beta, double gamma, boolean adaptive, boolean logits) {
            int n = g.numNodes();
            double[][] a = dense(g.adjacency());
            double[][] x = rowNormalised(dense(g.features()));
            double[][] aHat = gcnPropagation(a);
            double[][] m = neighbourMean(a);
            double[][] z1 = mul(x, dense(p.get("gcn1.weight")));
            double[][] h = prelu(addBias(mul(aHat, z1), dense(p.get("gcn1.bias"))[0]), scalar(p.get("gcn1.prelu")));
            if (layers == 2) {
                h = prelu(addBias(mul(aHat, mul(h, dense(p.get("gcn2.weight")))), dense(p.get("gcn2.bias"))[0]),
                        scalar(p.get("gcn2.prelu")));
            }
            if (adaptive) {
                for (int i = 0; i < n; i++) {
                    double norm = 0;
                    for (int j = 0; j < n; j++) {
                        norm += a[i][j] != 0 ? sigmoid(dot(h[i], h[j])) : 0;
                    }
                    for (int j = 0; j < n; j++) {
                        m[i][j] = a[i][j] != 0 ? sigmoid(dot(h[i], h[j])) / norm : 0;
                    }
                }
            }
            double[][] hn = prelu(mul(m, z1), scalar(p.get("neighbour.prelu")));

            // D1(x, h) = sigmoid(x^T B1 h + c1), B1 = disc1.weight (F x d)
            double[][] b1 = dense(p.get("disc1.weight"));
            double c1 = scalar(p.get("disc1.bias"));
            double[] pos1 = new double[n];
            double[][] neg1 = new double[negFeature.length][n];
            for (int i = 0; i < n; i++) {
                pos1[i] = bilinear(x[i], b1, h[i]) + c1;
                for (int k = 0; k < negFeature.length; k++) {
                    neg1[k][i] = bilinear(x[negFeature[k][i]], b1, h[i]) + c1;
                }
            }
            // D2(h, hn) = sigmoid(h^T B2 hn + c2); the model stores B2^T as disc2.weight
            double[][] b2 = transpose(dense(p.get("disc2.weight")));
            double c2 = scalar(p.get("disc2.bias"));
            double[] pos2 = new double[n];
            double[][] neg2 = new double[negNeighbour.length][n];
            for (int i = 0; i < n; i++) {
                pos2[i] = bilinear(h[i], b2, hn[i]) + c2;
                for (int k = 0; k < negNeighbour.length; k++) {
                    neg2[k][i] = bilinear(h[negNeighbour[k][i]], b2, hn[i]) + c2;
                }
            }
            double fmi = jsd(pos1, neg1, logits);
            double nmi = jsd(pos2, neg2, logits);

            // reconstruction: R = sigmoid(H H^T), T = A + I as a binary pattern, the official weights
            double e = 0;
            double[][] t = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    t[i][j] = a[i][j] != 0 || i == j ? 1 : 0;
                    e += t[i][j];
                }
            }
            e /= 2;
            double n2 = (double) n * n;
            double w1 = (n2 - e) / e;
            double w2 = n2 / (n2 - e);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double r = sigmoid(dot(h[i], h[j]));
                    sum += -w1 * t[i][j] * Math.log(r + 1e-10) - (1 - t[i][j]) * Math.log(1 - r + 1e-10);
                }
            }
            double rec = w2 * sum / n2;
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("mi_feature", fmi);
            out.put("mi_neighbour", nmi);
            out.put("reconstruction", rec);
            out.put("total", alpha * fmi + beta * nmi + gamma * rec);
            return out;
        }

        /** DGI: H = PReLU(Â X W + b), corruption X[perm], s = sigmoid(mean h), logits h^T B s + c, BCE with logits. */
        static double dgi(Graph g, Map<String, Parameter> p, int[] perm) {
            int n = g.numNodes();
            double[][] aHat = gcnPropagation(dense(g.adjacency()));
            double[][] x = rowNormalised(dense(g.features()));
            double[][] xc = new double[n][];
            for (int i = 0; i < n; i++) {
                xc[i] = x[perm[i]];
            }
            double[][] w = dense(p.get("gcn1.weight"));
            double[] b = dense(p.get("gcn1.bias"))[0];
            double slope = scalar(p.get("gcn1.prelu"));
            double[][] h = prelu(addBias(mul(aHat, mul(x, w)), b), slope);
            double[][] hc = prelu(addBias(mul(aHat, mul(xc, w)), b), slope);
            int d = w[0].length;
            double[] summary = new double[d];
            for (double[] row : h) {
                for (int c = 0; c < d; c++) {
                    summary[c] += row[c] / n;
                }
            }
            for (int c = 0; c < d; c++) {
                summary[c] = sigmoid(summary[c]);
            }
            double[][] bMat = transpose(dense(p.get("disc.weight"))); // the model stores B^T
            double c0 = scalar(p.get("disc.bias"));
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += softplus(-(bilinear(h[i], bMat, summary) + c0));
                sum += softplus(bilinear(hc[i], bMat, summary) + c0);
            }
            return sum / (2.0 * n);
        }

        /** jsd(pos, neg) = mean_i softplus(-f(pos_i)) + mean_{k,i} softplus(f(neg_ki)), f = sigmoid, or the identity on logits. */
        private static double jsd(double[] pos, double[][] neg, boolean logits) {
            double ePos = 0;
            for (double v : pos) {
                ePos += softplus(-(logits ? v : sigmoid(v))) / pos.length;
            }
            double eNeg = 0;
            int count = neg.length * pos.length;
            for (double[] row : neg) {
                for (double v : row) {
                    eNeg += softplus(logits ? v : sigmoid(v)) / count;
                }
            }
            return ePos + eNeg;
        }

        static double[][] gcnPropagation(double[][] a) {
            int n = a.length;
            double[] deg = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    deg[i] += a[i][j] + (i == j ? 1 : 0);
                }
            }
            double[][] out = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    out[i][j] = (a[i][j] + (i == j ? 1 : 0)) / Math.sqrt(deg[i] * deg[j]);
                }
            }
            return out;
        }

        static double[][] neighbourMean(double[][] a) {
            int n = a.length;
            double[][] out = new double[n][n];
            for (int i = 0; i < n; i++) {
                double deg = 0;
                for (double v : a[i]) {
                    deg += v;
                }
                for (int j = 0; j < n; j++) {
                    out[i][j] = deg == 0 ? 0 : a[i][j] / deg;
                }
            }
            return out;
        }

        static double[][] rowNormalised(double[][] x) {
            double[][] out = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                double sum = 0;
                for (double v : x[i]) {
                    sum += v;
                }
                out[i] = new double[x[i].length];
                for (int j = 0; j < x[i].length; j++) {
                    out[i][j] = sum == 0 ? 0 : x[i][j] / sum;
                }
            }
            return out;
        }

        static double[][] dense(CsrMatrix m) {
            double[][] out = new double[m.rows][m.cols];
            for (int i = 0; i < m.rows; i++) {
                for (int k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
                    out[i][m.colIdx[k]] += m.values[k];
                }
            }
            return out;
        }

        static double[][] dense(Tensor t) {
            double[][] out = new double[t.rows()][t.cols()];
            for (int i = 0; i < t.rows(); i++) {
                for (int j = 0; j < t.cols(); j++) {
                    out[i][j] = t.value().get(i, j);
                }
            }
            return out;
        }

        static double scalar(Tensor t) {
            return t.value().data[0];
        }

        static double[][] mul(double[][] a, double[][] b) {
            int n = a.length, k = b.length, m = b[0].length;
            double[][] out = new double[n][m];
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < k; q++) {
                    double v = a[i][q];
                    if (v != 0) {
                        for (int j = 0; j < m; j++) {
                            out[i][j] += v * b[q][j];
                        }
                    }
                }
            }
            return out;
        }

        static double[][] transpose(double[][] a) {
            double[][] out = new double[a[0].length][a.length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[0].length; j++) {
                    out[j][i] = a[i][j];
                }
            }
            return out;
        }

        static double[][] addBias(double[][] a, double[] b) {
            double[][] out = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i].clone();
                for (int j = 0; j < b.length; j++) {
                    out[i][j] += b[j];
                }
            }
            return out;
        }

        static double[][] prelu(double[][] a, double slope) {
            double[][] out = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                out[i] = new double[a[i].length];
                for (int j = 0; j < a[i].length; j++) {
                    out[i][j] = a[i][j] >= 0 ? a[i][j] : slope * a[i][j];
                }
            }
            return out;
        }

        /** u^T B v. */
        static double bilinear(double[] u, double[][] b, double[] v) {
            double s = 0;
            for (int i = 0; i < u.length; i++) {
                for (int j = 0; j < v.length; j++) {
                    s += u[i] * b[i][j] * v[j];
                }
            }
            return s;
        }

        static double dot(double[] u, double[] v) {
            double s = 0;
            for (int i = 0; i < u.length; i++) {
                s += u[i] * v[i];
            }
            return s;
        }

        static double sigmoid(double s) {
            return 1 / (1 + Math.exp(-s));
        }

        static double softplus(double s) {
            return Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s)));
        }
    }
}
