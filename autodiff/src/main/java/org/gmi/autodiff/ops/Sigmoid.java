package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/** y = sigmoid(x) elementwise. Backward: dx += dy y (1 - y). */
public final class Sigmoid implements Op {
    private final Tensor x;
    private final Tensor y;

    private Sigmoid(Tensor x, Tensor y) {
        this.x = x;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x) {
        Matrix out = tape.allocate(x.rows(), x.cols(), false);
        float[] xv = x.value().data;
        for (int i = 0; i < xv.length; i++) {
            out.data[i] = (float) Scalars.sigmoid(xv[i]);
        }
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new Sigmoid(x, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "Sigmoid(" + x.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        float[] yv = y.value().data;
        float[] dy = y.grad().data;
        float[] dx = x.grad().data;
        for (int i = 0; i < yv.length; i++) {
            dx[i] += dy[i] * yv[i] * (1f - yv[i]);
        }
    }
}
