package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Level-1 kernels over float[] slices: dot products and axpy, each with its scalar twin. */
public final class VectorKernels {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = S.length();

    private VectorKernels() {}

    /** sum_p x[xOff + p] * y[yOff + p], p in [0, n). */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        return Simd.enabled() ? dotSimd(x, xOff, y, yOff, n) : dotScalar(x, xOff, y, yOff, n);
    }

    public static float dotScalar(float[] x, int xOff, float[] y, int yOff, int n) {
        float s = 0f;
        for (int p = 0; p < n; p++) {
            s += x[xOff + p] * y[yOff + p];
        }
        return s;
    }

    public static float dotSimd(float[] x, int xOff, float[] y, int yOff, int n) {
        int nv = S.loopBound(n);
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 * L <= nv; p += 2 * L) {
            acc0 = FloatVector.fromArray(S, x, xOff + p).fma(FloatVector.fromArray(S, y, yOff + p), acc0);
            acc1 = FloatVector.fromArray(S, x, xOff + p + L).fma(FloatVector.fromArray(S, y, yOff + p + L), acc1);
        }
        for (; p < nv; p += L) {
            acc0 = FloatVector.fromArray(S, x, xOff + p).fma(FloatVector.fromArray(S, y, yOff + p), acc0);
        }
        float s = Simd.sumLanes(acc0.add(acc1));
        for (; p < n; p++) {
            s += x[xOff + p] * y[yOff + p];
        }
        return s;
    }

    /** y[yOff + p] += alpha * x[xOff + p], p in [0, n). */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        if (Simd.enabled()) {
            axpySimd(alpha, x, xOff, y, yOff, n);
        } else {
            axpyScalar(alpha, x, xOff, y, yOff, n);
        }
    }

    public static void axpyScalar(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int p = 0; p < n; p++) {
            y[yOff + p] += alpha * x[xOff + p];
        }
    }

    public static void axpySimd(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int nv = S.loopBound(n);
        int p = 0;
        for (; p < nv; p += L) {
            FloatVector.fromArray(S, x, xOff + p).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, yOff + p)).intoArray(y, yOff + p);
        }
        for (; p < n; p++) {
            y[yOff + p] += alpha * x[xOff + p];
        }
    }
}
