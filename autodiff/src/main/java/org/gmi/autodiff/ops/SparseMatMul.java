package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;

/**
 * Y = S X with S a constant sparse matrix (Â, M or the features) and X dense.
 * Backward: dX += S^T dY.
 * Shapes: S (m x k), X (k x n) -> Y (m x n).
 */
public final class SparseMatMul implements Op {
    private final Backend backend;
    private final CsrMatrix s;
    private final Tensor x;
    private final Tensor y;

    private SparseMatMul(Backend backend, CsrMatrix s, Tensor x, Tensor y) {
        this.backend = backend;
        this.s = s;
        this.x = x;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, CsrMatrix s, Tensor x) {
        Backend backend = tape.backend();
        DeviceMatrix out = tape.allocateBuffer(s.rows, x.cols(), false);
        backend.spmm(s, x.buffer(), out, false);
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new SparseMatMul(backend, s, x, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "SparseMatMul(" + s.shape() + " x " + x.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (y.hasGrad()) {
            Tensor.GradTarget dx = x.gradTarget();
            backend.spmmTransA(s, y.gradBuffer(), dx.buffer(), dx.accumulate());
        }
    }
}
