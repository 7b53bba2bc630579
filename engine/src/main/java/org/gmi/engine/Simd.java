package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one switch between vectorised kernels and their scalar twins.
 *
 * <p>{@code -Dgmi.simd=false} selects the scalar path everywhere: it is the fallback and the oracle
 * the vectorised kernels are tested against.
 */
public final class Simd {
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    public static final int LANES = SPECIES.length();
    private static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("gmi.simd", "true"));
    /** SWAPS[k] pairs lane i with lane i ^ (LANES >> (k + 1)): the fixed reduction tree of {@link #sumLanes}. */
    private static final VectorShuffle<Float>[] SWAPS = swaps();
    private static final VectorShuffle<Float> SWAP_8 = swap(8);
    private static final VectorShuffle<Float> SWAP_4 = swap(4);
    private static final VectorShuffle<Float> SWAP_2 = swap(2);
    private static final VectorShuffle<Float> SWAP_1 = swap(1);

    private Simd() {}

    public static boolean enabled() {
        return enabled;
    }

    /** For tests that compare both paths in one JVM. */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /**
     * sum_l v[l], always in the same pairwise order (lane i + lane i ^ h for h = LANES/2, ..., 1).
     *
     * <p>Use this instead of {@code reduceLanes(ADD)}: the order of that reduction is unspecified and
     * does differ between the interpreted fallback (sequential) and C2's intrinsic (a tree), so the
     * same call gave different bits before and after JIT compilation. Each lanewise add and
     * rearrange here is exact IEEE arithmetic in every tier, so the result never changes.
     */
    public static float sumLanes(FloatVector v) {
        if (LANES > 16) {
            for (int k = 0; k < SWAPS.length; k++) {
                v = v.add(v.rearrange(SWAPS[k]));
            }
            return v.lane(0);
        }
        // One constant shuffle per step: a shuffle loaded from an array is not a compile-time
        // constant, C2 then leaves rearrange out of line and boxes the vectors.
        if (LANES == 16) {
            v = v.add(v.rearrange(SWAP_8));
        }
        if (LANES >= 8) {
            v = v.add(v.rearrange(SWAP_4));
        }
        if (LANES >= 4) {
            v = v.add(v.rearrange(SWAP_2));
        }
        if (LANES >= 2) {
            v = v.add(v.rearrange(SWAP_1));
        }
        return v.lane(0);
    }

    /**
     * The same sum, in the same order and so the same bits, over {@code LANES} floats stored at
     * {@code a[off..]} (overwritten): for hot loops that would otherwise hand a vector to a call C2
     * may leave out of line, which boxes it on the heap. Lane i + lane i^h equals lane i^h + lane i,
     * so lanes below h carry the whole tree.
     */
    public static float sumLanes(float[] a, int off) {
        for (int h = LANES >> 1; h >= 1; h >>= 1) {
            for (int i = 0; i < h; i++) {
                a[off + i] = a[off + i] + a[off + i + h];
            }
        }
        return a[off];
    }

    private static VectorShuffle<Float> swap(int h) {
        return LANES > h ? VectorShuffle.fromOp(SPECIES, i -> i ^ h) : null;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] swaps() {
        VectorShuffle<Float>[] s = new VectorShuffle[Integer.numberOfTrailingZeros(LANES)];
        for (int k = 0; k < s.length; k++) {
            int h = LANES >> (k + 1);
            s[k] = VectorShuffle.fromOp(SPECIES, i -> i ^ h);
        }
        return s;
    }
}
