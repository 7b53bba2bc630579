package org.gmi.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.gmi.autodiff.GradientCheck;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.graph.Graph;
import org.gmi.graph.NegativeSampler;
import org.gmi.graph.NeighbourSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MinibatchTrainer} and the minibatch forwards of GMI and DGI
 * ({@link SelfSupervisedModel#forward(Tape, BatchOperators, long)}):
 * <ul>
 *   <li>a run is a function of its seed: two runs give the same loss at every epoch (double equality)
 *       and the same embeddings (float equality); another seed gives other losses; GMI and DGI, one
 *       and two layers; {@link Trainer#train} with a batch size runs the same thing;
 *   <li>the loss falls over 15 epochs on a planted partition;
 *   <li>a batch size above N is one batch of all N nodes: the same run as batch size N, and for GMI's
 *       reconstruction alone (a function of the pairs, not of their order) the first epoch's loss is
 *       the full-batch trainer's;
 *   <li>what minibatch training cannot do is refused with IllegalArgumentException: GMI-adaptive, the
 *       sampled reconstruction, fan-outs not one per layer;
 *   <li>the gradient of the minibatch GMI and DGI losses (one batch, one draw seed, fixed) against
 *       central finite differences ({@link GradientCheck}, as the tests module's ModelGradientTest:
 *       step 1e-2, rtol 2e-2, atol 1e-4 max(1, |L|), 12 entries per parameter, parameters set away
 *       from PReLU's kink), and a control where each forward draws anew fails it.
 * </ul>
 */
class MinibatchTrainerTest {
    private static final double STEP = 1e-2;
    private static final double RTOL = 2e-2;
    private static final double ATOL = 1e-4;
    private static final int PER_TENSOR = 12;

    /** A small run: 50 nodes in batches of 16 (16, 16, 16, 2), hidden 16, 2 negatives, 4 epochs. */
    static TrainConfig config(Method method, int layers, long seed) {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.layers = layers;
        c.hidden = 16;
        c.negatives = 2;
        c.epochs = 4;
        c.patience = 100;
        c.lr = 1e-2;
        c.seed = seed;
        c.batchSize = 16;
        c.fanouts = layers == 1 ? new int[] {4} : new int[] {4, 3};
        return c;
    }

    static Graph smallGraph() {
        return MinibatchGraphs.random(new SplittableRandom(42), 50, 12, 3);
    }

    static Stream<Arguments> methodsAndLayers() {
        return Stream.of(Arguments.of(Method.GMI, 1), Arguments.of(Method.GMI, 2), Arguments.of(Method.DGI, 1), Arguments.of(Method.DGI, 2));
    }

    // ---------------------------------------------------------------- determinism

    @ParameterizedTest(name = "{0}, {1} layer(s)")
    @MethodSource("methodsAndLayers")
    void aRunIsAFunctionOfItsSeed(Method method, int layers) {
        Graph g = smallGraph();
        TrainConfig c = config(method, layers, 7);
        TrainResult a = MinibatchTrainer.train(g, c, TrainingListener.NONE);
        TrainResult b = MinibatchTrainer.train(g, config(method, layers, 7), TrainingListener.NONE);
        String ctx = method + ", " + layers + " layer(s)";
        assertEquals(c.epochs, a.epochsRun(), ctx + ": epochs run");
        assertEquals(c.epochs, a.loss().length, ctx + ": losses");
        assertArrayEquals(a.loss(), b.loss(), ctx + ": the same seed gave other losses");
        assertEquals(a.terms().keySet(), b.terms().keySet(), ctx + ": terms");
        for (String t : a.terms().keySet()) {
            assertArrayEquals(a.terms().get(t), b.terms().get(t), ctx + ": term " + t);
        }
        assertEquals(a.bestEpoch(), b.bestEpoch(), ctx + ": best epoch");
        assertEquals(g.numNodes() + "x16", a.embeddings().shape(), ctx + ": embeddings shape");
        assertArrayEquals(a.embeddings().data, b.embeddings().data, ctx + ": the same seed gave other embeddings");
        assertEquals(method == Method.GMI ? java.util.Set.of("mi_feature", "mi_neighbour", "reconstruction") : java.util.Set.of("bce"),
                a.terms().keySet(), ctx + ": term names");

        TrainResult other = MinibatchTrainer.train(g, config(method, layers, 8), TrainingListener.NONE);
        for (int e = 0; e < c.epochs; e++) {
            assertFalse(a.loss()[e] == other.loss()[e], ctx + ": seeds 7 and 8 gave the same loss at epoch " + (e + 1) + ": "
                    + Arrays.toString(a.loss()));
        }
        assertFalse(Arrays.equals(a.embeddings().data, other.embeddings().data), ctx + ": seeds 7 and 8 gave the same embeddings");
    }

    /** {@link Trainer#train} with a batch size is the minibatch trainer, run for run. */
    @Test
    void trainerDispatchesToMinibatchTraining() {
        Graph g = smallGraph();
        TrainResult direct = MinibatchTrainer.train(g, config(Method.GMI, 1, 3), TrainingListener.NONE);
        int[] reports = {0};
        TrainResult viaTrainer = Trainer.train(g, config(Method.GMI, 1, 3), r -> reports[0]++);
        assertArrayEquals(direct.loss(), viaTrainer.loss());
        assertArrayEquals(direct.embeddings().data, viaTrainer.embeddings().data);
        assertEquals(4, reports[0], "one report per epoch");
        TrainConfig full = config(Method.GMI, 1, 3);
        full.batchSize = 0;
        full.fanouts = null;
        assertFalse(Arrays.equals(direct.loss(), Trainer.train(g, full, TrainingListener.NONE).loss()),
                "batch size 0 trained the same minibatches");
        int[] checkpoints = {0};
        TrainResult checkpointed = Trainer.train(g, config(Method.GMI, 1, 3), TrainingListener.NONE,
                new Trainer.Checkpointing(2, s -> checkpoints[0]++, null));
        assertArrayEquals(direct.loss(), checkpointed.loss(), "checkpointing changes nothing");
        assertEquals(2, checkpoints[0], "a checkpoint after epochs 2 and 4");
    }

    // ---------------------------------------------------------------- learning

    /**
     * On a planted partition (60 nodes, 3 classes, p_in 0.3, p_out 0.02, 5 feature columns per class)
     * the loss of the last three of 15 epochs is below the first epoch's, by a margin, for both
     * methods and three seeds.
     */
    @ParameterizedTest(name = "{0}, {1} layer(s)")
    @MethodSource("methodsAndLayers")
    void lossFallsOnAPlantedPartition(Method method, int layers) {
        Graph g = MinibatchGraphs.planted(new SplittableRandom(9), 60, 3, 0.3, 0.02, 5);
        for (long seed = 1; seed <= 3; seed++) {
            TrainConfig c = config(method, layers, seed);
            c.epochs = 15;
            c.batchSize = 20;
            double[] loss = MinibatchTrainer.train(g, c, TrainingListener.NONE).loss();
            double first = loss[0];
            double last = (loss[12] + loss[13] + loss[14]) / 3;
            assertTrue(last < first - 0.05 * Math.abs(first), method + ", " + layers + " layer(s), seed " + seed
                    + ": loss did not fall: " + Arrays.toString(loss));
        }
    }

    // ---------------------------------------------------------------- batch size above N

    @ParameterizedTest(name = "{0}, {1} layer(s)")
    @MethodSource("methodsAndLayers")
    void batchSizeAboveNIsOneBatchOfAllNodes(Method method, int layers) {
        Graph g = smallGraph();
        TrainConfig big = config(method, layers, 5);
        big.batchSize = 1000;
        TrainConfig exact = config(method, layers, 5);
        exact.batchSize = g.numNodes();
        TrainResult a = MinibatchTrainer.train(g, big, TrainingListener.NONE);
        TrainResult b = MinibatchTrainer.train(g, exact, TrainingListener.NONE);
        assertEquals(big.epochs, a.epochsRun());
        assertArrayEquals(b.loss(), a.loss(), "batch size 1000 against batch size N = " + g.numNodes());
        assertArrayEquals(b.embeddings().data, a.embeddings().data);
        TrainConfig smaller = config(method, layers, 5);
        smaller.batchSize = g.numNodes() - 2;
        assertFalse(Arrays.equals(a.loss(), MinibatchTrainer.train(g, smaller, TrainingListener.NONE).loss()),
                "batch size N - 2 (two batches) gave the losses of one batch");
    }

    /**
     * GMI's reconstruction alone (alpha = beta = 0), the batch above N, fan-outs above the largest
     * degree: the first epoch's loss, taken before any step, is the full-batch trainer's.
     */
    @ParameterizedTest(name = "{0} layer(s)")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void oneFullBatchReconstructionEqualsTheFullBatchLoss(int layers) {
        Graph g = smallGraph();
        int maxDegree = MinibatchGraphs.maxDegree(g.adjacency());
        TrainConfig mb = config(Method.GMI, layers, 11);
        mb.alpha = 0;
        mb.beta = 0;
        mb.epochs = 2;
        mb.batchSize = 10 * g.numNodes();
        mb.fanouts = layers == 1 ? new int[] {maxDegree} : new int[] {maxDegree, maxDegree};
        TrainConfig full = config(Method.GMI, layers, 11);
        full.alpha = 0;
        full.beta = 0;
        full.epochs = 2;
        full.batchSize = 0;
        full.fanouts = null;
        double want = Trainer.train(g, full, TrainingListener.NONE).loss()[0];
        double got = MinibatchTrainer.train(g, mb, TrainingListener.NONE).loss()[0];
        assertEquals(want, got, 1e-5 * Math.abs(want), layers + " layer(s): one batch of every node with every neighbour");
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void whatMinibatchesCannotComputeIsRefused() {
        Graph g = smallGraph();
        TrainConfig adaptive = config(Method.GMI, 1, 1);
        adaptive.variant = GmiVariant.ADAPTIVE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MinibatchTrainer.train(g, adaptive, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("adaptive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.train(g, adaptive, TrainingListener.NONE));

        TrainConfig sampled = config(Method.GMI, 2, 1);
        sampled.reconstruction = ReconstructionMode.SAMPLED;
        e = assertThrows(IllegalArgumentException.class, () -> MinibatchTrainer.train(g, sampled, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("reconstruction"), e.getMessage());

        TrainConfig tooFew = config(Method.DGI, 2, 1);
        tooFew.fanouts = new int[] {5};
        assertThrows(IllegalArgumentException.class, () -> MinibatchTrainer.train(g, tooFew, TrainingListener.NONE));
        TrainConfig tooMany = config(Method.GMI, 1, 1);
        tooMany.fanouts = new int[] {5, 5};
        assertThrows(IllegalArgumentException.class, () -> MinibatchTrainer.train(g, tooMany, TrainingListener.NONE));

        TrainConfig noBatch = config(Method.GMI, 1, 1);
        noBatch.batchSize = 0;
        assertThrows(IllegalArgumentException.class, () -> MinibatchTrainer.train(g, noBatch, TrainingListener.NONE),
                "minibatch training without a batch size");
    }

    @Test
    void fanoutsForTakesOnePerLayer() {
        TrainConfig c = new TrainConfig();
        assertArrayEquals(new int[] {25}, c.fanoutsFor(1), "default, one layer");
        assertArrayEquals(new int[] {25, 10}, c.fanoutsFor(2), "default, two layers");
        c.fanouts = new int[] {7};
        assertArrayEquals(new int[] {7}, c.fanoutsFor(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.fanoutsFor(2));
        assertTrue(e.getMessage().contains("1 fan-out") && e.getMessage().contains("2 layers"), e.getMessage());
        c.fanouts = new int[] {7, 3};
        assertArrayEquals(new int[] {7, 3}, c.fanoutsFor(2));
        assertThrows(IllegalArgumentException.class, () -> c.fanoutsFor(1));

        TrainConfig v = new TrainConfig();
        v.fanouts = new int[] {3};
        assertThrows(IllegalArgumentException.class, v::validate, "fan-outs without a batch size");
        v.batchSize = 8;
        v.validate();
        v.fanouts = new int[] {3, 0};
        assertThrows(IllegalArgumentException.class, v::validate, "a fan-out of 0");
    }

    // ---------------------------------------------------------------- gradients

    /** One batch of a random graph, cut for a model of {@code layers} layers. */
    private record Setup(Graph graph, BatchOperators batch, TrainConfig config) {
        static Setup of(long seed, Method method, int layers) {
            SplittableRandom rng = new SplittableRandom(seed);
            Graph g = MinibatchGraphs.random(rng, 20 + rng.nextInt(10), 4 + rng.nextInt(4), 3);
            int[] seeds = MinibatchGraphs.distinctNodes(rng, g.numNodes(), 5 + rng.nextInt(4));
            seeds[0] = 1; // the hub: sampled with rescaling
            seeds = Arrays.stream(seeds).distinct().toArray();
            int[] fanouts = layers == 1 ? new int[] {3} : new int[] {3, 2};
            NeighbourSampler.Batch b = new NeighbourSampler(g.adjacency()).sample(seeds, fanouts, new SplittableRandom(rng.nextLong()));
            TrainConfig c = new TrainConfig();
            c.method = method;
            c.layers = layers;
            c.hidden = 3 + rng.nextInt(4);
            c.negatives = 1 + rng.nextInt(3);
            c.seed = seed;
            c.batchSize = seeds.length;
            c.fanouts = fanouts;
            return new Setup(g, BatchOperators.of(GraphOperators.of(g), b), c);
        }
    }

    static Stream<Arguments> gradientCases() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (long seed = 1; seed <= 4; seed++) {
            for (Method m : Method.values()) {
                for (int layers = 1; layers <= 2; layers++) {
                    s.add(Arguments.of(m, layers, seed));
                }
            }
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0}, {1} layer(s), seed {2}")
    @MethodSource("gradientCases")
    void minibatchLossGradientMatchesFiniteDifferences(Method method, int layers, long seed) {
        Setup s = Setup.of(seed * 31 + layers, method, layers);
        SelfSupervisedModel model = Trainer.createModel(s.graph(), s.config());
        long drawSeed = new SplittableRandom(seed).nextLong();
        setKinkFreeParameters(new SplittableRandom(seed ^ 0x6EADL), byName(model), s.batch(), layers, drawSeed);
        Tape tape = new Tape();
        Supplier<Tensor> loss = () -> model.forward(tape, s.batch(), drawSeed).total();
        Tensor[] params = model.parameters().toArray(Tensor[]::new);
        double value = loss.get().scalar();
        tape.clear();
        String label = method + " minibatch, " + layers + " layer(s), seed " + seed + ", B " + s.batch().seeds() + " of "
                + s.batch().nodes().length + " batch nodes";
        assertTrue(Double.isFinite(value), label + ": loss " + value);
        GradientCheck.Outcome o = GradientCheck.check(label, tape, loss, params, STEP, RTOL, ATOL * Math.max(1, Math.abs(value)),
                PER_TENSOR, seed);
        assertTrue(o.ok(), o.message());
        assertTrue(o.entriesChecked() >= params.length, label + ": " + o.entriesChecked() + " entries checked");
        for (Tensor t : params) {
            boolean any = false;
            for (float v : t.grad().data) {
                any |= v != 0f;
            }
            assertTrue(any, label + ": parameter " + t.name() + " received no gradient");
        }
    }

    /** The loss depends on the draw seed given to forward: a new one at every evaluation fails the check. */
    @Test
    void freshDrawsOnEveryForwardFailTheCheck() {
        for (Method method : Method.values()) {
            Setup s = Setup.of(3, method, 1);
            SelfSupervisedModel model = Trainer.createModel(s.graph(), s.config());
            setKinkFreeParameters(new SplittableRandom(3), byName(model), s.batch(), 1, 0);
            Tape tape = new Tape();
            long[] draw = {0};
            Supplier<Tensor> loss = () -> model.forward(tape, s.batch(), draw[0]++).total();
            GradientCheck.Outcome o = GradientCheck.check(method + ", fresh draws", tape, loss, model.parameters().toArray(Tensor[]::new),
                    STEP, RTOL, ATOL, PER_TENSOR, 3);
            assertFalse(o.ok(), method + ": the check passed although every forward drew anew: " + o.message());
        }
    }

    private static Map<String, Parameter> byName(SelfSupervisedModel model) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            m.put(p.name(), p);
        }
        return m;
    }

    /**
     * Parameters that keep every PReLU input away from 0 by more than a 1e-2 step can move it (the
     * argument of ModelGradientTest): W1 column c one-signed with |W1| in [0.2, 1] x the Xavier bound,
     * b1 of the same sign with |b1| in [0.1, 0.3]; X', the blocks and M are non-negative, so every
     * column of block X' W1 + b1 (also with Z1's rows shuffled, DGI's corruption) and of M X' W1 keeps
     * that sign. Columns 0 and 1 have opposite signs so both PReLU branches are used. With two layers
     * W2 lies in [-0.3, 0.3] and b2 exceeds the largest |(block H1 W2)_ic| of its column, over the
     * clean and (DGI) the corrupted pass of this batch, by 0.1 to 0.3.
     */
    private static void setKinkFreeParameters(SplittableRandom rng, Map<String, Parameter> p, BatchOperators batch, int layers,
                                              long drawSeed) {
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
            double[][] z1 = mul(dense(batch.features()), dense(w1));
            int total = z1.length;
            double[] max = new double[d];
            int[] identity = java.util.stream.IntStream.range(0, total).toArray();
            int[] perm = p.containsKey("disc.weight") ? new NegativeSampler(drawSeed).permutation(total) : identity;
            for (int[] rows : new int[][] {identity, perm}) {
                double[][] zr = new double[total][];
                for (int i = 0; i < total; i++) {
                    zr[i] = z1[rows[i]];
                }
                double[][] h1 = prelu(addBias(mul(dense(batch.blocks()[0]), zr), dense(p.get("gcn1.bias"))[0]),
                        p.get("gcn1.prelu").value().data[0]);
                double[][] pre2 = mul(dense(batch.blocks()[1]), mul(h1, dense(w2)));
                for (double[] row : pre2) {
                    for (int c = 0; c < d; c++) {
                        max[c] = Math.max(max[c], Math.abs(row[c]));
                    }
                }
            }
            for (int c = 0; c < d; c++) {
                double sgn = c == 0 ? 1 : c == 1 ? -1 : rng.nextBoolean() ? 1 : -1;
                p.get("gcn2.bias").value().set(0, c, (float) (sgn * (max[c] + 0.1 + 0.2 * rng.nextDouble())));
            }
        }
    }

    private static double[][] dense(CsrMatrix m) {
        double[][] out = new double[m.rows][m.cols];
        for (int i = 0; i < m.rows; i++) {
            for (int k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
                out[i][m.colIdx[k]] += m.values[k];
            }
        }
        return out;
    }

    private static double[][] dense(Parameter p) {
        double[][] out = new double[p.rows()][p.cols()];
        for (int i = 0; i < p.rows(); i++) {
            for (int j = 0; j < p.cols(); j++) {
                out[i][j] = p.value().get(i, j);
            }
        }
        return out;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        int inner = b.length;
        int cols = b[0].length;
        double[][] out = new double[a.length][cols];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < inner; k++) {
                for (int j = 0; j < cols; j++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    private static double[][] addBias(double[][] a, double[] bias) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
            for (int j = 0; j < bias.length; j++) {
                out[i][j] += bias[j];
            }
        }
        return out;
    }

    private static double[][] prelu(double[][] a, double slope) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                if (out[i][j] < 0) {
                    out[i][j] *= slope;
                }
            }
        }
        return out;
    }
}
