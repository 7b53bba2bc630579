package org.gmi.autodiff.ops;

import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.SampledReconstruction;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.SampledReconstructionKernel;

/**
 * The sampled estimate of {@link ReconstructionLoss}: every pair of T exactly, k sampled non-edges
 * per node reweighted to the count of non-edges (see {@link SampledReconstruction}). Like the exact
 * op, the kernel yields the loss and dL/dH together; the gradient is kept for backward.
 * Shapes: H (N x d) -> (1 x 1).
 */
public final class SampledReconstructionLoss extends FusedLoss {
    private SampledReconstructionLoss(Tensor h, DeviceMatrix dLossDh, Tensor y) {
        super(h, dLossDh, y);
    }

    /** @param sampled k non-edge columns per node, as the kernel documents; fixed for this step */
    public static Tensor apply(Tape tape, String name, Tensor h, SampledReconstructionKernel kernel, CsrMatrix target,
                               int[] sampled, float w1, float w2, float eps) {
        DeviceMatrix grad = null;
        if (h.requiresGrad()) {
            grad = tape.allocateBuffer(h.rows(), h.cols(), true);
        }
        double loss = kernel.lossAndGradient(h.buffer(), target, sampled, w1, w2, eps, 1f, grad);
        Matrix out = tape.allocate(1, 1, false);
        out.data[0] = (float) loss;
        Tensor y = new Tensor(name, out, h.requiresGrad(), tape);
        if (h.requiresGrad()) {
            tape.record(new SampledReconstructionLoss(h, grad, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "SampledReconstructionLoss(" + input().buffer().shape() + ")";
    }
}
