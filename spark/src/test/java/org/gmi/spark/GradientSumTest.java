package org.gmi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientSumTest {
    static float[][] randomGradients(SplittableRandom rng) {
        float[][] g = new float[2][];
        g[0] = new float[17];
        g[1] = new float[3];
        for (float[] a : g) {
            for (int j = 0; j < a.length; j++) {
                // magnitudes from 1e-9 to 1e3
                a[j] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-9, 4)));
            }
        }
        return g;
    }

    @Test
    void oneContributionIsPassedThroughUntouched() {
        float[][] g = randomGradients(new SplittableRandom(1));
        GradientSum one = GradientSum.of(1, 0, g, 2.5, List.of("loss"), new double[] {2.5});
        GradientSum sum = GradientSum.merge(GradientSum.empty(1), one);
        assertSame(g, sum.gradients());
        assertEquals(2.5, sum.loss[0]);
    }

    @Test
    void theSumDoesNotDependOnTheOrderOfMerging() {
        for (int trial = 0; trial < 20; trial++) {
            SplittableRandom rng = new SplittableRandom(trial);
            int parts = rng.nextInt(2, 9);
            List<float[][]> gradients = new ArrayList<>();
            double[] exact = new double[17];
            for (int p = 0; p < parts; p++) {
                float[][] g = randomGradients(rng);
                for (int j = 0; j < 17; j++) {
                    exact[j] += g[0][j];
                }
                gradients.add(g);
            }
            float[][] reference = null;
            for (int order = 0; order < 6; order++) {
                // merging adds into its first argument: each order merges fresh contributions, as each job's tasks return
                List<GradientSum> shuffled = new ArrayList<>();
                for (int p = 0; p < parts; p++) {
                    shuffled.add(GradientSum.of(parts, p, gradients.get(p), p, List.of("t"), new double[] {10 + p}));
                }
                Collections.shuffle(shuffled, new java.util.Random(order));
                // a tree of merges of random shape, as Spark's partial aggregation in arrival order makes
                while (shuffled.size() > 1) {
                    int i = rng.nextInt(shuffled.size() - 1);
                    GradientSum merged = GradientSum.merge(shuffled.get(i), shuffled.remove(i + 1));
                    shuffled.set(i, merged);
                }
                GradientSum sum = GradientSum.merge(GradientSum.empty(parts), shuffled.get(0));
                assertEquals(parts, sum.contributions());
                for (int p = 0; p < parts; p++) {
                    assertEquals(p, sum.loss[p]);
                    assertEquals(10 + p, sum.terms[p][0]);
                }
                float[][] g = sum.gradients();
                if (reference == null) {
                    reference = g;
                } else {
                    assertArrayEquals(reference[0], g[0]);
                    assertArrayEquals(reference[1], g[1]);
                }
            }
            for (int j = 0; j < 17; j++) {
                // exact up to the fixed point's rounding of each contribution (2^-33 each) and the float result
                assertEquals(exact[j], reference[0][j], parts * 0x1p-33 + Math.ulp((float) exact[j]));
            }
        }
    }

    /** The second argument of a merge, and the float gradients of a contribution, are left as they were. */
    @Test
    void aMergeChangesOnlyItsFirstArgument() {
        float[][] ga = randomGradients(new SplittableRandom(3));
        float[][] gb = randomGradients(new SplittableRandom(4));
        float[][] gbCopy = {gb[0].clone(), gb[1].clone()};
        float[][] gaCopy = {ga[0].clone(), ga[1].clone()};
        GradientSum b = GradientSum.of(2, 1, gb, 1, List.of("t"), new double[] {1});
        GradientSum sum = GradientSum.merge(GradientSum.of(2, 0, ga, 0, List.of("t"), new double[] {0}), b);
        assertEquals(2, sum.contributions());
        assertEquals(1, b.contributions());
        assertSame(gb, b.gradients());
        assertArrayEquals(gbCopy[0], gb[0]);
        assertArrayEquals(gaCopy[0], ga[0]);
        assertTrue(Double.isNaN(b.loss[0]), "b's slot of partition 0 stays empty");
    }

    @Test
    void aDivergedGradientIsRefused() {
        GradientSum a = GradientSum.of(2, 0, new float[][] {{3e6f}}, 1, List.of(), new double[0]);
        GradientSum b = GradientSum.of(2, 1, new float[][] {{1f}}, 1, List.of(), new double[0]);
        assertThrows(ArithmeticException.class, () -> GradientSum.merge(a, b));
    }
}
