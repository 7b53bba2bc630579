package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.DeviceMatrix;

/**
 * A scalar loss whose kernel produces dL/dH together with L in its forward pass (the fused
 * reconstructions): backward only scales the kept gradient by the upstream one.
 */
abstract class FusedLoss implements Op {
    private final Tensor h;
    private final DeviceMatrix dLossDh;
    private final Tensor y;

    FusedLoss(Tensor h, DeviceMatrix dLossDh, Tensor y) {
        this.h = h;
        this.dLossDh = dLossDh;
        this.y = y;
    }

    Tensor input() {
        return h;
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        float up = y.grad().data[0];
        Tensor.GradTarget dh = h.gradTarget();
        dLossDh.backend().addScaled(up, dLossDh, dh.buffer(), dh.accumulate());
    }
}
