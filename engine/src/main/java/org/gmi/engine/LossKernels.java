package org.gmi.engine;

/**
 * The fused losses whose values come back to the host: the JSD MI estimator (GMI), binary
 * cross-entropy with logits (DGI) and the reconstruction (GMI's third term, exact and sampled).
 * Part of {@link Backend}.
 */
public interface LossKernels {
    /**
     * The JSD MI estimator (returned to the host: a loss term):
     * {@code mean_i softplus(-f(pos_i)) + mean_{k,i} softplus(f(neg_{k,i}))}, f = sigmoid when
     * {@code probabilities}, the identity otherwise.
     */
    double jsd(DeviceMatrix pos, DeviceMatrix neg, boolean probabilities);

    /**
     * Its gradient times {@code up}: dPos += -up/|pos| sigmoid(-f(pos)) f'(pos),
     * dNeg += up/|neg| sigmoid(f(neg)) f'(neg). Either gradient may be null.
     */
    void jsdBackward(DeviceMatrix pos, DeviceMatrix neg, boolean probabilities, double up, DeviceMatrix dPos, DeviceMatrix dNeg);

    /**
     * DGI's loss, returned to the host: {@code (sum_i softplus(-pos_i) + sum_i softplus(neg_i)) / (|pos| + |neg|)},
     * binary cross-entropy with logits, positives labelled 1 and negatives 0.
     */
    double bceWithLogits(DeviceMatrix pos, DeviceMatrix neg);

    /** Its gradient times {@code up}: dPos += -up/n sigmoid(-pos), dNeg += up/n sigmoid(neg), n = |pos| + |neg|. */
    void bceWithLogitsBackward(DeviceMatrix pos, DeviceMatrix neg, double up, DeviceMatrix dPos, DeviceMatrix dNeg);

    /** A fused reconstruction loss planned for H of shape n x d (buffers reused across calls). */
    ReconstructionKernel reconstruction(int n, int d);

    /** The sampled reconstruction estimate for H of shape n x d, k non-edges per node, a target of {@code edgePairs} entries. */
    SampledReconstructionKernel sampledReconstruction(int n, int d, int k, int edgePairs);
}
