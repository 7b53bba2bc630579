package org.gmi.autodiff;

import java.util.List;
import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;
import org.gmi.engine.CpuBackend;
import org.gmi.engine.DeviceMatrix;

/**
 * Adam as PyTorch computes it (Kingma and Ba 2015, with L2 weight decay added to the gradient):
 * <pre>
 *   g = grad + wd * p;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * The update runs on the backend the moments live on ({@link Backend#adamStep}), where the
 * parameters must be too: on a device, the step needs nothing from the host.
 */
public final class Adam {
    private final List<Parameter> params;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Backend backend;
    private final DeviceMatrix[] m;
    private final DeviceMatrix[] v;
    private int step;

    public Adam(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.0);
    }

    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, CpuBackend.INSTANCE);
    }

    /** With the moments on {@code backend} (the parameters must be moved there before {@link #step()}). */
    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, Backend backend) {
        this.params = List.copyOf(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.backend = backend;
        this.m = new DeviceMatrix[this.params.size()];
        this.v = new DeviceMatrix[this.params.size()];
        for (int k = 0; k < this.params.size(); k++) {
            Parameter p = this.params.get(k);
            m[k] = backend.allocate(p.rows(), p.cols());
            v[k] = backend.allocate(p.rows(), p.cols());
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
            backend.requireOwn("Adam(" + p.name() + ")", p.buffer());
            backend.adamStep(p.buffer(), p.hasGrad() ? p.gradBuffer() : null, m[k], v[k], b1, b2, c1, c2, lrf, epsf, wd);
        }
    }

    /** The first moments, in parameter order, for checkpoints: the live arrays on the CPU, copies from a device. */
    public float[][] firstMoments() {
        return host(m);
    }

    public float[][] secondMoments() {
        return host(v);
    }

    private float[][] host(DeviceMatrix[] ms) {
        float[][] out = new float[ms.length][];
        for (int k = 0; k < ms.length; k++) {
            out[k] = ms[k] instanceof Matrix h ? h.data : backend.download(ms[k]).data;
        }
        return out;
    }

    public void restore(int stepCount, float[][] first, float[][] second) {
        this.step = stepCount;
        for (int k = 0; k < m.length; k++) {
            backend.write(new Matrix(m[k].rows(), m[k].cols(), first[k]), m[k]);
            backend.write(new Matrix(v[k].rows(), v[k].cols(), second[k]), v[k]);
        }
    }

    /** Gives the moments' device buffers back (a no-op on the CPU); the optimiser must not step afterwards. */
    public void release() {
        for (int k = 0; k < m.length; k++) {
            backend.release(m[k]);
            backend.release(v[k]);
        }
    }
}
