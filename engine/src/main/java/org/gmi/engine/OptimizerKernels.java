package org.gmi.engine;

/**
 * The optimiser's update, applied where the parameters live.
 * Part of {@link Backend}.
 */
public interface OptimizerKernels {
    /**
     * One Adam step over one parameter, as PyTorch (L2 weight decay added to the gradient):
     * <pre>
     *   g = grad + wd w;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
     *   w -= lr (m / c1) / (sqrt(v / c2) + eps),  c1 = 1 - b1^t, c2 = 1 - b2^t
     * </pre>
     * A null {@code grad} counts as zero.
     */
    void adamStep(DeviceMatrix w, DeviceMatrix grad, DeviceMatrix m, DeviceMatrix v,
                  float b1, float b2, float c1, float c2, float lr, float eps, float wd);
}
