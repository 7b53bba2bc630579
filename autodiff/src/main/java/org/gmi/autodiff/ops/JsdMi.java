package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;

/**
 * The Jensen-Shannon MI estimator of DIM as GMI's {@code mi_loss_jsd} computes it:
 * <pre>  jsd(pos, neg) = mean_i softplus(-f(pos_i)) + mean_{k,i} softplus(f(neg_{k,i}))  </pre>
 * with f = sigmoid ({@link Mode#PROBABILITIES}: the official code applies the discriminator's sigmoid
 * first) or f = identity ({@link Mode#LOGITS}: the DIM form on raw scores).
 * Shapes: pos (1 x N), neg (K x N) -> (1 x 1), the loss on the host.
 */
public final class JsdMi implements Op {
    /** Where the softplus is applied. */
    public enum Mode { PROBABILITIES, LOGITS }

    private final Backend backend;
    private final Tensor pos;
    private final Tensor neg;
    private final Mode mode;
    private final Tensor y;

    private JsdMi(Backend backend, Tensor pos, Tensor neg, Mode mode, Tensor y) {
        this.backend = backend;
        this.pos = pos;
        this.neg = neg;
        this.mode = mode;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor pos, Tensor neg, Mode mode) {
        Backend backend = tape.backend();
        double v = backend.jsd(pos.buffer(), neg.buffer(), mode == Mode.PROBABILITIES);
        Matrix out = tape.allocate(1, 1, false);
        out.data[0] = (float) v;
        boolean grad = pos.requiresGrad() || neg.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new JsdMi(backend, pos, neg, mode, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "JsdMi(" + pos.buffer().shape() + ", " + neg.buffer().shape() + ", " + mode + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        double up = y.grad().data[0];
        backend.jsdBackward(pos.buffer(), neg.buffer(), mode == Mode.PROBABILITIES, up,
                pos.requiresGrad() ? pos.gradBuffer() : null, neg.requiresGrad() ? neg.gradBuffer() : null);
    }
}
