package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Gemm;
import org.gmi.engine.Matrix;

/**
 * Y = A B. Backward: dA += dY B^T, dB += A^T dY.
 * Shapes: A (m x k), B (k x n) -> Y (m x n).
 */
public final class MatMul implements Op {
    private final Tensor a;
    private final Tensor b;
    private final Tensor y;

    private MatMul(Tensor a, Tensor b, Tensor y) {
        this.a = a;
        this.b = b;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor a, Tensor b) {
        Matrix out = tape.allocate(a.rows(), b.cols(), false);
        Gemm.gemm(a.value(), b.value(), out, false);
        boolean grad = a.requiresGrad() || b.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new MatMul(a, b, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "MatMul(" + a.value().shape() + " x " + b.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        if (a.requiresGrad()) {
            Gemm.gemmTransB(y.grad(), b.value(), a.grad(), true);
        }
        if (b.requiresGrad()) {
            Gemm.gemmTransA(a.value(), y.grad(), b.grad(), true);
        }
    }
}
