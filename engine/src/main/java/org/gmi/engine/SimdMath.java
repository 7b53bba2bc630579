package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and log over float arrays, vectorised, that give the same bits in every JIT tier.
 *
 * <p>{@code lanewise(EXP)} and {@code lanewise(LOG)} are not usable where results must be
 * reproducible: the interpreted fallback calls {@code Math.exp}/{@code Math.log} per lane while C2
 * calls a vector math library, and the two differ in the last bit for some inputs, so a kernel gave
 * different results before and after it was compiled. These are Cephes' expf and logf (range reduction
 * plus a polynomial), built only from lanewise add, mul, fma, compare, blend, bit operations and
 * conversions, which are exact IEEE operations in every tier. Accuracy: within 2 ulp of the correctly
 * rounded float result on their domain (tested in SimdMathTest).
 */
final class SimdMath {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;

    private static final float EXP_HI = 88.3762626647949f;
    private static final float EXP_LO = -87.3365447505531f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in a part with few bits (k * LN2_HI is exact) and the rest. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    private static final float SQRT_HALF = 0.707106781186547524f;

    private SimdMath() {}

    /*
     * The polynomial coefficients as vector constants: a broadcast inside the loop is a call that C2
     * does not always fold once the kernel is large, and then allocates a vector per coefficient per
     * iteration.
     */
    private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector PLUS_LN2_LO = FloatVector.broadcast(S, LN2_LO);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO_23_PLUS_126 = FloatVector.broadcast(S, 8388608f + 126f);
    private static final FloatVector MINUS_HALF = FloatVector.broadcast(S, -0.5f);
    /** expf's polynomial, highest degree first. */
    private static final FloatVector EXP_P0 = FloatVector.broadcast(S, 1.9875691500e-4f);
    private static final FloatVector EXP_P1 = FloatVector.broadcast(S, 1.3981999507e-3f);
    private static final FloatVector EXP_P2 = FloatVector.broadcast(S, 8.3334519073e-3f);
    private static final FloatVector EXP_P3 = FloatVector.broadcast(S, 4.1665795894e-2f);
    private static final FloatVector EXP_P4 = FloatVector.broadcast(S, 1.6666665459e-1f);
    private static final FloatVector EXP_P5 = FloatVector.broadcast(S, 5.0000001201e-1f);
    /** logf's polynomial, highest degree first. */
    private static final FloatVector LOG_P0 = FloatVector.broadcast(S, 7.0376836292e-2f);
    private static final FloatVector LOG_P1 = FloatVector.broadcast(S, -1.1514610310e-1f);
    private static final FloatVector LOG_P2 = FloatVector.broadcast(S, 1.1676998740e-1f);
    private static final FloatVector LOG_P3 = FloatVector.broadcast(S, -1.2420140846e-1f);
    private static final FloatVector LOG_P4 = FloatVector.broadcast(S, 1.4249322787e-1f);
    private static final FloatVector LOG_P5 = FloatVector.broadcast(S, -1.6668057665e-1f);
    private static final FloatVector LOG_P6 = FloatVector.broadcast(S, 2.0000714765e-1f);
    private static final FloatVector LOG_P7 = FloatVector.broadcast(S, -2.4999993993e-1f);
    private static final FloatVector LOG_P8 = FloatVector.broadcast(S, 3.3333331174e-1f);

    /*
     * The functions take and give arrays, and the polynomials sit inside their loops: a FloatVector
     * handed to a call that C2 does not inline is boxed on the heap, and whether C2 inlined a
     * 200-byte vector helper into a short loop depended on the call counts it had seen when it
     * compiled (the same build allocated 0.02 MiB or 43 MiB per Cora epoch from one run to the next).
     */

    /**
     * dst[dOff + i] = e^src[sOff + i] for i < n, n a multiple of {@link Simd#LANES}; src and dst may
     * be the same. x is clamped to [-87.34, 88.38] (results from 2^-126 to 2.4e38); NaN stays NaN.
     */
    static void exp(float[] src, int sOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector x = FloatVector.fromArray(S, src, sOff + i).min(EXP_HI).max(EXP_LO);
            // x = k ln2 + r, |r| <= ln2 / 2
            FloatVector k = x.mul(LOG2E).add(ROUND).sub(ROUND);
            FloatVector r = k.mul(-LN2_HI).add(x);
            r = k.fma(MINUS_LN2_LO, r);
            FloatVector z = r.mul(r);
            FloatVector p = EXP_P0;
            p = p.fma(r, EXP_P1);
            p = p.fma(r, EXP_P2);
            p = p.fma(r, EXP_P3);
            p = p.fma(r, EXP_P4);
            p = p.fma(r, EXP_P5);
            p = p.fma(z, r).add(1f);
            // 2^k from the exponent bits; k is in [-126, 127] after the clamp.
            IntVector ki = (IntVector) k.convert(VectorOperators.F2I, 0);
            FloatVector scale = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            p.mul(scale).intoArray(dst, dOff + i);
        }
    }

    /**
     * As {@link #logPositive}, for x that is 0, positive and normal, +infinity or NaN (0 gives
     * -infinity, a negative x NaN); subnormal x are outside the domain. src and dst may be the same.
     */
    static void log(float[] src, int sOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector x = FloatVector.fromArray(S, src, sOff + i);
            logPositive(src, sOff + i, dst, dOff + i, L);
            FloatVector result = FloatVector.fromArray(S, dst, dOff + i);
            result = result.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
            result = result.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.compare(VectorOperators.NE, x)));
            result.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY))
                    .intoArray(dst, dOff + i);
        }
    }

    /**
     * dst[dOff + i] = log(src[sOff + i]) for i < n, n a multiple of {@link Simd#LANES}, for x
     * positive, normal and finite only (no special cases); src and dst may be the same.
     */
    static void logPositive(float[] src, int sOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i += L) {
            IntVector bits = FloatVector.fromArray(S, src, sOff + i).reinterpretAsInts();
            // x = m 2^e with m in [0.5, 1)
            FloatVector m = bits.and(0x007fffff).or(0x3f000000).reinterpretAsFloats();
            // e = (biased exponent) - 126 as a float without an int-to-float conversion, which C2 left
            // out of line here (and then boxed every vector): 2^23 + n has the bits 0x4B000000 | n.
            FloatVector ef = bits.lanewise(VectorOperators.LSHR, 23).or(0x4B000000).reinterpretAsFloats()
                    .sub(TWO_23_PLUS_126);
            // m < sqrt(1/2): use 2m - 1 and e - 1 so that the polynomial's argument is in [-0.29, 0.41]
            VectorMask<Float> small = m.compare(VectorOperators.LT, SQRT_HALF);
            ef = ef.sub(ONE, small);
            FloatVector t = m.sub(1f).add(m, small);
            FloatVector z = t.mul(t);
            FloatVector p = LOG_P0;
            p = p.fma(t, LOG_P1);
            p = p.fma(t, LOG_P2);
            p = p.fma(t, LOG_P3);
            p = p.fma(t, LOG_P4);
            p = p.fma(t, LOG_P5);
            p = p.fma(t, LOG_P6);
            p = p.fma(t, LOG_P7);
            p = p.fma(t, LOG_P8);
            FloatVector y = p.mul(t).mul(z);
            y = ef.fma(PLUS_LN2_LO, y);
            y = z.fma(MINUS_HALF, y);
            t.add(y).add(ef.mul(LN2_HI)).intoArray(dst, dOff + i);
        }
    }
}
