package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SplitsTest {

    static LongStream seeds() {
        return TestData.seeds();
    }

    @Test
    void planetoidPublicSplit() {
        Split s = Splits.planetoidPublic(140, new int[] {2000, 1708, 2707});
        assertEquals(140, s.train().length);
        assertEquals(0, s.train()[0]);
        assertEquals(139, s.train()[139]);
        assertEquals(500, s.val().length);
        assertEquals(140, s.val()[0]);
        assertEquals(639, s.val()[499]);
        assertArrayEquals(new int[] {1708, 2000, 2707}, s.test());
        assertEquals("planetoid-public", s.kind());
        assertThrows(IllegalArgumentException.class, () -> Splits.planetoidPublic(140, new int[] {600}));
        assertThrows(IllegalArgumentException.class, () -> Splits.planetoidPublic(140, new int[] {700, 700}));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomSplitCoversTheLabelledNodesOnce(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(300);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(4) - 1; // about a quarter unlabelled
        }
        double train = 0.05 + 0.4 * rng.nextDouble(), val = 0.5 * rng.nextDouble() * (1 - train);
        Split s = Splits.random(labels, train, val, seed);
        long labelled = Arrays.stream(labels).filter(l -> l >= 0).count();
        String msg = "seed " + seed + ", n " + n;
        assertEquals(Math.round(train * labelled), s.train().length, msg);
        assertEquals(Math.min(Math.round(val * labelled), labelled - s.train().length), s.val().length, msg);
        assertEquals(labelled, s.train().length + s.val().length + s.test().length, msg);
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {s.train(), s.val(), s.test()}) {
            for (int k = 0; k < part.length; k++) {
                assertTrue(labels[part[k]] >= 0, msg + ": unlabelled node " + part[k] + " in a split");
                assertTrue(all.add(part[k]), msg + ": node " + part[k] + " in two sets");
                assertTrue(k == 0 || part[k - 1] < part[k], msg + ": not sorted");
            }
        }
        Split again = Splits.random(labels, train, val, seed);
        assertArrayEquals(s.train(), again.train(), msg + ": not reproducible");
        assertArrayEquals(s.test(), again.test(), msg + ": not reproducible");
    }

    @Test
    void defaultRandomSplitIsTenTenEighty() {
        int[] labels = new int[1000];
        Split s = Splits.random(labels, 0);
        assertEquals(100, s.train().length);
        assertEquals(100, s.val().length);
        assertEquals(800, s.test().length);
        assertEquals("random(seed=0, 0.1/0.1/0.8)", s.kind());
        assertFalse(Arrays.equals(s.train(), Splits.random(labels, 1).train()), "different seeds, different splits");
    }

    @Test
    void splitOptionsValidateTheirFractions() {
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(0, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(0.5, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(0.1, -0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitOptions(Double.NaN, 0.1, 0));
        assertEquals(new SplitOptions(0.1, 0.1, 0), SplitOptions.defaults());
    }
}
