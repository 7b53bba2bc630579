package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/**
 * A scalar loss whose kernel produces dL/dH together with L in its forward pass (the fused
 * reconstructions): backward only scales the kept gradient by the upstream one.
 */
abstract class FusedLoss implements Op {
    private final Tensor h;
    private final Matrix dLossDh;
    private final Tensor y;

    FusedLoss(Tensor h, Matrix dLossDh, Tensor y) {
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
        float[] g = h.grad().data;
        float[] src = dLossDh.data;
        for (int i = 0; i < g.length; i++) {
            g[i] += up * src[i];
        }
    }
}
