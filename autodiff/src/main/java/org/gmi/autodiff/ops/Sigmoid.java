package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;

/** y = sigmoid(x) elementwise. Backward: dx += dy y (1 - y). */
public final class Sigmoid implements Op {
    private final Backend backend;
    private final Tensor x;
    private final Tensor y;

    private Sigmoid(Backend backend, Tensor x, Tensor y) {
        this.backend = backend;
        this.x = x;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x) {
        Backend backend = tape.backend();
        DeviceMatrix out = tape.allocateBuffer(x.rows(), x.cols(), false);
        backend.sigmoid(x.buffer(), out);
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new Sigmoid(backend, x, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "Sigmoid(" + x.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (y.hasGrad()) {
            backend.sigmoidBackward(y.buffer(), y.gradBuffer(), x.gradBuffer());
        }
    }
}
