package org.gmi.models.eval;

import org.gmi.engine.CsrMatrix;
import org.gmi.graph.Split;

/**
 * The honest probe on multi-label nodes (each node holds any subset of L labels, as PPI's proteins
 * do), scored by micro-averaged F1 as GraphSAGE, DGI and GMI report PPI: one-vs-rest, one L2-regularised
 * logistic classifier per label on the embeddings standardised as {@link LogisticProbe} does (train
 * nodes' mean and standard deviation), each solved to convergence with L-BFGS from the same objective
 * with two classes. One C serves all labels: for every C of the grid every label's classifier is fitted
 * (warm-started from the previous C), and the C with the highest validation micro-F1 is kept (ties:
 * the smallest). A node is predicted to hold a label when its classifier's probability is above 1/2.
 *
 * <p>micro-F1 = 2 TP / (2 TP + FP + FN), the counts summed over every (node, label) pair of the set
 * scored. Test labels are read only to score the chosen C's predictions.
 */
public final class MultiLabelProbe {
    private MultiLabelProbe() {}

    /**
     * One fit on one split.
     *
     * @param grid       the Cs tried
     * @param valMicroF1 validation micro-F1 of each C
     * @param iterations L-BFGS iterations of each C, summed over the labels
     * @param converged  whether every label's solve reached the tolerance, per C
     * @param chosen     index into the grid of the chosen C
     * @param testMicroF1 the chosen C's test micro-F1
     */
    public record Fit(double[] grid, double[] valMicroF1, int[] iterations, boolean[] converged, int chosen, double testMicroF1) {
        public double c() {
            return grid[chosen];
        }
    }

    /**
     * Fits the probe on {@code x} (row-major, N rows of {@code d} floats) against {@code labels}, the
     * N x L binary label matrix.
     */
    public static Fit fit(float[] x, int d, CsrMatrix labels, Split split, double[] grid) {
        LogisticProbe.requireParts(split);
        int[] train = split.train();
        int[] val = split.val();
        int[] test = split.test();
        double[] mean = new double[d];
        double[] scale = new double[d];
        LogisticProbe.standardiser(x, d, train, mean, scale);
        double[] xTrain = LogisticProbe.standardised(x, d, train, mean, scale);
        double[] xVal = LogisticProbe.standardised(x, d, val, mean, scale);
        double[] xTest = LogisticProbe.standardised(x, d, test, mean, scale);
        // per C: TP, FP, FN on validation, then on test
        long[][] counts = new long[grid.length][6];
        int[] iterations = new int[grid.length];
        boolean[] converged = new boolean[grid.length];
        java.util.Arrays.fill(converged, true);
        int[] y = new int[train.length];
        for (int label = 0; label < labels.cols; label++) {
            for (int i = 0; i < train.length; i++) {
                y[i] = has(labels, train[i], label) ? 1 : 0;
            }
            LogisticProbe.Problem problem = new LogisticProbe.Problem(xTrain, y, d, 2);
            double[] w = new double[2 * (d + 1)];
            for (int g = 0; g < grid.length; g++) {
                if (!(grid[g] > 0)) {
                    throw new IllegalArgumentException("regularisation C must be > 0, got " + grid[g]);
                }
                problem.lambda = 1.0 / (grid[g] * train.length);
                Lbfgs.Result r = Lbfgs.minimise(problem, w, LogisticProbe.MEMORY, LogisticProbe.TOLERANCE,
                        LogisticProbe.MAX_ITERATIONS);
                iterations[g] += r.iterations();
                converged[g] &= r.converged();
                count(LogisticProbe.predict(w, xVal, d, 2), val, labels, label, counts[g], 0);
                count(LogisticProbe.predict(w, xTest, d, 2), test, labels, label, counts[g], 3);
            }
        }
        double[] valF1 = new double[grid.length];
        int chosen = 0;
        for (int g = 0; g < grid.length; g++) {
            valF1[g] = microF1(counts[g][0], counts[g][1], counts[g][2]);
            if (valF1[g] > valF1[chosen]) {
                chosen = g;
            }
        }
        return new Fit(grid.clone(), valF1, iterations, converged, chosen,
                microF1(counts[chosen][3], counts[chosen][4], counts[chosen][5]));
    }

    /** 2 TP / (2 TP + FP + FN); 0 when there is nothing to count (no positives predicted or present). */
    public static double microF1(long tp, long fp, long fn) {
        long denominator = 2 * tp + fp + fn;
        return denominator == 0 ? 0 : 2.0 * tp / denominator;
    }

    /** Adds the TP, FP and FN of one label's predictions on {@code nodes} to counts[at], [at + 1], [at + 2]. */
    private static void count(int[] predicted, int[] nodes, CsrMatrix labels, int label, long[] counts, int at) {
        for (int i = 0; i < nodes.length; i++) {
            boolean truth = has(labels, nodes[i], label);
            boolean said = predicted[i] == 1;
            if (said && truth) {
                counts[at]++;
            } else if (said) {
                counts[at + 1]++;
            } else if (truth) {
                counts[at + 2]++;
            }
        }
    }

    /** Whether node {@code node} holds {@code label} (its row of the label matrix lists the column). */
    static boolean has(CsrMatrix labels, int node, int label) {
        return java.util.Arrays.binarySearch(labels.colIdx, labels.rowPtr[node], labels.rowPtr[node + 1], label) >= 0;
    }
}
