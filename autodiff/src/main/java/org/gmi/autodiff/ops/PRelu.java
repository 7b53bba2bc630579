package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;

/**
 * PReLU with one shared slope, as {@code nn.PReLU()}: y = x for x > 0, a x otherwise.
 * Backward: dx += dy (x > 0) or a dy; da += sum over x <= 0 of x dy.
 * Shapes: X (m x n), a (1 x 1) -> Y (m x n).
 */
public final class PRelu implements Op {
    private final Backend backend;
    private final Tensor x;
    private final Tensor a;
    private final Tensor y;

    private PRelu(Backend backend, Tensor x, Tensor a, Tensor y) {
        this.backend = backend;
        this.x = x;
        this.a = a;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x, Tensor a) {
        if (a.rows() != 1 || a.cols() != 1) {
            throw new IllegalStateException(a.name() + " is " + a.buffer().shape() + ", not a scalar");
        }
        Backend backend = tape.backend();
        DeviceMatrix out = tape.allocateBuffer(x.rows(), x.cols(), false);
        backend.prelu(x.buffer(), a.buffer(), out);
        boolean grad = x.requiresGrad() || a.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new PRelu(backend, x, a, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "PRelu(" + x.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        Tensor.GradTarget dx = x.requiresGrad() ? x.gradTarget() : null;
        backend.preluBackward(x.buffer(), a.buffer(), y.gradBuffer(), dx == null ? null : dx.buffer(),
                dx == null || dx.accumulate(), a.requiresGrad() ? a.gradBuffer() : null);
    }
}
