package org.gmi.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The sum of the gradients the tasks of one step computed, built by Spark's {@code treeAggregate},
 * with each task's loss and loss terms kept in its partition's slot.
 *
 * <p>Spark merges partial sums in the order tasks finish, which differs from run to run; a float sum
 * would then differ in its last bits. Here the sum is exact and so independent of the order: a
 * contribution is converted once to fixed point, 2^-{@value #FRACTION_BITS} units in a long per
 * element, and fixed-point values add exactly. Each element is rounded to a multiple of 2^-32
 * (2.3e-10: far below Adam's epsilon of 10^-8, so the rounding moves no update noticeably); an element
 * of 2^21 or more is refused (training has diverged), which leaves room to sum 1,024 partitions. A sum of one contribution (one
 * partition) is that contribution's floats untouched, which is what makes {@code local[1]} bit for bit
 * single-machine training.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    static final int FRACTION_BITS = 32;
    /** The most partitions whose contributions can be summed without overflow. */
    static final int MAX_PARTS = 1 << 10;
    private static final double SCALE = 0x1p32;
    private static final double LIMIT = 0x1p63;

    private final int parts;
    /** Each partition's loss and terms (NaN where it has not contributed). */
    final double[] loss;
    final double[][] terms;
    List<String> termNames;
    private int contributions;
    /** The longest time one task spent computing its gradient (the step waits for the slowest). */
    long slowestTaskNanos;
    /** The one contribution's gradients while there is one, else null. */
    private float[][] single;
    /** The fixed-point sum once there are two or more, else null. */
    private long[][] fixed;

    private GradientSum(int parts) {
        this.parts = parts;
        this.loss = new double[parts];
        Arrays.fill(loss, Double.NaN);
        this.terms = new double[parts][];
    }

    /** The sum of nothing, for {@code parts} partitions. */
    static GradientSum empty(int parts) {
        return new GradientSum(parts);
    }

    /** The contribution of partition {@code part}: its (weighted) gradients, loss and terms. */
    static GradientSum of(int parts, int part, float[][] gradients, double loss, List<String> termNames, double[] terms) {
        GradientSum s = new GradientSum(parts);
        s.loss[part] = loss;
        s.terms[part] = terms;
        s.termNames = termNames;
        s.single = gradients;
        s.contributions = 1;
        return s;
    }

    /** This contribution, its task having computed for {@code nanos}. */
    GradientSum computedIn(long nanos) {
        slowestTaskNanos = nanos;
        return this;
    }

    /**
     * Both sums together: {@code b} added into {@code a}, which is returned (Spark lets an
     * aggregation's functions modify and return their first argument; each task's zero value and result
     * is its own copy), or the non-empty one when the other is empty. {@code b} is not changed.
     */
    static GradientSum merge(GradientSum a, GradientSum b) {
        if (b.contributions == 0) {
            return a;
        }
        if (a.contributions == 0) {
            return b;
        }
        for (int p = 0; p < a.parts; p++) {
            boolean inA = !Double.isNaN(a.loss[p]) || a.terms[p] != null;
            if (!inA) {
                a.loss[p] = b.loss[p];
                a.terms[p] = b.terms[p];
            }
        }
        a.termNames = a.termNames != null ? a.termNames : b.termNames;
        a.contributions += b.contributions;
        a.slowestTaskNanos = Math.max(a.slowestTaskNanos, b.slowestTaskNanos);
        if (a.fixed == null) {
            a.fixed = toFixed(a.single);
            a.single = null;
        }
        for (int i = 0; i < a.fixed.length; i++) {
            long[] sum = a.fixed[i];
            if (b.fixed != null) {
                long[] y = b.fixed[i];
                for (int j = 0; j < sum.length; j++) {
                    sum[j] = Math.addExact(sum[j], y[j]);
                }
            } else {
                float[] y = b.single[i];
                for (int j = 0; j < sum.length; j++) {
                    sum[j] = Math.addExact(sum[j], toFixed(y[j]));
                }
            }
        }
        return a;
    }

    int contributions() {
        return contributions;
    }

    /** The summed gradients as floats: the single contribution itself, or the fixed-point sum rounded once. */
    float[][] gradients() {
        if (single != null) {
            return single;
        }
        float[][] out = new float[fixed.length][];
        for (int i = 0; i < fixed.length; i++) {
            out[i] = new float[fixed[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (float) (fixed[i][j] / SCALE);
            }
        }
        return out;
    }

    private static long[][] toFixed(float[][] g) {
        long[][] out = new long[g.length][];
        for (int i = 0; i < g.length; i++) {
            out[i] = new long[g[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = toFixed(g[i][j]);
            }
        }
        return out;
    }

    /** g in units of 2^-32, rounded to the nearest; refused from 2^21 on (training has diverged). */
    private static long toFixed(float g) {
        double v = Math.rint(g * SCALE);
        if (!(Math.abs(v) < LIMIT / (1L << 10))) {
            throw new ArithmeticException("a gradient element of " + g + " is beyond what a step can sum "
                    + "(|g| < 2^21): training has diverged; lower --lr");
        }
        return (long) v;
    }
}
