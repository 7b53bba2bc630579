package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NegativeSamplerTest {

    static LongStream seeds() {
        return TestData.seeds();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void uniformNeverMapsANodeToItself(long seed) {
        NegativeSampler s = new NegativeSampler(seed);
        for (int n = 2; n <= 50; n++) {
            int[] out = new int[n];
            for (int round = 0; round < 20; round++) {
                s.sample(n, out);
                for (int i = 0; i < n; i++) {
                    assertNotEquals(i, out[i], "seed " + seed + ", n " + n + ": node " + i + " is its own negative");
                    assertTrue(out[i] >= 0 && out[i] < n, "seed " + seed + ", n " + n + ": " + out[i] + " out of range");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void derangementIsAPermutationWithoutFixedPoints(long seed) {
        NegativeSampler s = new NegativeSampler(seed, NegativeSampler.Mode.DERANGEMENT);
        for (int n = 2; n <= 50; n++) {
            int[] out = s.sample(n);
            boolean[] used = new boolean[n];
            for (int i = 0; i < n; i++) {
                assertNotEquals(i, out[i], "seed " + seed + ", n " + n + ": fixed point " + i);
                assertFalse(used[out[i]], "seed " + seed + ", n " + n + ": " + out[i] + " used twice");
                used[out[i]] = true;
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void permutationIsAPermutation(long seed) {
        NegativeSampler s = new NegativeSampler(seed);
        for (int n = 1; n <= 50; n++) {
            int[] out = s.permutation(n);
            int[] sorted = out.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) {
                assertEquals(i, sorted[i], "seed " + seed + ", n " + n);
            }
        }
    }

    @Test
    void permutationAllowsFixedPointsLikeNumpyPermutation() {
        NegativeSampler s = new NegativeSampler(7);
        int withFixedPoint = 0;
        for (int round = 0; round < 200; round++) {
            int[] p = s.permutation(10);
            for (int i = 0; i < 10; i++) {
                if (p[i] == i) {
                    withFixedPoint++;
                    break;
                }
            }
        }
        // P(at least one fixed point) = 1 - 1/e = 0.63 for a uniform permutation
        assertTrue(withFixedPoint > 90 && withFixedPoint < 160, "permutations with a fixed point: " + withFixedPoint);
    }

    /** Chi-square over all (i, j != i) cells at a fixed seed: df = n (n - 2), 0.1 % critical value. */
    @Test
    void uniformModeIsUniformOverTheOtherNodes() {
        int n = 10, rounds = 20_000;
        long[][] counts = new long[n][n];
        NegativeSampler s = new NegativeSampler(12345);
        int[] out = new int[n];
        for (int r = 0; r < rounds; r++) {
            s.sample(n, out);
            for (int i = 0; i < n; i++) {
                counts[i][out[i]]++;
            }
        }
        double expected = rounds / (double) (n - 1);
        double chi2 = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(0, counts[i][i], "node " + i + " drew itself");
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    chi2 += (counts[i][j] - expected) * (counts[i][j] - expected) / expected;
                }
            }
        }
        assertTrue(chi2 < 124.84, "chi-square " + chi2 + " exceeds the 0.1% critical value 124.84 for df 80 (seed 12345)");
        assertTrue(chi2 > 45.0, "chi-square " + chi2 + " suspiciously small for df 80: not random? (seed 12345)");
    }

    /** The rejection sampler is uniform over the 9 derangements of 4 elements. */
    @Test
    void derangementModeIsUniformOverDerangements() {
        NegativeSampler s = new NegativeSampler(2024, NegativeSampler.Mode.DERANGEMENT);
        Map<String, Integer> counts = new HashMap<>();
        int draws = 18_000;
        for (int r = 0; r < draws; r++) {
            counts.merge(Arrays.toString(s.sample(4)), 1, Integer::sum);
        }
        assertEquals(9, counts.size(), "4 elements have 9 derangements: " + counts.keySet());
        double expected = draws / 9.0, chi2 = 0;
        for (int c : counts.values()) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        assertTrue(chi2 < 26.12, "chi-square " + chi2 + " exceeds the 0.1% critical value 26.12 for df 8 (seed 2024)");
    }

    @Test
    void sameSeedSameSamplesDifferentSeedDifferentSamples() {
        int[] a = new NegativeSampler(3).sample(100);
        int[] b = new NegativeSampler(3).sample(100);
        int[] c = new NegativeSampler(4).sample(100);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void refusesFewerThanTwoNodes() {
        NegativeSampler s = new NegativeSampler(0);
        assertThrows(IllegalArgumentException.class, () -> s.sample(1, new int[1]));
        assertThrows(IllegalArgumentException.class, () -> s.sample(0, new int[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new NegativeSampler(0, NegativeSampler.Mode.DERANGEMENT).sample(1, new int[1]));
        assertThrows(IllegalArgumentException.class, () -> s.sample(5, new int[4]));
        assertThrows(IllegalArgumentException.class, () -> s.permutation(0, new int[0]));
    }
}
