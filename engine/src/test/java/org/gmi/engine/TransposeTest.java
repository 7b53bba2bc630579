package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The blocked transpose against the one-pass reference, on shapes around and across the block size. */
class TransposeTest {
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void blockedEqualsNaive(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int rows = 1 + rng.nextInt(3 * Transpose.BLOCK + 5);
        int cols = 1 + rng.nextInt(3 * Transpose.BLOCK + 5);
        float[] src = new float[rows * cols];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) rng.nextGaussian();
        }
        float[] want = new float[src.length];
        float[] got = new float[src.length + 7];
        Transpose.naive(src, rows, cols, want);
        Transpose.blocked(src, rows, cols, got);
        float[] head = java.util.Arrays.copyOf(got, src.length);
        assertArrayEquals(want, head, rows + " x " + cols + " (seed " + seed + ")");
        assertArrayEquals(new float[7], java.util.Arrays.copyOfRange(got, src.length, got.length), "nothing past the end");
    }
}
