package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;

/**
 * Y = A B. Backward: dA += dY B^T, dB += A^T dY.
 * Shapes: A (m x k), B (k x n) -> Y (m x n).
 */
public final class MatMul implements Op {
    private final Backend backend;
    private final Tensor a;
    private final Tensor b;
    private final Tensor y;

    private MatMul(Backend backend, Tensor a, Tensor b, Tensor y) {
        this.backend = backend;
        this.a = a;
        this.b = b;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor a, Tensor b) {
        Backend backend = tape.backend();
        DeviceMatrix out = tape.allocateBuffer(a.rows(), b.cols(), false);
        backend.gemm(a.buffer(), b.buffer(), out, false);
        boolean grad = a.requiresGrad() || b.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new MatMul(backend, a, b, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "MatMul(" + a.buffer().shape() + " x " + b.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        if (a.requiresGrad()) {
            Tensor.GradTarget da = a.gradTarget();
            backend.gemmTransB(y.gradBuffer(), b.buffer(), da.buffer(), da.accumulate());
        }
        if (b.requiresGrad()) {
            Tensor.GradTarget db = b.gradTarget();
            backend.gemmTransA(a.buffer(), y.gradBuffer(), db.buffer(), db.accumulate());
        }
    }
}
