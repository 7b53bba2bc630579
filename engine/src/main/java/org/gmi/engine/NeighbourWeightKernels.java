package org.gmi.engine;

/**
 * GMI-adaptive's learnt neighbour weights ({@link NeighbourWeights}): computing them from H,
 * multiplying by them, and their gradient. Part of {@link Backend}; a backend without these kernels
 * says so through {@link #hasNeighbourWeights()}, and GMI-adaptive is refused on it before training.
 */
public interface NeighbourWeightKernels extends DeviceMemory {
    /** The backend's name, for the refusal's message. */
    String name();

    /** Whether this backend has the kernels below. */
    default boolean hasNeighbourWeights() {
        return false;
    }

    /** W(H) over the pattern of {@code pattern} (its values are not read); H is N x e. */
    default NeighbourWeights neighbourWeights(CsrMatrix pattern, DeviceMatrix h) {
        throw new UnsupportedOperationException(name() + " has no kernels for GMI-adaptive's neighbour weights");
    }

    /** out = W z, or out += W z when {@code accumulate}. */
    default void weightedNeighbourSum(NeighbourWeights w, DeviceMatrix z, DeviceMatrix out, boolean accumulate) {
        throw new UnsupportedOperationException(name() + " has no kernels for GMI-adaptive's neighbour weights");
    }

    /** out = W^T dy, or out += W^T dy when {@code accumulate} (the backward into Z). */
    default void weightedNeighbourSumTransA(NeighbourWeights w, DeviceMatrix dy, DeviceMatrix out, boolean accumulate) {
        throw new UnsupportedOperationException(name() + " has no kernels for GMI-adaptive's neighbour weights");
    }

    /** dh += the gradient through the weights into H, given dy of Y = W z. */
    default void neighbourWeightsBackward(NeighbourWeights w, DeviceMatrix h, DeviceMatrix z, DeviceMatrix dy, DeviceMatrix dh) {
        throw new UnsupportedOperationException(name() + " has no kernels for GMI-adaptive's neighbour weights");
    }
}
