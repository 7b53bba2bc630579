package org.gmi.engine;

/**
 * The fused GMI reconstruction loss and its gradient for one (N, d), planned once by
 * {@link Backend#reconstruction} and reused across epochs (see {@link org.gmi.engine.Reconstruction}
 * for the mathematics, which every implementation follows).
 */
public interface ReconstructionKernel {
    /**
     * Returns the loss; when {@code dH} is not null adds {@code scale * dloss/dH} to it.
     *
     * @param target the pattern of T = A + I (symmetric, sorted CSR, diagonal present)
     */
    double lossAndGradient(DeviceMatrix h, CsrMatrix target, float w1, float w2, float eps, float scale, DeviceMatrix dH);
}
