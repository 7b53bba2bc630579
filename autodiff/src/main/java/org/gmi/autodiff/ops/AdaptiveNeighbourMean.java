package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.NeighbourWeights;

/**
 * GMI-adaptive's neighbour aggregation (Peng et al. 2020, section 3.2): the average of the
 * neighbours' rows of Z weighted by how alike the nodes' embeddings are, instead of GMI-mean's
 * 1 / |N_i|:
 * <pre>
 *   w_ij = sigmoid(h_i . h_j) / sum_{k in N_i} sigmoid(h_i . h_k)     for every j in N_i (the pattern of A)
 *   Y_i  = sum_{j in N_i} w_ij Z_j                     (a row without neighbours stays zero, as in M)
 * </pre>
 * Gradients flow into both inputs ("adaptive": the weights are learnt through H): dZ += W^T dY, and
 * dH through the weights ({@link NeighbourWeights} states it). The backend computes the weights;
 * one without their kernels ({@link Backend#hasNeighbourWeights()}) refuses this op.
 * Shapes: pattern (N x N, values ignored), H (N x e), Z (N x d) -> Y (N x d).
 */
public final class AdaptiveNeighbourMean implements Op {
    private final Backend backend;
    private final Tensor h;
    private final Tensor z;
    private final Tensor y;
    private final NeighbourWeights weights;

    private AdaptiveNeighbourMean(Backend backend, Tensor h, Tensor z, Tensor y, NeighbourWeights weights) {
        this.backend = backend;
        this.h = h;
        this.z = z;
        this.y = y;
        this.weights = weights;
    }

    /** Y = W(H) Z over the pattern of {@code pattern} (its values are not read). */
    public static Tensor apply(Tape tape, String name, CsrMatrix pattern, Tensor h, Tensor z) {
        int n = pattern.rows;
        if (pattern.cols != n || h.rows() != n || z.rows() != n) {
            throw new IllegalArgumentException("adaptiveNeighbourMean: pattern (" + pattern.shape() + "), H ("
                    + h.buffer().shape() + "), Z (" + z.buffer().shape() + "): need N x N, N x e, N x d");
        }
        Backend backend = tape.backend();
        NeighbourWeights weights = backend.neighbourWeights(pattern, h.buffer());
        DeviceMatrix out = tape.allocateBuffer(n, z.cols(), false);
        backend.weightedNeighbourSum(weights, z.buffer(), out, false);
        boolean grad = h.requiresGrad() || z.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new AdaptiveNeighbourMean(backend, h, z, y, weights));
        }
        return y;
    }

    @Override
    public String name() {
        CsrMatrix pattern = weights.pattern();
        return "AdaptiveNeighbourMean(" + pattern.shape() + ", nnz=" + pattern.nnz() + ", H " + h.buffer().shape()
                + ", Z " + z.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        DeviceMatrix dy = y.gradBuffer();
        if (z.requiresGrad()) {
            backend.weightedNeighbourSumTransA(weights, dy, z.gradBuffer(), true);
        }
        if (h.requiresGrad()) {
            backend.neighbourWeightsBackward(weights, h.buffer(), z.buffer(), dy, h.gradBuffer());
        }
    }
}
