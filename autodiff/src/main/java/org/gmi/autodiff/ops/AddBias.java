package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;

/**
 * Y = X + 1 b (the row b added to every row of X). Backward: dX += dY, db += column sums of dY.
 * Shapes: X (m x n), b (1 x n) -> Y (m x n).
 */
public final class AddBias implements Op {
    private final Backend backend;
    private final Tensor x;
    private final Tensor b;
    private final Tensor y;

    private AddBias(Backend backend, Tensor x, Tensor b, Tensor y) {
        this.backend = backend;
        this.x = x;
        this.b = b;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x, Tensor b) {
        if (b.rows() != 1 || b.cols() != x.cols()) {
            throw new IllegalArgumentException("AddBias: bias (" + b.buffer().shape() + ") for (" + x.buffer().shape() + ")");
        }
        Backend backend = tape.backend();
        DeviceMatrix out = tape.allocateBuffer(x.rows(), x.cols(), false);
        backend.addBias(x.buffer(), b.buffer(), out);
        boolean grad = x.requiresGrad() || b.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new AddBias(backend, x, b, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "AddBias(" + x.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        if (x.requiresGrad()) {
            Tensor.GradTarget dx = x.gradTarget();
            backend.addScaled(1f, y.gradBuffer(), dx.buffer(), dx.accumulate());
        }
        if (b.requiresGrad()) {
            backend.addColumnSums(y.gradBuffer(), b.gradBuffer());
        }
    }
}
