package org.gmi.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Test;

/**
 * Adam against values worked out by hand from PyTorch's update (torch.optim.Adam, single-tensor path):
 * <pre>
 *   g' = g + wd p;  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2
 *   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * After one step m / (1 - b1) = g' and sqrt(v / (1 - b2)) = |g'|, so p1 = p0 - lr g' / (|g'| + eps).
 * lr 0.1, betas 0.9 / 0.999, eps 1e-8. Tolerance 1e-6.
 */
class AdamTest {
    private static final float[] P0 = {1.0f, -2.0f, 0.5f, 3.0f, -0.25f};
    private static final float[] G = {0.5f, -0.25f, 1e-9f, 0.0f, -3.0f};

    private static Parameter stepOnce(double weightDecay) {
        Parameter p = new Parameter("p", new Matrix(1, P0.length, P0.clone()));
        System.arraycopy(G, 0, p.grad().data, 0, G.length);
        Adam adam = new Adam(List.of(p), 0.1, 0.9, 0.999, 1e-8, weightDecay);
        adam.step();
        assertEquals(1, adam.stepCount());
        return p;
    }

    @Test
    void oneStepWithoutWeightDecay() {
        // p - 0.1 g / (|g| + 1e-8): 1 - 0.1 * 0.5 / 0.50000001, ..., 0.5 - 0.1 * 1e-9 / 1.1e-8 (eps matters), 3 (g = 0) ...
        double[] want = {0.900000002, -1.900000004, 0.4909090909090909, 3.0, -0.15000000033333333};
        float[] got = stepOnce(0.0).value().data;
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6, "p[" + i + "]");
        }
    }

    @Test
    void oneStepWithWeightDecay() {
        // g' = g + 0.1 p = {0.6, -0.45, 0.05 + 1e-9, 0.3, -3.025}
        double[] want = {0.9000000016666666, -1.900000002222222, 0.4000000199999956, 2.900000003333333, -0.15000000033057853};
        float[] got = stepOnce(0.1).value().data;
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6, "p[" + i + "]");
        }
    }

    /** Three steps with changing gradients (bias corrections at t = 2, 3) against the formula in double. */
    @Test
    void threeStepsFollowTheFormula() {
        double lr = 0.05;
        double b1 = 0.8;
        double b2 = 0.99;
        double eps = 1e-6;
        double wd = 0.01;
        Parameter p = new Parameter("p", new Matrix(1, P0.length, P0.clone()));
        Parameter untouched = Parameter.filled("q", 1, 2, 2f);
        Adam adam = new Adam(List.of(p, untouched), lr, b1, b2, eps, wd);
        double[] ref = new double[P0.length];
        double[] m = new double[P0.length];
        double[] v = new double[P0.length];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = P0[i];
        }
        double q = 2;
        double qm = 0;
        double qv = 0;
        for (int t = 1; t <= 3; t++) {
            adam.zeroGrad();
            for (int i = 0; i < G.length; i++) {
                p.grad().data[i] = G[i] * t - 0.1f * (i - 2);
            }
            adam.step();
            for (int i = 0; i < ref.length; i++) {
                double g = p.grad().data[i] + wd * ref[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                ref[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps);
            }
            // a parameter that never received a gradient: g = 0, only the weight decay moves it
            double gq = wd * q;
            qm = b1 * qm + (1 - b1) * gq;
            qv = b2 * qv + (1 - b2) * gq * gq;
            q -= lr / (1 - Math.pow(b1, t)) * qm / (Math.sqrt(qv) / Math.sqrt(1 - Math.pow(b2, t)) + eps);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], p.value().data[i], 1e-6, "step " + t + " p[" + i + "]");
            }
            assertEquals(q, untouched.value().data[0], 1e-6, "step " + t + " q");
        }
        assertEquals(3, adam.stepCount());
    }
}
