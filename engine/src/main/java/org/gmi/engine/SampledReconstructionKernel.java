package org.gmi.engine;

/**
 * The sampled GMI reconstruction estimate and its gradient for one (N, d, k), planned once by
 * {@link Backend#sampledReconstruction} (see {@link org.gmi.engine.SampledReconstruction} for the
 * mathematics, which every implementation follows).
 */
public interface SampledReconstructionKernel {
    /** k, the non-edges drawn per node. */
    int samplesPerNode();

    /**
     * Returns the estimated loss; when {@code dH} is not null adds {@code scale *} its gradient to it.
     *
     * @param sampled {@code sampled[i*k + t]}: the t-th non-edge column of row i, or -1 where it has none
     */
    double lossAndGradient(DeviceMatrix h, CsrMatrix target, int[] sampled, float w1, float w2, float eps, float scale,
                           DeviceMatrix dH);
}
