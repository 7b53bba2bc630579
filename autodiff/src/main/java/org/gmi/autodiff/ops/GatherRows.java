package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.Indices;

/**
 * Y[i,:] = X[idx[i],:] (DGI's corruption: shuffling rows of X W equals X W of shuffled X).
 * Backward: dX[idx[i],:] += dY[i,:].
 */
public final class GatherRows implements Op {
    private final Backend backend;
    private final Tensor x;
    private final Indices idx;
    private final Tensor y;

    private GatherRows(Backend backend, Tensor x, Indices idx, Tensor y) {
        this.backend = backend;
        this.x = x;
        this.idx = idx;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x, int[] idx) {
        Backend backend = tape.backend();
        Indices list = backend.indices(idx, x.rows());
        DeviceMatrix out = tape.allocateBuffer(idx.length, x.cols(), false);
        backend.gatherRows(x.buffer(), list, out);
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new GatherRows(backend, x, list, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "GatherRows(" + idx.length() + " of " + x.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (y.hasGrad()) {
            Tensor.GradTarget dx = x.gradTarget();
            backend.scatterAddRows(y.gradBuffer(), idx, dx.buffer(), dx.accumulate());
        }
    }
}
