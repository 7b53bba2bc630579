package org.gmi.models.eval;

import java.util.SplittableRandom;
import org.gmi.engine.VectorKernels;

/**
 * Multinomial logistic regression on frozen embeddings, as the official {@code LogReg}:
 * one linear layer (Xavier-uniform weight, zero bias), softmax cross-entropy averaged over the
 * training nodes, Adam with L2 weight decay on every parameter (PyTorch's {@code weight_decay}).
 *
 * <p>Weights are stored class-major (C x d) so each logit is one d-long dot product.
 */
final class LogisticRegression {
    private final int d;
    private final int c;
    private final float[] w;
    private final float[] b;
    private final float[] gw;
    private final float[] gb;
    private final float[] mw;
    private final float[] vw;
    private final float[] mb;
    private final float[] vb;
    private final float[] logits;
    private int step;

    LogisticRegression(int d, int c, SplittableRandom rng) {
        this.d = d;
        this.c = c;
        w = new float[c * d];
        b = new float[c];
        gw = new float[c * d];
        gb = new float[c];
        mw = new float[c * d];
        vw = new float[c * d];
        mb = new float[c];
        vb = new float[c];
        logits = new float[c];
        double bound = Math.sqrt(6.0 / (d + c));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    /** One full-batch Adam step on the rows {@code nodes} of {@code x} (N x d, row-major). */
    void step(float[] x, int[] nodes, int[] labels, float lr, float weightDecay) {
        java.util.Arrays.fill(gw, 0f);
        java.util.Arrays.fill(gb, 0f);
        float inv = 1f / nodes.length;
        for (int node : nodes) {
            softmax(x, node);
            int y = labels[node];
            for (int k = 0; k < c; k++) {
                // d CE / d logit_k = p_k - [k == y], averaged over the batch
                float g = (logits[k] - (k == y ? 1f : 0f)) * inv;
                gb[k] += g;
                VectorKernels.axpy(g, x, node * d, gw, k * d, d);
            }
        }
        step++;
        adam(w, gw, mw, vw, lr, weightDecay);
        adam(b, gb, mb, vb, lr, weightDecay);
    }

    private void adam(float[] p, float[] g, float[] m, float[] v, float lr, float wd) {
        float c1 = (float) (1 - Math.pow(0.9, step));
        float c2 = (float) (1 - Math.pow(0.999, step));
        for (int i = 0; i < p.length; i++) {
            float gi = g[i] + wd * p[i];
            m[i] = 0.9f * m[i] + 0.1f * gi;
            v[i] = 0.999f * v[i] + 0.001f * gi * gi;
            p[i] -= lr * (m[i] / c1) / ((float) Math.sqrt(v[i] / c2) + 1e-8f);
        }
    }

    /** Leaves softmax probabilities of row {@code node} in {@link #logits}. */
    private void softmax(float[] x, int node) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            logits[k] = VectorKernels.dot(x, node * d, w, k * d, d) + b[k];
            max = Math.max(max, logits[k]);
        }
        float sum = 0f;
        for (int k = 0; k < c; k++) {
            logits[k] = (float) Math.exp(logits[k] - max);
            sum += logits[k];
        }
        for (int k = 0; k < c; k++) {
            logits[k] /= sum;
        }
    }

    int predict(float[] x, int node) {
        int arg = 0;
        float best = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            float z = VectorKernels.dot(x, node * d, w, k * d, d) + b[k];
            if (z > best) {
                best = z;
                arg = k;
            }
        }
        return arg;
    }

    double accuracy(float[] x, int[] nodes, int[] labels) {
        int correct = 0;
        for (int node : nodes) {
            if (predict(x, node) == labels[node]) {
                correct++;
            }
        }
        return nodes.length == 0 ? Double.NaN : (double) correct / nodes.length;
    }
}
