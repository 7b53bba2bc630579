package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/**
 * The Jensen-Shannon MI estimator of DIM as GMI's {@code mi_loss_jsd} computes it:
 * <pre>  jsd(pos, neg) = mean_i softplus(-f(pos_i)) + mean_{k,i} softplus(f(neg_{k,i}))  </pre>
 * with f = sigmoid ({@link Mode#PROBABILITIES}: the official code applies the discriminator's sigmoid
 * first) or f = identity ({@link Mode#LOGITS}: the DIM form on raw scores).
 * Shapes: pos (1 x N), neg (K x N) -> (1 x 1).
 */
public final class JsdMi implements Op {
    /** Where the softplus is applied. */
    public enum Mode { PROBABILITIES, LOGITS }

    private final Tensor pos;
    private final Tensor neg;
    private final Mode mode;
    private final Tensor y;

    private JsdMi(Tensor pos, Tensor neg, Mode mode, Tensor y) {
        this.pos = pos;
        this.neg = neg;
        this.mode = mode;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor pos, Tensor neg, Mode mode) {
        double ePos = 0;
        for (float s : pos.value().data) {
            ePos += Scalars.softplus(-f(s, mode));
        }
        double eNeg = 0;
        for (float s : neg.value().data) {
            eNeg += Scalars.softplus(f(s, mode));
        }
        double v = ePos / pos.value().size() + eNeg / neg.value().size();
        Matrix out = tape.allocate(1, 1, false);
        out.data[0] = (float) v;
        boolean grad = pos.requiresGrad() || neg.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new JsdMi(pos, neg, mode, y));
        }
        return y;
    }

    private static double f(double s, Mode mode) {
        return mode == Mode.PROBABILITIES ? Scalars.sigmoid(s) : s;
    }

    /** df/ds at s. */
    private static double fPrime(double s, Mode mode) {
        if (mode == Mode.LOGITS) {
            return 1;
        }
        double p = Scalars.sigmoid(s);
        return p * (1 - p);
    }

    @Override
    public String name() {
        return "JsdMi(" + pos.value().shape() + ", " + neg.value().shape() + ", " + mode + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        double up = y.grad().data[0];
        if (pos.requiresGrad()) {
            float[] s = pos.value().data;
            float[] g = pos.grad().data;
            double scale = up / s.length;
            for (int i = 0; i < s.length; i++) {
                // d/ds softplus(-f(s)) = -sigmoid(-f(s)) f'(s)
                g[i] += (float) (-scale * Scalars.sigmoid(-f(s[i], mode)) * fPrime(s[i], mode));
            }
        }
        if (neg.requiresGrad()) {
            float[] s = neg.value().data;
            float[] g = neg.grad().data;
            double scale = up / s.length;
            for (int i = 0; i < s.length; i++) {
                g[i] += (float) (scale * Scalars.sigmoid(f(s[i], mode)) * fPrime(s[i], mode));
            }
        }
    }
}
