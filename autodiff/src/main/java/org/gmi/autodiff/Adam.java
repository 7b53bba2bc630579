package org.gmi.autodiff;

import java.util.List;
import org.gmi.engine.Parallel;

/**
 * Adam as PyTorch computes it (Kingma and Ba 2015, with L2 weight decay added to the gradient):
 * <pre>
 *   g = grad + wd * p;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 */
public final class Adam {
    private final List<Parameter> params;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final float[][] m;
    private final float[][] v;
    private int step;

    public Adam(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.0);
    }

    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this.params = List.copyOf(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[this.params.size()][];
        this.v = new float[this.params.size()][];
        for (int k = 0; k < this.params.size(); k++) {
            m[k] = new float[this.params.get(k).value().size()];
            v[k] = new float[this.params.get(k).value().size()];
        }
    }

    public int stepCount() {
        return step;
    }

    public void zeroGrad() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
    }

    /** One update of every parameter from its current gradient (a parameter with none counts as zero). */
    public void step() {
        step++;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - Math.pow(beta1, step));
        float c2 = (float) (1 - Math.pow(beta2, step));
        float lrf = (float) lr;
        float epsf = (float) eps;
        float wd = (float) weightDecay;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            float[] w = p.value().data;
            float[] g = p.hasGrad() ? p.grad().data : null;
            float[] mk = m[k];
            float[] vk = v[k];
            Parallel.forRange(w.length, 1 << 15, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    float gi = (g == null ? 0f : g[i]) + wd * w[i];
                    mk[i] = b1 * mk[i] + (1 - b1) * gi;
                    vk[i] = b2 * vk[i] + (1 - b2) * gi * gi;
                    float mh = mk[i] / c1;
                    float vh = vk[i] / c2;
                    w[i] -= lrf * mh / ((float) Math.sqrt(vh) + epsf);
                }
            });
        }
    }

    /** The first and second moments, in parameter order, for checkpoints. */
    public float[][] firstMoments() {
        return m;
    }

    public float[][] secondMoments() {
        return v;
    }

    public void restore(int stepCount, float[][] first, float[][] second) {
        this.step = stepCount;
        for (int k = 0; k < m.length; k++) {
            System.arraycopy(first[k], 0, m[k], 0, m[k].length);
            System.arraycopy(second[k], 0, v[k], 0, v[k].length);
        }
    }
}
