package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The tier-independent vector helpers: {@link Simd#sumLanes} and {@link SimdMath}.
 *
 * <p>Each is held bit-for-bit to a scalar transliteration (plain float arithmetic and Math.fma, which
 * give the same bits in every JIT tier) before and after a warm-up long enough for C2 to compile it:
 * this is what reduceLanes(ADD) and lanewise(EXP/LOG) failed. Accuracy: exp and log within 2 ulp of
 * the correctly rounded float (Math.exp/Math.log in double, rounded), on their domains.
 */
class SimdMathTest {
    private static final int L = Simd.LANES;
    private static final int WARM_UP = 40_000;

    private static float[] randomLanes(SplittableRandom rng, double lo, double hi) {
        float[] a = new float[L];
        for (int i = 0; i < L; i++) {
            a[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return a;
    }

    /** sumLanes' documented order: lane i += lane i ^ h for h = L/2, ..., 1; the result is lane 0. */
    private static float pairwiseSum(float[] v) {
        float[] a = v.clone();
        for (int h = L / 2; h >= 1; h >>= 1) {
            float[] b = new float[L];
            for (int i = 0; i < L; i++) {
                b[i] = a[i] + a[i ^ h];
            }
            a = b;
        }
        return a[0];
    }

    @Test
    void sumLanesHasOneFixedOrderInEveryTier() {
        SplittableRandom rng = new SplittableRandom(11);
        float[][] inputs = new float[64][];
        for (int k = 0; k < inputs.length; k++) {
            // Mixed magnitudes, so that the order of the additions shows in the bits.
            inputs[k] = randomLanes(rng, -1, 1);
            for (int i = 0; i < L; i += 3) {
                inputs[k][i] *= 1e4f;
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < inputs.length; k++) {
                float got = Simd.sumLanes(FloatVector.fromArray(Simd.SPECIES, inputs[k], 0));
                assertEquals(Float.floatToRawIntBits(pairwiseSum(inputs[k])), Float.floatToRawIntBits(got),
                        "sumLanes input " + k + (round == 0 ? " (cold)" : " (after warm-up)"));
                float[] stored = new float[L + 3];
                System.arraycopy(inputs[k], 0, stored, 3, L);
                assertEquals(Float.floatToRawIntBits(got), Float.floatToRawIntBits(Simd.sumLanes(stored, 3)),
                        "sumLanes(float[], off) input " + k);
            }
            float sink = 0;
            for (int it = 0; it < WARM_UP; it++) {
                sink += Simd.sumLanes(FloatVector.fromArray(Simd.SPECIES, inputs[it & 63], 0));
            }
            assertTrue(Float.isFinite(sink));
        }
    }

    @Test
    void expAndLogMatchTheirScalarTransliterationInEveryTier() {
        SplittableRandom rng = new SplittableRandom(12);
        float[][] xs = new float[64][];
        float[][] qs = new float[64][];
        for (int k = 0; k < 64; k++) {
            xs[k] = randomLanes(rng, -90, 90);
            qs[k] = new float[L];
            for (int i = 0; i < L; i++) {
                qs[k][i] = (float) Math.exp(-30 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : 3);
            }
        }
        float[] out = new float[L];
        for (int round = 0; round < 2; round++) {
            String when = round == 0 ? " (cold)" : " (after warm-up)";
            for (int k = 0; k < 64; k++) {
                SimdMath.exp(xs[k], 0, out, 0, L);
                for (int i = 0; i < L; i++) {
                    assertEquals(Float.floatToRawIntBits(expScalar(xs[k][i])), Float.floatToRawIntBits(out[i]), "exp(" + xs[k][i] + ")" + when);
                }
                SimdMath.log(qs[k], 0, out, 0, L);
                for (int i = 0; i < L; i++) {
                    assertEquals(Float.floatToRawIntBits(logScalar(qs[k][i])), Float.floatToRawIntBits(out[i]), "log(" + qs[k][i] + ")" + when);
                }
                SimdMath.logPositive(qs[k], 0, out, 0, L);
                for (int i = 0; i < L; i++) {
                    assertEquals(Float.floatToRawIntBits(logScalar(qs[k][i])), Float.floatToRawIntBits(out[i]), "logPositive(" + qs[k][i] + ")" + when);
                }
            }
            float sink = 0;
            for (int it = 0; it < WARM_UP; it++) {
                SimdMath.exp(xs[it & 63], 0, out, 0, L);
                sink += out[0];
                SimdMath.log(qs[it & 63], 0, out, 0, L);
                sink += out[0];
                SimdMath.logPositive(qs[it & 63], 0, out, 0, L);
                sink += out[0];
            }
            assertTrue(!Float.isNaN(sink));
        }
    }

    @Test
    void expAndLogAreAccurateToTwoUlp() {
        SplittableRandom rng = new SplittableRandom(13);
        float[] x = new float[L];
        float[] out = new float[L];
        for (int rep = 0; rep < 20_000; rep++) {
            for (int i = 0; i < L; i++) {
                x[i] = (float) (-87 + 175 * rng.nextDouble());
            }
            SimdMath.exp(x, 0, out, 0, L);
            for (int i = 0; i < L; i++) {
                checkUlp("exp", x[i], out[i], Math.exp(x[i]), 2);
            }
            for (int i = 0; i < L; i++) {
                // log-uniform over [1e-37, 1e37], and often near 1 where log is small
                x[i] = rng.nextBoolean() ? (float) Math.exp(-85 + 170 * rng.nextDouble()) : (float) (0.5 + rng.nextDouble());
            }
            SimdMath.log(x, 0, out, 0, L);
            for (int i = 0; i < L; i++) {
                checkUlp("log", x[i], out[i], Math.log(x[i]), 2);
            }
        }
    }

    private static void checkUlp(String f, float x, float got, double exact, int maxUlp) {
        float rounded = (float) exact;
        double err = Math.abs(got - exact) / Math.ulp(rounded);
        if (!(err <= maxUlp)) {
            fail(f + "(" + x + ") = " + got + ", exact " + exact + ": " + err + " ulp");
        }
    }

    @Test
    void specialValues() {
        float[] x = new float[L];
        float[] out = new float[L];
        float[] in = {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, 1f, Float.MIN_NORMAL, 1e-10f, Float.MAX_VALUE};
        float[] want = {Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN, Float.POSITIVE_INFINITY, 0f,
                (float) Math.log(Float.MIN_NORMAL), (float) Math.log(1e-10f), (float) Math.log(Float.MAX_VALUE)};
        for (int i = 0; i < L; i++) {
            x[i] = in[i % in.length];
        }
        SimdMath.log(x, 0, out, 0, L);
        for (int i = 0; i < L; i++) {
            int k = i % in.length;
            if (Float.isNaN(want[k]) || Float.isInfinite(want[k]) || want[k] == 0f) {
                assertEquals(want[k], out[i], 0f, "log(" + x[i] + ")");
            } else {
                assertEquals(want[k], out[i], 2 * Math.ulp(want[k]), "log(" + x[i] + ")");
            }
        }
        // in place, src and dst the same range at an offset: the same values, special ones included
        float[] inPlace = new float[L + 5];
        System.arraycopy(x, 0, inPlace, 5, L);
        SimdMath.log(inPlace, 5, inPlace, 5, L);
        for (int i = 0; i < L; i++) {
            assertEquals(Float.floatToRawIntBits(out[i]), Float.floatToRawIntBits(inPlace[5 + i]), "log in place (" + x[i] + ")");
        }
        float[] ein = {Float.NaN, 1000f, -1000f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (int i = 0; i < L; i++) {
            x[i] = ein[i % ein.length];
        }
        SimdMath.exp(x, 0, out, 0, L);
        for (int i = 0; i < L; i++) {
            float v = x[i];
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(out[i]), "exp(NaN) = " + out[i]);
            } else if (v > 0) {
                // clamped at 88.38: about 2.4e38, finite, so that 1 / (1 + e) is a tiny positive number, not NaN
                assertTrue(out[i] > 1e38f && Float.isFinite(out[i]), "exp(" + v + ") = " + out[i]);
            } else if (v < 0) {
                assertTrue(out[i] > 0f && out[i] < 1e-37f, "exp(" + v + ") = " + out[i]);
            } else {
                assertEquals(1f, out[i], 0f, "exp(0)");
            }
        }
    }

    // Scalar transliterations of SimdMath: the same operations in the same order.

    private static float expScalar(float x) {
        x = Math.max(Math.min(x, 88.3762626647949f), -87.3365447505531f);
        float k = (x * 1.44269504088896341f + 12582912f) - 12582912f;
        float r = k * -0.693359375f + x;
        r = Math.fma(k, 2.12194440e-4f, r);
        float z = r * r;
        float p = 1.9875691500e-4f;
        p = Math.fma(p, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        p = Math.fma(p, z, r) + 1f;
        return p * Float.intBitsToFloat(((int) k + 127) << 23);
    }

    private static float logScalar(float x) {
        int bits = Float.floatToRawIntBits(x);
        int e = (bits >>> 23) - 126;
        float m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f000000);
        float ef = e;
        boolean small = m < 0.707106781186547524f;
        if (small) {
            ef = ef - 1f;
        }
        float t = m - 1f;
        if (small) {
            t = t + m;
        }
        float z = t * t;
        float p = 7.0376836292e-2f;
        p = Math.fma(p, t, -1.1514610310e-1f);
        p = Math.fma(p, t, 1.1676998740e-1f);
        p = Math.fma(p, t, -1.2420140846e-1f);
        p = Math.fma(p, t, 1.4249322787e-1f);
        p = Math.fma(p, t, -1.6668057665e-1f);
        p = Math.fma(p, t, 2.0000714765e-1f);
        p = Math.fma(p, t, -2.4999993993e-1f);
        p = Math.fma(p, t, 3.3333331174e-1f);
        float y = p * t * z;
        y = Math.fma(ef, -2.12194440e-4f, y);
        y = Math.fma(z, -0.5f, y);
        float result = t + y + ef * 0.693359375f;
        if (x == 0f) {
            return Float.NEGATIVE_INFINITY;
        }
        if (x < 0f || Float.isNaN(x)) {
            return Float.NaN;
        }
        return x == Float.POSITIVE_INFINITY ? Float.POSITIVE_INFINITY : result;
    }
}
