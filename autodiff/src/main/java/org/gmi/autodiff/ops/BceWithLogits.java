package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;

/**
 * DGI's loss, {@code BCEWithLogitsLoss} over positives labelled 1 and negatives labelled 0:
 * <pre>  bce = (sum_i softplus(-pos_i) + sum_i softplus(neg_i)) / (|pos| + |neg|)  </pre>
 * Shapes: pos (1 x N), neg (1 x M) -> (1 x 1), the loss on the host.
 */
public final class BceWithLogits implements Op {
    private final Backend backend;
    private final Tensor pos;
    private final Tensor neg;
    private final Tensor y;

    private BceWithLogits(Backend backend, Tensor pos, Tensor neg, Tensor y) {
        this.backend = backend;
        this.pos = pos;
        this.neg = neg;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor pos, Tensor neg) {
        Backend backend = tape.backend();
        double v = backend.bceWithLogits(pos.buffer(), neg.buffer());
        Matrix out = tape.allocate(1, 1, false);
        out.data[0] = (float) v;
        boolean grad = pos.requiresGrad() || neg.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new BceWithLogits(backend, pos, neg, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "BceWithLogits(" + pos.buffer().shape() + ", " + neg.buffer().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        backend.bceWithLogitsBackward(pos.buffer(), neg.buffer(), y.grad().data[0],
                pos.requiresGrad() ? pos.gradBuffer() : null, neg.requiresGrad() ? neg.gradBuffer() : null);
    }
}
