package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/** y = (1/N) sum_i X[i,:] (DGI's readout before its sigmoid). Backward: dX[i,:] += dy / N. Shapes: X (N x d) -> (1 x d). */
public final class RowMean implements Op {
    private final Tensor x;
    private final Tensor y;

    private RowMean(Tensor x, Tensor y) {
        this.x = x;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x) {
        int n = x.rows();
        int d = x.cols();
        double[] acc = new double[d];
        float[] xv = x.value().data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                acc[j] += xv[i * d + j];
            }
        }
        Matrix out = tape.allocate(1, d, false);
        for (int j = 0; j < d; j++) {
            out.data[j] = (float) (acc[j] / n);
        }
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new RowMean(x, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "RowMean(" + x.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        int n = x.rows();
        int d = x.cols();
        float[] dy = y.grad().data;
        float[] dx = x.grad().data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                dx[i * d + j] += dy[j] / n;
            }
        }
    }
}
