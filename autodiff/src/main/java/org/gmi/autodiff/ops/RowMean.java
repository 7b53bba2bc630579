package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;

/** y = (1/N) sum_i X[i,:] (DGI's readout before its sigmoid). Backward: dX[i,:] += dy / N. Shapes: X (N x d) -> (1 x d). */
public final class RowMean implements Op {
    private final Backend backend;
    private final Tensor x;
    private final Tensor y;

    private RowMean(Backend backend, Tensor x, Tensor y) {
        this.backend = backend;
        this.x = x;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x) {
        Backend backend = tape.backend();
        DeviceMatrix out = tape.allocateBuffer(1, x.cols(), false);
        backend.rowMean(x.buffer(), out);
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new RowMean(backend, x, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "RowMean(" + x.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (y.hasGrad()) {
            backend.rowMeanBackward(y.gradBuffer(), x.gradBuffer());
        }
    }
}
