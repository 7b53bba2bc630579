package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The kernel warm-up: bounded, once per JVM, and without effect on results. */
class JitWarmUpTest {
    @Test
    void warmUpStopsAtItsRoundLimitOrBudget() {
        JitWarmUp.Result r = JitWarmUp.warmUp(60_000_000_000L, 3);
        assertTrue(r.ran());
        assertEquals(3, r.rounds(), "stops after maxRounds");
        JitWarmUp.Result quick = JitWarmUp.warmUp(1L, 1000);
        assertEquals(1, quick.rounds(), "at least one round, then the budget ends it");
        assertTrue(quick.seconds() >= 0);
    }

    @Test
    void publicWarmUpRunsOncePerJvmAndChangesNoResult() {
        Matrix a = Fixtures.randomMatrix(new java.util.SplittableRandom(4), 37, 21);
        Matrix b = Fixtures.randomMatrix(new java.util.SplittableRandom(5), 21, 70);
        Matrix before = new Matrix(37, 70);
        Gemm.gemm(a, b, before, false);
        int threads = Parallel.threads();
        JitWarmUp.Result first = JitWarmUp.warmUp();
        JitWarmUp.Result second = JitWarmUp.warmUp();
        assertFalse(second.ran(), "a second call does nothing");
        if (first.ran()) {
            assertTrue(first.rounds() >= 1 && first.seconds() < 10, first.toString());
            assertEquals(first, JitWarmUp.lastWarmUp());
        }
        assertEquals(threads, Parallel.threads(), "the thread count is left alone");
        Matrix after = new Matrix(37, 70);
        Gemm.gemm(a, b, after, false);
        assertTrue(java.util.Arrays.equals(before.data, after.data), "same bits before and after the warm-up");
    }
}
