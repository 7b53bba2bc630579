package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/**
 * Y = X + 1 b (the row b added to every row of X). Backward: dX += dY, db += column sums of dY.
 * Shapes: X (m x n), b (1 x n) -> Y (m x n).
 */
public final class AddBias implements Op {
    private final Tensor x;
    private final Tensor b;
    private final Tensor y;

    private AddBias(Tensor x, Tensor b, Tensor y) {
        this.x = x;
        this.b = b;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x, Tensor b) {
        if (b.rows() != 1 || b.cols() != x.cols()) {
            throw new IllegalArgumentException("AddBias: bias (" + b.value().shape() + ") for (" + x.value().shape() + ")");
        }
        Matrix out = tape.allocate(x.rows(), x.cols(), false);
        System.arraycopy(x.value().data, 0, out.data, 0, out.data.length);
        int n = out.cols;
        float[] bv = b.value().data;
        for (int i = 0; i < out.rows; i++) {
            for (int j = 0; j < n; j++) {
                out.data[i * n + j] += bv[j];
            }
        }
        boolean grad = x.requiresGrad() || b.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new AddBias(x, b, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "AddBias(" + x.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        float[] dy = y.grad().data;
        int n = y.cols();
        if (x.requiresGrad()) {
            float[] dx = x.grad().data;
            for (int i = 0; i < dy.length; i++) {
                dx[i] += dy[i];
            }
        }
        if (b.requiresGrad()) {
            float[] db = b.grad().data;
            for (int i = 0; i < y.rows(); i++) {
                for (int j = 0; j < n; j++) {
                    db[j] += dy[i * n + j];
                }
            }
        }
    }
}
