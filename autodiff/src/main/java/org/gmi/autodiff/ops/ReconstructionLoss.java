package org.gmi.autodiff.ops;

import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Reconstruction;

/**
 * GMI's reconstruction term, fused (DESIGN section 3), over S = H H^T, R = sigmoid(S), T = A + I:
 * <pre>  rec = w2 * mean_{i,j} [ -w1 T_ij log(R_ij + eps) - (1 - T_ij) log(1 - R_ij + eps) ]  </pre>
 * The kernel produces the loss and dL/dH in one tiled pass; the gradient is kept for backward, so
 * no N x N buffer ever exists. Shapes: H (N x d) -> (1 x 1).
 */
public final class ReconstructionLoss extends FusedLoss {
    private ReconstructionLoss(Tensor h, Matrix dLossDh, Tensor y) {
        super(h, dLossDh, y);
    }

    /**
     * @param kernel    planned for H's shape, reused across epochs
     * @param gradBuffer an N x d buffer, reused across epochs (overwritten)
     */
    public static Tensor apply(Tape tape, String name, Tensor h, Reconstruction kernel, CsrMatrix target,
                               float w1, float w2, float eps, Matrix gradBuffer) {
        Matrix grad = null;
        if (h.requiresGrad()) {
            Matrix.requireSameShape("ReconstructionLoss gradient buffer", h.value(), gradBuffer);
            gradBuffer.fill(0f);
            grad = gradBuffer;
        }
        double loss = kernel.lossAndGradient(h.value(), target, w1, w2, eps, 1f, grad);
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
        double n2 = (double) target.rows * target.rows;
        double e = target.nnz() / 2.0;
        return new float[] {(float) ((n2 - e) / e), (float) (n2 / (n2 - e))};
    }

    @Override
    public String name() {
        return "ReconstructionLoss(" + input().value().shape() + ")";
    }
}
