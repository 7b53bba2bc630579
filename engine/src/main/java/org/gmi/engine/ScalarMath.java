package org.gmi.engine;

/** Numerically stable scalar functions shared by the loss kernels of every backend's host side. */
public final class ScalarMath {
    private ScalarMath() {}

    /** softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** sigmoid(x) = 1 / (1 + e^-x), without overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
