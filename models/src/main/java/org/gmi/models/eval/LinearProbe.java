package org.gmi.models.eval;

import java.util.Locale;
import java.util.SplittableRandom;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.Split;
import org.gmi.models.Method;

/**
 * Logistic-regression probe on frozen embeddings (DESIGN section 2, evaluation protocols).
 *
 * <ul>
 *   <li>{@link Protocol#VAL}: one classifier (Adam lr 1e-3, weight decay 1e-5) is trained up to
 *       {@value #MAX_ITERATIONS} iterations; every {@value #CHECK_EVERY} its VALIDATION accuracy is
 *       read and the iteration count chosen by the rule of the official {@code find_epoch} (see
 *       {@link #chooseIterations}); then {@code runs} fresh classifiers are trained that long and
 *       scored on the test nodes.
 *   <li>{@link Protocol#PAPER}, GMI: the same, but the iteration count is chosen on TEST accuracy,
 *       as the official code does; the result is flagged {@code leaky}.
 *   <li>{@link Protocol#PAPER}, DGI: DGI's own protocol, 100 iterations at lr 0.01, no weight decay.
 * </ul>
 * Accuracies are in [0, 1]; std is the sample standard deviation (as {@code torch.std}).
 */
public final class LinearProbe {
    static final int MAX_ITERATIONS = 20_000;
    static final int CHECK_EVERY = 100;
    static final int CHECKS_WITHOUT_GAIN = 10;
    public static final int DEFAULT_RUNS = 50;

    private LinearProbe() {}

    public static ProbeResult evaluate(Matrix embeddings, Graph graph, Protocol protocol, Method method, long seed) {
        return evaluate(embeddings, graph, protocol, method, seed, DEFAULT_RUNS);
    }

    public static ProbeResult evaluate(Matrix embeddings, Graph graph, Protocol protocol, Method method, long seed, int runs) {
        if (embeddings.rows != graph.numNodes()) {
            throw new IllegalArgumentException("embeddings have " + embeddings.rows + " rows, the graph "
                    + graph.name() + " has " + graph.numNodes() + " nodes");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--eval-runs must be >= 1, got " + runs);
        }
        Split split = graph.split();
        if (split.train().length == 0 || split.test().length == 0) {
            throw new IllegalArgumentException("dataset " + graph.name() + " has no labelled train or test nodes to evaluate on");
        }
        int classes = graph.numClasses();
        int[] labels = graph.labels();
        float[] x = embeddings.data;
        int d = embeddings.cols;

        if (protocol == Protocol.PAPER && method == Method.DGI) {
            double[] acc = trainRuns(x, d, classes, split.train(), split.test(), labels, 100, 0.01f, 0f, seed, runs);
            return summarise(protocol, 100, false, acc,
                    "DGI paper protocol: 100 iterations, Adam lr 0.01, no weight decay, " + runs + " runs");
        }
        boolean onTest = protocol == Protocol.PAPER;
        int[] select = onTest ? split.test() : split.val();
        if (select.length == 0) {
            throw new IllegalArgumentException("dataset " + graph.name() + " has no validation nodes; use --protocol paper or a split with --val-frac > 0");
        }
        int iterations = chooseIterations(x, d, classes, split.train(), select, labels, seed);
        double[] acc = trainRuns(x, d, classes, split.train(), split.test(), labels, iterations, 1e-3f, 1e-5f, seed, runs);
        String note = String.format(Locale.ROOT,
                "iteration count %d chosen on %s accuracy (checked every %d up to %d), Adam lr 1e-3, weight decay 1e-5, %d runs%s",
                iterations, onTest ? "TEST" : "validation", CHECK_EVERY, MAX_ITERATIONS, runs,
                onTest ? " [leaky: the test set chose the iteration count, as the official GMI code does]" : "");
        return summarise(protocol, iterations, onTest, acc, note);
    }

    /**
     * The iteration count the official {@code find_epoch} picks, with {@code select} in place of its
     * test nodes: every {@value #CHECK_EVERY} iterations the accuracy on {@code select} is read; a value
     * at least as high as the best so far (ties move it later) sets the count, and {@value #CHECKS_WITHOUT_GAIN}
     * checks in a row below the best end the search.
     */
    static int chooseIterations(float[] x, int d, int classes, int[] train, int[] select, int[] labels, long seed) {
        LogisticRegression lr = new LogisticRegression(d, classes, new SplittableRandom(seed ^ 0x5DEECE66DL));
        double best = 0;
        int bestIt = 0;
        int checksWithoutGain = 0;
        for (int it = 1; it <= MAX_ITERATIONS; it++) {
            lr.step(x, train, labels, 1e-3f, 1e-5f);
            if (it % CHECK_EVERY == 0) {
                double acc = lr.accuracy(x, select, labels);
                if (acc >= best) {
                    best = acc;
                    bestIt = it;
                    checksWithoutGain = 0;
                } else if (++checksWithoutGain == CHECKS_WITHOUT_GAIN) {
                    break;
                }
            }
        }
        return bestIt;
    }

    static double[] trainRuns(float[] x, int d, int classes, int[] train, int[] test, int[] labels,
                              int iterations, float lr, float wd, long seed, int runs) {
        double[] acc = new double[runs];
        Parallel.forRange(runs, 1, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                LogisticRegression model = new LogisticRegression(d, classes, new SplittableRandom(seed * 1_000_003L + r));
                for (int it = 0; it < iterations; it++) {
                    model.step(x, train, labels, lr, wd);
                }
                acc[r] = model.accuracy(x, test, labels);
            }
        });
        return acc;
    }

    private static ProbeResult summarise(Protocol protocol, int iterations, boolean leaky, double[] acc, String note) {
        double mean = 0;
        for (double a : acc) {
            mean += a;
        }
        mean /= acc.length;
        double var = 0;
        for (double a : acc) {
            var += (a - mean) * (a - mean);
        }
        double std = acc.length > 1 ? Math.sqrt(var / (acc.length - 1)) : 0;
        return new ProbeResult(protocol.cliName(), mean, std, acc.length, iterations, leaky, note, acc);
    }
}
