package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Spmm;

/**
 * Y = S X with S a constant sparse matrix (Â, M or the features) and X dense.
 * Backward: dX += S^T dY.
 * Shapes: S (m x k), X (k x n) -> Y (m x n).
 */
public final class SparseMatMul implements Op {
    private final CsrMatrix s;
    private final Tensor x;
    private final Tensor y;

    private SparseMatMul(CsrMatrix s, Tensor x, Tensor y) {
        this.s = s;
        this.x = x;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, CsrMatrix s, Tensor x) {
        Matrix out = tape.allocate(s.rows, x.cols(), false);
        Spmm.spmm(s, x.value(), out, false);
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new SparseMatMul(s, x, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "SparseMatMul(" + s.shape() + " x " + x.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (y.hasGrad()) {
            Spmm.spmmTransA(s, y.grad(), x.grad(), true);
        }
    }
}
