package org.gmi.models;

import java.util.SplittableRandom;
import org.gmi.autodiff.Parameter;

/** Parameter initialisation as the official PyTorch code does it (DESIGN section 2). */
public final class Init {
    private Init() {}

    /**
     * Xavier (Glorot) uniform: U(-b, b) with b = sqrt(6 / (fanIn + fanOut)).
     * For nn.Linear(in, out): fanIn = in, fanOut = out. For nn.Bilinear(p, q, 1), whose weight is
     * 1 x p x q, PyTorch takes fanIn = p * q and fanOut = q.
     */
    public static Parameter xavierUniform(String name, int rows, int cols, double fanIn, double fanOut, SplittableRandom rng) {
        Parameter p = Parameter.zeros(name, rows, cols);
        double bound = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] w = p.value().data;
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return p;
    }

    /** A linear map stored as in x out (so Y = X W), initialised as nn.Linear(in, out). */
    public static Parameter linear(String name, int in, int out, SplittableRandom rng) {
        return xavierUniform(name, in, out, in, out, rng);
    }

    /** nn.PReLU(): one slope, 0.25. */
    public static Parameter preluSlope(String name) {
        return Parameter.filled(name, 1, 1, 0.25f);
    }
}
