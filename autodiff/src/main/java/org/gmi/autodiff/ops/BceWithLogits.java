package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/**
 * DGI's loss, {@code BCEWithLogitsLoss} over positives labelled 1 and negatives labelled 0:
 * <pre>  bce = (sum_i softplus(-pos_i) + sum_i softplus(neg_i)) / (|pos| + |neg|)  </pre>
 * Shapes: pos (1 x N), neg (1 x M) -> (1 x 1).
 */
public final class BceWithLogits implements Op {
    private final Tensor pos;
    private final Tensor neg;
    private final Tensor y;

    private BceWithLogits(Tensor pos, Tensor neg, Tensor y) {
        this.pos = pos;
        this.neg = neg;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor pos, Tensor neg) {
        double sum = 0;
        for (float s : pos.value().data) {
            sum += Scalars.softplus(-s);
        }
        for (float s : neg.value().data) {
            sum += Scalars.softplus(s);
        }
        Matrix out = tape.allocate(1, 1, false);
        out.data[0] = (float) (sum / (pos.value().size() + neg.value().size()));
        boolean grad = pos.requiresGrad() || neg.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new BceWithLogits(pos, neg, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "BceWithLogits(" + pos.value().shape() + ", " + neg.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        double scale = y.grad().data[0] / (pos.value().size() + neg.value().size());
        if (pos.requiresGrad()) {
            float[] s = pos.value().data;
            float[] g = pos.grad().data;
            for (int i = 0; i < s.length; i++) {
                g[i] += (float) (-scale * Scalars.sigmoid(-s[i]));
            }
        }
        if (neg.requiresGrad()) {
            float[] s = neg.value().data;
            float[] g = neg.grad().data;
            for (int i = 0; i < s.length; i++) {
                g[i] += (float) (scale * Scalars.sigmoid(s[i]));
            }
        }
    }
}
