package org.gmi.models.eval;

/**
 * Limited-memory BFGS (Nocedal and Wright, Numerical Optimization, algorithm 7.4 with the two-loop
 * recursion 7.5) with an Armijo backtracking line search, for smooth convex objectives in double
 * precision. Deterministic: no randomness, a fixed order of every sum.
 */
final class Lbfgs {
    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 60;

    /** A differentiable function of {@code size()} parameters. */
    interface Objective {
        int size();

        /** Returns f(w) and writes its gradient into {@code grad}. */
        double evaluate(double[] w, double[] grad);
    }

    /**
     * @param iterations L-BFGS steps taken
     * @param converged  whether the largest gradient entry reached the tolerance (or no step could
     *                   lower f any more, at a point where that is as good as it gets in double)
     * @param value      f at the returned point
     */
    record Result(int iterations, boolean converged, double value) {}

    private Lbfgs() {}

    /** Minimises {@code f} from {@code w} (overwritten with the minimiser). */
    static Result minimise(Objective f, double[] w, int memory, double tolerance, int maxIterations) {
        int p = f.size();
        double[] g = new double[p];
        double[] gNew = new double[p];
        double[] wNew = new double[p];
        double[] dir = new double[p];
        double[][] s = new double[memory][p];
        double[][] y = new double[memory][p];
        double[] rho = new double[memory];
        double[] alpha = new double[memory];
        int stored = 0;
        int newest = -1;
        double fx = f.evaluate(w, g);
        int it = 0;
        while (true) {
            if (maxAbs(g) <= tolerance) {
                return new Result(it, true, fx);
            }
            if (it == maxIterations) {
                return new Result(it, false, fx);
            }
            // two-loop recursion: dir = -H g
            for (int j = 0; j < p; j++) {
                dir[j] = -g[j];
            }
            for (int k = 0; k < stored; k++) {
                int m = Math.floorMod(newest - k, memory);
                alpha[m] = rho[m] * dot(s[m], dir);
                axpy(-alpha[m], y[m], dir);
            }
            if (stored > 0) {
                double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
                for (int j = 0; j < p; j++) {
                    dir[j] *= gamma;
                }
            }
            for (int k = stored - 1; k >= 0; k--) {
                int m = Math.floorMod(newest - k, memory);
                double beta = rho[m] * dot(y[m], dir);
                axpy(alpha[m] - beta, s[m], dir);
            }
            double slope = dot(g, dir);
            if (!(slope < 0)) {
                // not a descent direction (rounding): restart from steepest descent
                stored = 0;
                for (int j = 0; j < p; j++) {
                    dir[j] = -g[j];
                }
                slope = dot(g, dir);
            }
            // the first step (no curvature known yet) has length at most 1
            double t = stored == 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int h = 0; h < MAX_HALVINGS; h++) {
                for (int j = 0; j < p; j++) {
                    wNew[j] = w[j] + t * dir[j];
                }
                fNew = f.evaluate(wNew, gNew);
                if (fNew <= fx + ARMIJO * t * slope) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if (!accepted) {
                if (stored > 0) {
                    // the quasi-Newton direction failed: forget the curvature pairs and try steepest descent
                    stored = 0;
                    continue;
                }
                // not even steepest descent lowers f by a representable amount: a minimum to double precision
                return new Result(it, true, fx);
            }
            it++;
            double sy = 0;
            double yy = 0;
            for (int j = 0; j < p; j++) {
                double sj = wNew[j] - w[j];
                double yj = gNew[j] - g[j];
                sy += sj * yj;
                yy += yj * yj;
            }
            if (sy > 1e-12 * yy && yy > 0) {
                int m = (newest + 1) % memory;
                for (int j = 0; j < p; j++) {
                    s[m][j] = wNew[j] - w[j];
                    y[m][j] = gNew[j] - g[j];
                }
                rho[m] = 1 / sy;
                newest = m;
                stored = Math.min(stored + 1, memory);
            }
            System.arraycopy(wNew, 0, w, 0, p);
            System.arraycopy(gNew, 0, g, 0, p);
            fx = fNew;
        }
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int j = 0; j < x.length; j++) {
            y[j] += alpha * x[j];
        }
    }
}
