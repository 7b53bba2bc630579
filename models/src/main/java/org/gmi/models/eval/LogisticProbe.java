package org.gmi.models.eval;

import java.util.Arrays;
import org.gmi.engine.DoubleKernels;
import org.gmi.engine.Parallel;
import org.gmi.graph.Split;

/**
 * The honest linear probe: an L2-regularised multinomial logistic regression, solved to
 * convergence, its regularisation chosen on the validation nodes. The same estimator as
 * scikit-learn's {@code LogisticRegression(C=c, solver="lbfgs")} on features standardised with
 * {@code StandardScaler} fitted on the train nodes, so an independent check in Python can
 * reproduce it (docs/evaluation.md).
 *
 * <ol>
 *   <li>Standardise every embedding dimension with the mean and (population) standard deviation
 *       of the TRAIN nodes only; a dimension constant on them keeps scale 1. The probe is therefore
 *       invariant to rescaling the embeddings.
 *   <li>For every C of the grid, minimise
 *       {@code f(W, b) = (1/n) sum_i CE(softmax(W x_i + b), y_i) + ||W||^2 / (2 C n)} over the n
 *       train nodes (the bias is not penalised; the minimiser is sklearn's, whose objective is
 *       C n times this one) with L-BFGS in double precision (memory {@value #MEMORY}, Armijo
 *       backtracking), from W = 0 for the smallest C and warm-started from the previous C's
 *       solution after it. It stops when the largest gradient entry is below {@value #TOLERANCE}
 *       or after {@value #MAX_ITERATIONS} iterations (recorded as not converged).
 *   <li>Pick the C with the highest validation accuracy (ties: the smallest C, the strongest
 *       regularisation), and report that classifier's test accuracy.
 * </ol>
 * Deterministic: no random start, and every sum runs in a fixed order whatever the thread count
 * (logits row by row; the gradient summed over fixed blocks of nodes, the blocks added in order).
 *
 * <p>Test labels are read once, to score the final predictions; nothing chosen depends on them.
 */
public final class LogisticProbe {
    /** The regularisation strengths tried (sklearn's C, inverse strength), smallest first. */
    public static final double[] DEFAULT_GRID = {1e-3, 1e-2, 1e-1, 1, 10, 100};
    static final int MAX_ITERATIONS = 1000;
    static final double TOLERANCE = 1e-6;
    static final int MEMORY = 10;
    /** Nodes per block of the gradient's sum: a fixed size, so the sum's order never depends on the thread count. */
    static final int ROWS_PER_BLOCK = 64;

    private LogisticProbe() {}

    /**
     * One fit on one split.
     *
     * @param grid             the Cs tried
     * @param valAccuracy      validation accuracy of each C, in grid order
     * @param iterations       L-BFGS iterations of each C
     * @param converged        whether each C's solve reached the tolerance
     * @param chosen           index into the grid of the chosen C
     * @param testPredictions  the chosen classifier's class for each test node, in {@code split.test()} order
     * @param testAccuracy     its test accuracy, in [0, 1]
     */
    public record Fit(double[] grid, double[] valAccuracy, int[] iterations, boolean[] converged, int chosen,
                      int[] testPredictions, double testAccuracy) {
        public double c() {
            return grid[chosen];
        }
    }

    /**
     * Fits the probe on {@code x} (row-major, {@code labels.length} rows of {@code d} floats).
     *
     * @throws IllegalArgumentException when the split has no train, validation or test nodes
     */
    public static Fit fit(float[] x, int d, int[] labels, int classes, Split split, double[] grid) {
        requireParts(split);
        int[] train = split.train();
        int[] val = split.val();
        int[] test = split.test();
        if (grid.length == 0) {
            throw new IllegalArgumentException("the regularisation grid is empty");
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        standardiser(x, d, train, mean, scale);
        double[] xTrain = standardised(x, d, train, mean, scale);
        double[] xVal = standardised(x, d, val, mean, scale);
        int[] yTrain = new int[train.length];
        for (int i = 0; i < train.length; i++) {
            yTrain[i] = labels[train[i]];
        }
        int[] yVal = new int[val.length];
        for (int i = 0; i < val.length; i++) {
            yVal[i] = labels[val[i]];
        }

        Problem problem = new Problem(xTrain, yTrain, d, classes);
        double[] w = new double[classes * (d + 1)];
        double[] best = null;
        double[] valAcc = new double[grid.length];
        int[] iterations = new int[grid.length];
        boolean[] converged = new boolean[grid.length];
        int chosen = -1;
        for (int g = 0; g < grid.length; g++) {
            if (!(grid[g] > 0)) {
                throw new IllegalArgumentException("regularisation C must be > 0, got " + grid[g]);
            }
            problem.lambda = 1.0 / (grid[g] * train.length);
            Lbfgs.Result r = Lbfgs.minimise(problem, w, MEMORY, TOLERANCE, MAX_ITERATIONS);
            iterations[g] = r.iterations();
            converged[g] = r.converged();
            valAcc[g] = accuracy(predict(w, xVal, d, classes), yVal);
            if (chosen < 0 || valAcc[g] > valAcc[chosen]) {
                chosen = g;
                best = w.clone();
            }
        }
        double[] xTest = standardised(x, d, test, mean, scale);
        int[] pred = predict(best, xTest, d, classes);
        int correct = 0;
        for (int i = 0; i < test.length; i++) {
            if (pred[i] == labels[test[i]]) {
                correct++;
            }
        }
        return new Fit(grid.clone(), valAcc, iterations, converged, chosen, pred, (double) correct / test.length);
    }

    /** Throws IllegalArgumentException when the split has no train, validation or test nodes. */
    static void requireParts(Split split) {
        if (split.train().length == 0 || split.val().length == 0 || split.test().length == 0) {
            throw new IllegalArgumentException("the honest probe needs train, validation and test nodes; the split has "
                    + split.train().length + " / " + split.val().length + " / " + split.test().length);
        }
    }

    /** Mean and population standard deviation of each column over the rows {@code nodes}; 1 where it is 0. */
    static void standardiser(float[] x, int d, int[] nodes, double[] mean, double[] scale) {
        Arrays.fill(mean, 0);
        Arrays.fill(scale, 0);
        for (int node : nodes) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[node * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= nodes.length;
        }
        for (int node : nodes) {
            for (int j = 0; j < d; j++) {
                double t = x[node * d + j] - mean[j];
                scale[j] += t * t;
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / nodes.length);
            scale[j] = sd > 0 && Double.isFinite(sd) ? sd : 1;
        }
    }

    static double[] standardised(float[] x, int d, int[] nodes, double[] mean, double[] scale) {
        double[] out = new double[nodes.length * d];
        for (int i = 0; i < nodes.length; i++) {
            int row = nodes[i] * d;
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (x[row + j] - mean[j]) / scale[j];
            }
        }
        return out;
    }

    /** argmax_k (W x_i + b)_k for every row of {@code xs}; ties go to the lowest class. */
    static int[] predict(double[] w, double[] xs, int d, int classes) {
        int n = xs.length / d;
        int[] pred = new int[n];
        int biasOff = classes * d;
        Parallel.forRange(n, 64, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int arg = 0;
                double top = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    double z = DoubleKernels.dot(w, k * d, xs, i * d, d) + w[biasOff + k];
                    if (z > top) {
                        top = z;
                        arg = k;
                    }
                }
                pred[i] = arg;
            }
        });
        return pred;
    }

    private static double accuracy(int[] pred, int[] y) {
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            if (pred[i] == y[i]) {
                correct++;
            }
        }
        return (double) correct / y.length;
    }

    /**
     * The objective and its gradient. Parameters {@code w}: W class-major (classes x d), then the
     * classes biases.
     */
    static final class Problem implements Lbfgs.Objective {
        private final double[] x;
        private final int[] y;
        private final int n;
        private final int d;
        private final int c;
        /** Per-node residuals (softmax - one-hot) / n and per-node cross-entropies. */
        private final double[] residual;
        private final double[] ce;
        /** Per block of rows, its share of the gradient (classes x (d + 1)). */
        private final double[] partial;
        private final int blocks;
        double lambda;

        Problem(double[] x, int[] y, int d, int classes) {
            this.x = x;
            this.y = y;
            this.n = y.length;
            this.d = d;
            this.c = classes;
            residual = new double[n * classes];
            ce = new double[n];
            blocks = (n + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK;
            partial = new double[blocks * classes * (d + 1)];
        }

        @Override
        public int size() {
            return c * (d + 1);
        }

        @Override
        public double evaluate(double[] w, double[] grad) {
            int biasOff = c * d;
            double invN = 1.0 / n;
            Parallel.forRange(n, 64, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    int r = i * c;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < c; k++) {
                        double z = DoubleKernels.dot(w, k * d, x, i * d, d) + w[biasOff + k];
                        residual[r + k] = z;
                        max = Math.max(max, z);
                    }
                    double sum = 0;
                    for (int k = 0; k < c; k++) {
                        double e = Math.exp(residual[r + k] - max);
                        residual[r + k] = e;
                        sum += e;
                    }
                    // CE = log sum_k exp(z_k) - z_y = log(sum) + max - z_y, with e_y = exp(z_y - max)
                    ce[i] = Math.log(sum) - Math.log(residual[r + y[i]]);
                    for (int k = 0; k < c; k++) {
                        residual[r + k] = (residual[r + k] / sum - (k == y[i] ? 1 : 0)) * invN;
                    }
                }
            });
            double loss = 0;
            for (int i = 0; i < n; i++) {
                loss += ce[i];
            }
            loss *= invN;
            double penalty = 0;
            for (int p = 0; p < biasOff; p++) {
                penalty += w[p] * w[p];
            }
            loss += 0.5 * lambda * penalty;
            // the gradient: each block of ROWS_PER_BLOCK nodes sums its rows' terms into its own partial
            // (one pass over X, the C x d partial stays in cache), then the partials are added in block
            // order: the same bits on any thread count
            int p = c * (d + 1);
            Parallel.forRange(blocks, 1, (lo, hi) -> {
                for (int blk = lo; blk < hi; blk++) {
                    int off = blk * p;
                    java.util.Arrays.fill(partial, off, off + p, 0);
                    int end = Math.min(n, (blk + 1) * ROWS_PER_BLOCK);
                    for (int i = blk * ROWS_PER_BLOCK; i < end; i++) {
                        for (int k = 0; k < c; k++) {
                            double rk = residual[i * c + k];
                            DoubleKernels.axpy(rk, x, i * d, partial, off + k * d, d);
                            partial[off + biasOff + k] += rk;
                        }
                    }
                }
            });
            for (int q = 0; q < p; q++) {
                grad[q] = q < biasOff ? lambda * w[q] : 0;
            }
            for (int blk = 0; blk < blocks; blk++) {
                DoubleKernels.axpy(1, partial, blk * p, grad, 0, p);
            }
            return loss;
        }
    }
}
