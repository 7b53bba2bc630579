package org.gmi.autodiff.ops;

import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.ReconstructionKernel;

/**
 * GMI's reconstruction term, fused (DESIGN section 3), over S = H H^T, R = sigmoid(S), T = A + I:
 * <pre>  rec = w2 * mean_{i,j} [ -w1 T_ij log(R_ij + eps) - (1 - T_ij) log(1 - R_ij + eps) ]  </pre>
 * The kernel produces the loss and dL/dH in one tiled pass; the gradient is kept for backward, so
 * no N x N buffer ever exists. Shapes: H (N x d) -> (1 x 1).
 */
public final class ReconstructionLoss extends FusedLoss {
    private ReconstructionLoss(Tensor h, DeviceMatrix dLossDh, Tensor y) {
        super(h, dLossDh, y);
    }

    /**
     * @param kernel    planned for H's shape on H's backend, reused across epochs
     * @param gradBuffer an N x d buffer on H's backend, reused across epochs (overwritten)
     */
    public static Tensor apply(Tape tape, String name, Tensor h, ReconstructionKernel kernel, CsrMatrix target,
                               float w1, float w2, float eps, DeviceMatrix gradBuffer) {
        DeviceMatrix grad = null;
        if (h.requiresGrad()) {
            if (gradBuffer.rows() != h.rows() || gradBuffer.cols() != h.cols()) {
                throw new IllegalArgumentException("ReconstructionLoss gradient buffer: shapes differ (" + h.buffer().shape()
                        + ") vs (" + gradBuffer.shape() + ")");
            }
            gradBuffer.backend().fill(gradBuffer, 0f);
            grad = gradBuffer;
        }
        double loss = kernel.lossAndGradient(h.buffer(), target, w1, w2, eps, 1f, grad);
        Matrix out = tape.allocate(1, 1, false);
        out.data[0] = (float) loss;
        Tensor y = new Tensor(name, out, h.requiresGrad(), tape);
        if (h.requiresGrad()) {
            tape.record(new ReconstructionLoss(h, grad, y));
        }
        return y;
    }

    /** The weights of the official {@code reconstruct_loss}: E' = sum(T) / 2, w1 = (N^2 - E') / E', w2 = N^2 / (N^2 - E'). */
    public static float[] officialWeights(CsrMatrix target) {
        return officialWeights(target.rows, target.nnz());
    }

    /** The same weights from T's size and entry count alone (minibatch training builds no whole T). */
    public static float[] officialWeights(long rows, long targetEntries) {
        double n2 = (double) rows * rows;
        double e = targetEntries / 2.0;
        return new float[] {(float) ((n2 - e) / e), (float) (n2 / (n2 - e))};
    }

    @Override
    public String name() {
        return "ReconstructionLoss(" + input().buffer().shape() + ")";
    }
}
