package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;
import org.gmi.engine.RowOps;

/**
 * Y[i,:] = X[idx[i],:] (DGI's corruption: shuffling rows of X W equals X W of shuffled X).
 * Backward: dX[idx[i],:] += dY[i,:].
 */
public final class GatherRows implements Op {
    private final Tensor x;
    private final int[] idx;
    private final Tensor y;

    private GatherRows(Tensor x, int[] idx, Tensor y) {
        this.x = x;
        this.idx = idx;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor x, int[] idx) {
        Matrix out = tape.allocate(idx.length, x.cols(), false);
        RowOps.gatherRows(x.value(), idx, out);
        Tensor y = new Tensor(name, out, x.requiresGrad(), tape);
        if (x.requiresGrad()) {
            tape.record(new GatherRows(x, idx, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "GatherRows(" + idx.length + " of " + x.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (y.hasGrad()) {
            RowOps.scatterAddRows(y.grad(), idx, x.grad());
        }
    }
}
