package org.gmi.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WelchTest} against SciPy's {@code ttest_ind(a, b, equal_var=False)} and {@code t.sf}, and its edge cases. */
class WelchTestTest {
    @Test
    void matchesScipy() {
        // scipy.stats.ttest_ind([1,2,3], [4,5,6], equal_var=False): t -3.6742346141747673, df 4, p 0.021311641128756713
        WelchTest.Result r = WelchTest.test(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertEquals(-3.6742346141747673, r.t(), 1e-12);
        assertEquals(4.0, r.df(), 1e-12);
        assertEquals(0.021311641128756713, r.p(), 1e-10);
        // three seeds of accuracies: t 2.982404540317303, df 3.740932642487056, p 0.04423613448708558
        r = WelchTest.test(new double[] {0.81, 0.83, 0.82}, new double[] {0.80, 0.805, 0.79});
        assertEquals(2.982404540317303, r.t(), 1e-9);
        assertEquals(3.740932642487056, r.df(), 1e-9);
        assertEquals(0.04423613448708558, r.p(), 1e-9);
        // unequal sizes: t -0.5940885257860046, df 4.961373390557941, p 0.5785032342662192
        r = WelchTest.test(new double[] {1, 2, 3, 4, 10}, new double[] {4, 5, 6});
        assertEquals(-0.5940885257860046, r.t(), 1e-9);
        assertEquals(4.961373390557941, r.df(), 1e-9);
        assertEquals(0.5785032342662192, r.p(), 1e-9);
        // 2 * scipy.stats.t.sf(2.5, 1.3) = 0.19328076715615347 (a fractional df)
        assertEquals(0.19328076715615347, WelchTest.twoSidedP(2.5, 1.3), 1e-10);
    }

    @Test
    void symmetricAndBounded() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            double[] a = new double[2 + rng.nextInt(6)];
            double[] b = new double[2 + rng.nextInt(6)];
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = rng.nextGaussian() + rng.nextDouble();
            }
            WelchTest.Result ab = WelchTest.test(a, b);
            WelchTest.Result ba = WelchTest.test(b, a);
            assertEquals(ab.p(), ba.p(), 1e-12, "trial " + trial);
            assertEquals(-ab.t(), ba.t(), 1e-12, "trial " + trial);
            assertTrue(ab.p() >= 0 && ab.p() <= 1, "trial " + trial + ": p " + ab.p());
        }
    }

    @Test
    void edgeCases() {
        assertNull(WelchTest.test(new double[] {1}, new double[] {1, 2}), "one value: no test");
        assertEquals(1.0, WelchTest.test(new double[] {2, 2}, new double[] {2, 2, 2}).p(), "equal constants");
        assertEquals(0.0, WelchTest.test(new double[] {2, 2}, new double[] {3, 3}).p(), "different constants");
        assertEquals(1.0, WelchTest.twoSidedP(0, 3), 1e-12);
    }
}
