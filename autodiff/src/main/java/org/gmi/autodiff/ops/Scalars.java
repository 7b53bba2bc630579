package org.gmi.autodiff.ops;

import org.gmi.engine.ScalarMath;

/** Numerically stable scalar functions shared by the loss ops (the engine's {@link ScalarMath}). */
public final class Scalars {
    private Scalars() {}

    /** softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows. */
    public static double softplus(double x) {
        return ScalarMath.softplus(x);
    }

    /** sigmoid(x) = 1 / (1 + e^-x), without overflow for large |x|. */
    public static double sigmoid(double x) {
        return ScalarMath.sigmoid(x);
    }
}
