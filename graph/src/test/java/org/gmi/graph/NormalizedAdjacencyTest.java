package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link NormalizedAdjacency} has the bits of the matrices it stands for: every row range of Â is
 * {@code gcnPropagation(A).rowRange}, and every entry of Â and M at A's entries is the matrices' own,
 * on random graphs with self-loops, isolated nodes and, in half the cases, weights other than 1.
 */
class NormalizedAdjacencyTest {
    static java.util.stream.LongStream seeds() {
        return TestData.seeds();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void entriesAndRowsHaveTheMatricesBits(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = rng.nextInt(1, 60);
        CsrMatrix a = NormalizationTest.randomAdjacency(rng, n);
        if (seed % 2 == 1) {
            float[] w = new float[a.nnz()];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (0.1 + 3 * rng.nextDouble());
            }
            a = new CsrMatrix(a.rows, a.cols, a.rowPtr, a.colIdx, w);
        }
        NormalizedAdjacency lazy = NormalizedAdjacency.of(a);
        CsrMatrix ahat = Normalization.gcnPropagation(a);
        CsrMatrix m = Normalization.neighbourMean(a);
        for (int r0 = 0; r0 < n; r0 += 1 + rng.nextInt(7)) {
            int r1 = Math.min(n, r0 + 1 + rng.nextInt(9));
            CsrMatrix expected = ahat.rowRange(r0, r1);
            CsrMatrix rows = lazy.propagationRows(r0, r1);
            assertArrayEquals(expected.rowPtr, rows.rowPtr, "rows " + r0 + ".." + r1);
            assertArrayEquals(expected.colIdx, rows.colIdx, "rows " + r0 + ".." + r1);
            assertArrayEquals(expected.values, rows.values, "rows " + r0 + ".." + r1);
        }
        for (int u = 0; u < n; u++) {
            int lo = a.rowPtr[u];
            int hi = a.rowPtr[u + 1];
            int loop = Arrays.binarySearch(a.colIdx, lo, hi, u);
            int diag = Arrays.binarySearch(ahat.colIdx, ahat.rowPtr[u], ahat.rowPtr[u + 1], u);
            assertEquals(ahat.values[diag], lazy.propagationDiagonal(u, loop), "diagonal of row " + u);
            for (int k = lo; k < hi; k++) {
                int e = Arrays.binarySearch(ahat.colIdx, ahat.rowPtr[u], ahat.rowPtr[u + 1], a.colIdx[k]);
                assertEquals(ahat.values[e], lazy.propagation(u, k), "Â at " + u + ", " + a.colIdx[k]);
                assertEquals(m.values[k], lazy.neighbourMean(u, k), "M at " + u + ", " + a.colIdx[k]);
            }
        }
    }
}
