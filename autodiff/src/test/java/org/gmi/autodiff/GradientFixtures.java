package org.gmi.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Fixtures;
import org.gmi.engine.Matrix;

/**
 * The gradient-check harness of the autodiff tests and the data it checks on (parameters, negative
 * lists, graphs); seeds and plain random arrays come from the engine's {@link Fixtures}. Everything is
 * built from a {@link SplittableRandom} seeded by the test; the seed is in every label.
 */
final class GradientFixtures {
    private GradientFixtures() {}

    /** Step and tolerances of one gradient check; atol is multiplied by max(1, loss magnitude). */
    record Tol(double step, double rtol, double atol, int maxPerTensor) {}

    /** Linear and bilinear ops (and PReLU away from its kink): central differences are exact up to rounding. */
    static final Tol LINEAR = new Tol(1e-2, 1e-3, 1e-4, 30);
    /** Smooth nonlinear ops: truncation error about f''' step^2 / 6. */
    static final Tol SMOOTH = new Tol(1e-2, 2e-2, 1e-4, 30);

    static Matrix uniform(SplittableRandom rng, int rows, int cols, double lo, double hi) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return m;
    }

    static Parameter param(SplittableRandom rng, String name, int rows, int cols, double lo, double hi) {
        return new Parameter(name, uniform(rng, rows, cols, lo, hi));
    }

    /** Xavier-uniform as the models initialise weights: U(-b, b), b = sqrt(6 / (fanIn + fanOut)). */
    static Parameter xavier(SplittableRandom rng, String name, int rows, int cols) {
        double b = Math.sqrt(6.0 / (rows + cols));
        return param(rng, name, rows, cols, -b, b);
    }

    /** K lists of N negatives: for every i a uniform j != i (N >= 2). */
    static int[][] negatives(SplittableRandom rng, int k, int n) {
        int[][] lists = new int[k][n];
        for (int q = 0; q < k; q++) {
            for (int i = 0; i < n; i++) {
                int j = rng.nextInt(n - 1);
                lists[q][i] = j >= i ? j + 1 : j;
            }
        }
        return lists;
    }

    static int[] permutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A CSR matrix from a dense one (zeros dropped). */
    static CsrMatrix csr(double[][] dense, int cols) {
        int rows = dense.length;
        int[] ptr = new int[rows + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (dense[i][j] != 0) {
                    idx.add(j);
                    val.add((float) dense[i][j]);
                }
            }
            ptr[i + 1] = idx.size();
        }
        float[] v = new float[val.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = val.get(k);
        }
        CsrMatrix s = new CsrMatrix(rows, cols, ptr, idx.stream().mapToInt(Integer::intValue).toArray(), v);
        s.checkInvariants();
        return s;
    }

    /** Random sparse m x k, a quarter of the rows empty, values in [-1, 1). */
    static CsrMatrix randomSparse(SplittableRandom rng, int rows, int cols, double density) {
        double[][] d = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            if (rng.nextInt(4) == 0) {
                continue;
            }
            for (int j = 0; j < cols; j++) {
                if (rng.nextDouble() < density) {
                    d[i][j] = 2 * rng.nextDouble() - 1;
                }
            }
        }
        return csr(d, cols);
    }

    /**
     * A random graph and the matrices of DESIGN section 2, built inline (no dependence on the graph
     * module): A symmetric binary (a few self loops, isolated nodes possible), Â = D^-1/2 (A + I) D^-1/2,
     * M = D_A^-1 A (row mean over neighbours, isolated rows zero), T = pattern of A + I, and
     * row-normalised sparse non-negative features X (N x F, zero rows stay zero).
     */
    static final class Graph {
        final int n;
        final double[][] a;
        final CsrMatrix aHat;
        final CsrMatrix mean;
        final CsrMatrix target;
        final CsrMatrix x;

        Graph(SplittableRandom rng, int n, int f) {
            this.n = n;
            a = new double[n][n];
            double density = 0.1 + 0.3 * rng.nextDouble();
            for (int i = 0; i < n; i++) {
                if (rng.nextInt(10) == 0) {
                    a[i][i] = 1;
                }
                for (int j = i + 1; j < n; j++) {
                    if (rng.nextDouble() < density) {
                        a[i][j] = 1;
                        a[j][i] = 1;
                    }
                }
            }
            double[] deg = new double[n];
            double[] degA = new double[n];
            double[][] t = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    t[i][j] = a[i][j] + (i == j ? 1 : 0);
                    deg[i] += t[i][j];
                    degA[i] += a[i][j];
                }
            }
            double[][] ah = new double[n][n];
            double[][] m = new double[n][n];
            double[][] pattern = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    ah[i][j] = t[i][j] / Math.sqrt(deg[i] * deg[j]);
                    m[i][j] = degA[i] == 0 ? 0 : a[i][j] / degA[i];
                    pattern[i][j] = t[i][j] != 0 ? 1 : 0;
                }
            }
            aHat = csr(ah, n);
            mean = csr(m, n);
            target = csr(pattern, n);
            double[][] feat = new double[n][f];
            double fd = 0.2 + 0.3 * rng.nextDouble();
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int c = 0; c < f; c++) {
                    if (rng.nextDouble() < fd) {
                        feat[i][c] = rng.nextDouble();
                        sum += feat[i][c];
                    }
                }
                for (int c = 0; c < f; c++) {
                    feat[i][c] = sum == 0 ? 0 : feat[i][c] / sum;
                }
            }
            x = csr(feat, f);
        }
    }

    /** Runs {@link GradientCheck#check} and fails with its message unless it agrees. */
    static void assertGradientsAgree(String label, Tape tape, Supplier<Tensor> loss, Tensor[] inputs, Tol tol, long seed) {
        tape.clear();
        double scale = Math.max(1, Math.abs(loss.get().scalar()));
        tape.clear();
        GradientCheck.Outcome o = GradientCheck.check(label, tape, loss, inputs, tol.step(), tol.rtol(), tol.atol() * scale,
                tol.maxPerTensor(), seed);
        assertTrue(o.ok(), o.message());
        assertTrue(o.entriesChecked() > 0, label + ": nothing checked");
    }

    /**
     * Gradient check of an op through a random linear functional of its output,
     * L = sum_ij W_ij Y_ij with W uniform in [-1, 1) (see {@link Probe}), so every output entry matters.
     * The absolute tolerance scales with max(1, sum |W_ij Y_ij|), the size of the rounding in L.
     */
    static void assertOpGradients(String label, Tape tape, Supplier<Tensor> output, Tensor[] inputs, Tol tol, long seed) {
        tape.clear();
        Matrix y0 = output.get().value();
        tape.clear();
        Matrix w = uniform(new SplittableRandom(seed * 31 + 7), y0.rows, y0.cols, -1, 1);
        double mag = 0;
        for (int i = 0; i < w.data.length; i++) {
            mag += Math.abs((double) w.data[i] * y0.data[i]);
        }
        Supplier<Tensor> loss = () -> Probe.apply(tape, output.get(), w);
        GradientCheck.Outcome o = GradientCheck.check(label, tape, loss, inputs, tol.step(), tol.rtol(),
                tol.atol() * Math.max(1, mag), tol.maxPerTensor(), seed);
        assertTrue(o.ok(), o.message());
        assertTrue(o.entriesChecked() > 0, label + ": nothing checked");
    }

    /** L = sum_ij W_ij Y_ij for a constant W (the test's own op; its backward is dY += W dL). */
    static final class Probe implements Op {
        private final Tensor y;
        private final Matrix w;
        private final Tensor out;

        private Probe(Tensor y, Matrix w, Tensor out) {
            this.y = y;
            this.w = w;
            this.out = out;
        }

        static Tensor apply(Tape tape, Tensor y, Matrix w) {
            Matrix.requireSameShape("Probe", y.value(), w);
            double s = 0;
            for (int i = 0; i < w.data.length; i++) {
                s += (double) w.data[i] * y.value().data[i];
            }
            Matrix v = new Matrix(1, 1);
            v.data[0] = (float) s;
            Tensor out = new Tensor("probe", v, y.requiresGrad());
            if (y.requiresGrad()) {
                tape.record(new Probe(y, w, out));
            }
            return out;
        }

        @Override
        public String name() {
            return "Probe(" + y.value().shape() + ")";
        }

        @Override
        public void backward() {
            if (!out.hasGrad()) {
                return;
            }
            float up = out.grad().data[0];
            float[] g = y.grad().data;
            for (int i = 0; i < g.length; i++) {
                g[i] += up * w.data[i];
            }
        }
    }
}
