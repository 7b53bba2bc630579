package org.gmi.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Level-1 kernels over double[] slices (the linear probe's solver works in double precision): dot
 * products and axpy, each with its scalar twin, switched by {@link Simd#enabled()}.
 *
 * <p>The vector dot sums its lanes in lane order (never {@code reduceLanes}, whose order differs
 * between the interpreter and C2), so a call gives the same bits in every JIT tier.
 */
public final class DoubleKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DoubleKernels() {}

    /** sum_p x[xOff + p] * y[yOff + p], p in [0, n). */
    public static double dot(double[] x, int xOff, double[] y, int yOff, int n) {
        return Simd.enabled() ? dotSimd(x, xOff, y, yOff, n) : dotScalar(x, xOff, y, yOff, n);
    }

    public static double dotScalar(double[] x, int xOff, double[] y, int yOff, int n) {
        double s = 0;
        for (int p = 0; p < n; p++) {
            s += x[xOff + p] * y[yOff + p];
        }
        return s;
    }

    public static double dotSimd(double[] x, int xOff, double[] y, int yOff, int n) {
        int nv = S.loopBound(n);
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int p = 0;
        for (; p + 2 * L <= nv; p += 2 * L) {
            acc0 = DoubleVector.fromArray(S, x, xOff + p).fma(DoubleVector.fromArray(S, y, yOff + p), acc0);
            acc1 = DoubleVector.fromArray(S, x, xOff + p + L).fma(DoubleVector.fromArray(S, y, yOff + p + L), acc1);
        }
        for (; p < nv; p += L) {
            acc0 = DoubleVector.fromArray(S, x, xOff + p).fma(DoubleVector.fromArray(S, y, yOff + p), acc0);
        }
        // lanes summed in lane order through a small array: lane(l) with a variable l is not
        // intrinsified and cost more than the whole dot of 512 elements
        double[] lanes = new double[L];
        acc0.add(acc1).intoArray(lanes, 0);
        double s = 0;
        for (int l = 0; l < L; l++) {
            s += lanes[l];
        }
        for (; p < n; p++) {
            s += x[xOff + p] * y[yOff + p];
        }
        return s;
    }

    /** y[yOff + p] += alpha * x[xOff + p], p in [0, n). */
    public static void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int n) {
        if (Simd.enabled()) {
            axpySimd(alpha, x, xOff, y, yOff, n);
        } else {
            axpyScalar(alpha, x, xOff, y, yOff, n);
        }
    }

    public static void axpyScalar(double alpha, double[] x, int xOff, double[] y, int yOff, int n) {
        for (int p = 0; p < n; p++) {
            y[yOff + p] += alpha * x[xOff + p];
        }
    }

    public static void axpySimd(double alpha, double[] x, int xOff, double[] y, int yOff, int n) {
        int nv = S.loopBound(n);
        DoubleVector a = DoubleVector.broadcast(S, alpha);
        int p = 0;
        for (; p < nv; p += L) {
            DoubleVector.fromArray(S, x, xOff + p).fma(a, DoubleVector.fromArray(S, y, yOff + p)).intoArray(y, yOff + p);
        }
        for (; p < n; p++) {
            y[yOff + p] = Math.fma(alpha, x[xOff + p], y[yOff + p]);
        }
    }
}
