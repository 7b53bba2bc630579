package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CSR type: transpose against the dense transpose, transpose twice, and invariant checks. */
class CsrMatrixTest {
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void transposeMatchesDenseAndTwiceIsTheOriginal(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = Fixtures.size(rng, 70);
        int k = Fixtures.size(rng, 70);
        CsrMatrix s = Fixtures.randomCsr(rng, m, k);
        String what = s + " seed=" + seed;
        CsrMatrix t = s.transpose();
        t.checkInvariants();
        assertEquals(k, t.rows, what);
        assertEquals(m, t.cols, what);
        assertEquals(s.nnz(), t.nnz(), what);
        Matrix dense = s.toDense();
        Matrix denseT = t.toDense();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                assertEquals(dense.get(i, j), denseT.get(j, i), 0f, what + " entry (" + i + ", " + j + ")");
            }
        }
        assertSame(t, s.transpose(), what + ": the transpose is cached");
        assertSame(s, t.transpose(), what + ": the transpose of the cached transpose is the original");
        // A transpose built afresh from copies of the arrays (no cache shared) gives the original arrays back.
        CsrMatrix fresh = new CsrMatrix(t.rows, t.cols, t.rowPtr.clone(), t.colIdx.clone(), t.values.clone());
        CsrMatrix back = fresh.transpose();
        assertArrayEquals(s.rowPtr, back.rowPtr, what + ": rowPtr");
        assertArrayEquals(s.colIdx, back.colIdx, what + ": colIdx");
        assertArrayEquals(s.values, back.values, what + ": values");
    }

    @Test
    void validMatrixPasses() {
        new CsrMatrix(3, 4, new int[] {0, 2, 2, 3}, new int[] {0, 3, 1}, new float[] {1, 2, 3}).checkInvariants();
        new CsrMatrix(0, 0, new int[] {0}, new int[0], new float[0]).checkInvariants();
    }

    @Test
    void checkInvariantsRejectsBrokenMatrices() {
        assertBroken("rowPtr[0]", new CsrMatrix(2, 3, new int[] {1, 1, 2}, new int[] {0, 1}, new float[2]));
        assertBroken("decreases", new CsrMatrix(3, 3, new int[] {0, 2, 1, 2}, new int[] {0, 1}, new float[2]));
        assertBroken("outside", new CsrMatrix(2, 3, new int[] {0, 1, 2}, new int[] {0, 3}, new float[2]));
        assertBroken("outside", new CsrMatrix(2, 3, new int[] {0, 1, 2}, new int[] {-1, 0}, new float[2]));
        assertBroken("strictly increasing", new CsrMatrix(1, 3, new int[] {0, 2}, new int[] {2, 1}, new float[2]));
        assertBroken("strictly increasing", new CsrMatrix(1, 3, new int[] {0, 2}, new int[] {1, 1}, new float[2]));
    }

    @Test
    void constructorRejectsInconsistentLengths() {
        assertThrows(IllegalArgumentException.class, () -> new CsrMatrix(2, 2, new int[] {0, 1}, new int[] {0}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new CsrMatrix(1, 2, new int[] {0, 2}, new int[] {0, 1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new CsrMatrix(1, 2, new int[] {0, 1}, new int[] {0, 1}, new float[2]));
    }

    private static void assertBroken(String expected, CsrMatrix s) {
        IllegalStateException e = assertThrows(IllegalStateException.class, s::checkInvariants);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should mention '" + expected + "'");
    }
}
