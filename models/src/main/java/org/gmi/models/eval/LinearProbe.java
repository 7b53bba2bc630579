package org.gmi.models.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *   <li>{@link Protocol#VAL} (honest): {@link LogisticProbe}, standardisation on the train nodes and
 *       an L2-regularised logistic regression solved to convergence, its strength chosen on the
 *       validation nodes; once per split (one split, or {@code --splits K} random ones), mean and
 *       sample standard deviation over the splits.
 *   <li>{@link Protocol#PAPER}, GMI: the official code's protocol: one classifier (Adam lr 1e-3,
 *       weight decay 1e-5) is trained up to {@value #MAX_ITERATIONS} iterations; every
 *       {@value #CHECK_EVERY} its TEST accuracy is read and the iteration count chosen by the rule
 *       of the official {@code find_epoch} (see {@link #chooseIterations}); then {@code runs} fresh
 *       classifiers are trained that long and scored on the test nodes. Flagged {@code leaky}.
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
        if (protocol == Protocol.VAL) {
            return evaluateHonest(embeddings, graph, List.of(graph.split()), LogisticProbe.DEFAULT_GRID);
        }
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
        int iterations = chooseIterations(x, d, classes, split.train(), split.test(), labels, seed);
        double[] acc = trainRuns(x, d, classes, split.train(), split.test(), labels, iterations, 1e-3f, 1e-5f, seed, runs);
        String note = String.format(Locale.ROOT,
                "iteration count %d chosen on TEST accuracy (checked every %d up to %d), Adam lr 1e-3, weight decay 1e-5, %d runs"
                        + " [leaky: the test set chose the iteration count, as the official GMI code does]",
                iterations, CHECK_EVERY, MAX_ITERATIONS, runs);
        return summarise(protocol, iterations, true, acc, note);
    }

    /**
     * The honest protocol ({@link LogisticProbe}) on each of {@code splits}: test accuracy per split,
     * their mean and sample standard deviation; {@code details} records the grid, the chosen C, the
     * validation accuracies and the solver's iterations per split.
     */
    public static ProbeResult evaluateHonest(Matrix embeddings, Graph graph, List<Split> splits, double[] grid) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("classifier", "multinomial logistic regression, L2 penalty 1/(2C) ||W||^2 on the summed cross-entropy "
                + "(bias unpenalised), L-BFGS in double to max |gradient| <= " + LogisticProbe.TOLERANCE + " (at most "
                + LogisticProbe.MAX_ITERATIONS + " iterations)");
        return honest(embeddings, graph, splits, grid, "accuracy", details,
                "L2 logistic regression on train-standardised embeddings, solved to convergence (L-BFGS)", split -> {
                    LogisticProbe.Fit fit = LogisticProbe.fit(embeddings.data, embeddings.cols, graph.labels(),
                            graph.numClasses(), split, grid);
                    return new SplitScore(fit.testAccuracy(), fit.chosen(), fit.valAccuracy(), fit.iterations(), fit.converged());
                });
    }

    /**
     * The honest protocol on multi-label nodes ({@link MultiLabelProbe}): test micro-F1 per split, their
     * mean and sample standard deviation (in {@link ProbeResult#accuracies}, with {@code details.metric}
     * "micro_f1").
     */
    public static ProbeResult evaluateMultiLabel(Matrix embeddings, Graph graph, List<Split> splits, double[] grid) {
        if (!graph.isMultiLabel()) {
            throw new IllegalArgumentException("dataset " + graph.name() + " has one class per node: micro-F1 over labels needs "
                    + "a label matrix");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("metric", "micro_f1");
        details.put("classifier", "one-vs-rest: per label, a two-class logistic regression, L2 penalty 1/(2C) ||W||^2 on the summed "
                + "cross-entropy (bias unpenalised), L-BFGS in double to max |gradient| <= " + LogisticProbe.TOLERANCE
                + "; a label is predicted when its probability is above 1/2");
        details.put("labels", graph.numClasses());
        return honest(embeddings, graph, splits, grid, "micro_f1", details, "micro-F1 over " + graph.numClasses()
                + " labels, one-vs-rest L2 logistic regressions on train-standardised embeddings", split -> {
                    MultiLabelProbe.Fit fit = MultiLabelProbe.fit(embeddings.data, embeddings.cols, graph.labelMatrix(), split, grid);
                    return new SplitScore(fit.testMicroF1(), fit.chosen(), fit.valMicroF1(), fit.iterations(), fit.converged());
                });
    }

    /** One split's fit as the honest protocol reports it: the test score and, per C, validation score, iterations, convergence. */
    private record SplitScore(double test, int chosen, double[] val, int[] iterations, boolean[] converged) {}

    /**
     * The val protocol's loop over {@code splits}: each split's fit, then the summary; {@code metric}
     * names the per-split keys ({@code val_accuracy}, {@code test_micro_f1}, ...), {@code details}
     * starts with the classifier's description and {@code what} starts the note.
     */
    private static ProbeResult honest(Matrix embeddings, Graph graph, List<Split> splits, double[] grid, String metric,
                                      Map<String, Object> details, String what, java.util.function.Function<Split, SplitScore> fit) {
        if (embeddings.rows != graph.numNodes()) {
            throw new IllegalArgumentException("embeddings have " + embeddings.rows + " rows, the graph "
                    + graph.name() + " has " + graph.numNodes() + " nodes");
        }
        double[] scores = new double[splits.size()];
        List<Map<String, Object>> perSplit = new ArrayList<>();
        double[] chosenC = new double[splits.size()];
        boolean allConverged = true;
        int firstIterations = 0;
        for (int s = 0; s < splits.size(); s++) {
            Split split = splits.get(s);
            if (split.train().length == 0 || split.test().length == 0) {
                throw new IllegalArgumentException("dataset " + graph.name() + " has no labelled train or test nodes to evaluate on");
            }
            if (split.val().length == 0) {
                throw new IllegalArgumentException("dataset " + graph.name() + " has no validation nodes to choose the "
                        + "probe's regularisation on; use --protocol paper or a split with --val-frac > 0");
            }
            SplitScore r = fit.apply(split);
            scores[s] = r.test();
            chosenC[s] = grid[r.chosen()];
            if (s == 0) {
                firstIterations = r.iterations()[r.chosen()];
            }
            for (boolean c : r.converged()) {
                allConverged &= c;
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("split", split.kind());
            one.put("c", chosenC[s]);
            one.put("val_" + metric, r.val());
            one.put("iterations", r.iterations());
            one.put("converged", r.converged());
            one.put("test_" + metric, r.test());
            perSplit.add(one);
        }
        details.put("standardise", "mean and standard deviation of the train nodes");
        details.put("c_grid", grid.clone());
        details.put("c_chosen", chosenC);
        details.put("converged", allConverged);
        details.put("splits", perSplit);
        String cs = splits.size() == 1 ? "C " + g(chosenC[0]) : "C per split " + list(chosenC);
        String note = String.format(Locale.ROOT, "%s; %s chosen on validation %s from %s; %d split%s%s", what, cs,
                metric.equals("accuracy") ? "accuracy" : "micro-F1", list(grid), splits.size(), splits.size() == 1 ? "" : "s",
                allConverged ? "" : " (some solves hit the iteration cap)");
        return summarise(Protocol.VAL, firstIterations, false, scores, note, details);
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
        return summarise(protocol, iterations, leaky, acc, note, Map.of());
    }

    private static ProbeResult summarise(Protocol protocol, int iterations, boolean leaky, double[] acc, String note,
                                         Map<String, Object> details) {
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
        return new ProbeResult(protocol.cliName(), mean, std, acc.length, iterations, leaky, note, acc, details);
    }

    /** {@code 0.001}, {@code 10}, {@code 1e-05}: the shortest plain form of a grid value. */
    public static String g(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    public static String list(double[] values) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(g(values[i]));
        }
        return sb.append('}').toString();
    }
}
