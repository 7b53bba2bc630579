package org.gmi.engine;

/**
 * The elementwise layers and their backwards: bias, PReLU, sigmoid.
 * Part of {@link Backend}.
 */
public interface LayerKernels extends DeviceMemory {
    /** out[i,j] = x[i,j] + bias[0,j]; bias is 1 x n. */
    void addBias(DeviceMatrix x, DeviceMatrix bias, DeviceMatrix out);

    /** db[0,j] += sum_i dy[i,j] (the bias gradient). */
    void addColumnSums(DeviceMatrix dy, DeviceMatrix db);

    /** out = x where x > 0, a[0] x elsewhere (one shared slope a, 1 x 1). */
    void prelu(DeviceMatrix x, DeviceMatrix a, DeviceMatrix out);

    /**
     * The PReLU backward: dx += dy where x > 0, a dy elsewhere; da[0] += sum over x <= 0 of x dy.
     * Either gradient may be null (not needed).
     */
    void preluBackward(DeviceMatrix x, DeviceMatrix a, DeviceMatrix dy, DeviceMatrix dx, DeviceMatrix da);

    /** As {@link #preluBackward(DeviceMatrix, DeviceMatrix, DeviceMatrix, DeviceMatrix, DeviceMatrix)}, overwriting dx unless {@code accumulateDx}. */
    default void preluBackward(DeviceMatrix x, DeviceMatrix a, DeviceMatrix dy, DeviceMatrix dx, boolean accumulateDx,
                               DeviceMatrix da) {
        if (dx != null && !accumulateDx) {
            fill(dx, 0f);
        }
        preluBackward(x, a, dy, dx, da);
    }

    /** out = sigmoid(x) elementwise. */
    void sigmoid(DeviceMatrix x, DeviceMatrix out);

    /** Its backward from the output y: dx += dy y (1 - y). */
    void sigmoidBackward(DeviceMatrix y, DeviceMatrix dy, DeviceMatrix dx);
}
