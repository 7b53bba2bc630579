package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/**
 * PReLU with one shared slope, as {@code nn.PReLU()}: y = x for x > 0, a x otherwise.
 * Backward: dx += dy (x > 0) or a dy; da += sum over x <= 0 of x dy.
 * Shapes: X (m x n), a (1 x 1) -> Y (m x n).
 */
public final class PRelu implements Op {
    private final Tensor x;
    private final Tensor a;
    private final Tensor y;

    private PRelu(Tensor x, Tensor a, Tensor y) {
        this.x = x;
        this.a = a;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x, Tensor a) {
        float slope = a.scalar();
        float[] xv = x.value().data;
        Matrix out = tape.allocate(x.rows(), x.cols(), false);
        float[] o = out.data;
        for (int i = 0; i < xv.length; i++) {
            float v = xv[i];
            o[i] = v > 0f ? v : slope * v;
        }
        boolean grad = x.requiresGrad() || a.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new PRelu(x, a, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "PRelu(" + x.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        float slope = a.scalar();
        float[] xv = x.value().data;
        float[] dy = y.grad().data;
        float[] dx = x.requiresGrad() ? x.grad().data : null;
        double da = 0;
        for (int i = 0; i < xv.length; i++) {
            float v = xv[i];
            if (v > 0f) {
                if (dx != null) {
                    dx[i] += dy[i];
                }
            } else {
                if (dx != null) {
                    dx[i] += slope * dy[i];
                }
                da += (double) v * dy[i];
            }
        }
        if (a.requiresGrad()) {
            a.grad().data[0] += (float) da;
        }
    }
}
