package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NormalizationTest {

    static LongStream seeds() {
        return TestData.seeds();
    }

    /** A random symmetric binary A over n nodes, with some loops and some isolated nodes. */
    static CsrMatrix randomAdjacency(SplittableRandom rng, int n) {
        CsrBuilder b = new CsrBuilder(n);
        int e = rng.nextInt(2 * n + 1);
        for (int k = 0; k < e; k++) {
            int i = rng.nextInt(n);
            b.add(i, rng.nextInt(6) == 0 ? i : rng.nextInt(n));
        }
        return b.build(true).matrix();
    }

    private static CsrMatrix csr(int n, float... dense) {
        return CsrBuilder.fromDense(n, dense.length / n, dense);
    }

    @Test
    void gcnPropagationHandExampleWithASelfLoop() {
        // A = [[1,1],[1,0]]: A + I = [[2,1],[1,1]], d = (3, 2): Â = [[2/3, 1/sqrt6], [1/sqrt6, 1/2]]
        CsrMatrix a = csr(2, 1, 1, 1, 0);
        Matrix h = Normalization.gcnPropagation(a).toDense();
        float s6 = (float) (1 / Math.sqrt(6));
        assertArrayEquals(new float[] {2f / 3, s6, s6, 0.5f}, h.data, 1e-7f);
    }

    @Test
    void gcnPropagationOfAPathOfThree() {
        // A: 0-1-2; A + I rows sums 2, 3, 2
        CsrMatrix a = csr(3, 0, 1, 0, 1, 0, 1, 0, 1, 0);
        Matrix h = Normalization.gcnPropagation(a).toDense();
        double s = 1 / Math.sqrt(6);
        assertArrayEquals(new float[] {0.5f, (float) s, 0, (float) s, 1f / 3, (float) s, 0, (float) s, 0.5f}, h.data, 1e-7f);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void gcnPropagationIsSymmetricAndMatchesTheDenseFormula(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(25);
        CsrMatrix a = randomAdjacency(rng, n);
        CsrMatrix h = Normalization.gcnPropagation(a);
        h.checkInvariants();
        Matrix hd = h.toDense();
        Matrix ad = a.toDense();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i] += ad.get(i, j) + (i == j ? 1 : 0);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double t = ad.get(i, j) + (i == j ? 1 : 0);
                double expected = t / Math.sqrt(d[i] * d[j]);
                assertEquals(expected, hd.get(i, j), 1e-6, "seed " + seed + " at (" + i + ", " + j + ")");
                assertEquals(hd.get(i, j), hd.get(j, i), "seed " + seed + ": Â not symmetric at (" + i + ", " + j + ")");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void neighbourMeanRowsSumToOneOrZero(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(25);
        CsrMatrix a = randomAdjacency(rng, n);
        CsrMatrix m = Normalization.neighbourMean(a);
        m.checkInvariants();
        assertArrayEquals(a.colIdx, m.colIdx, "seed " + seed + ": M has the pattern of A (no self loop added)");
        for (int i = 0; i < n; i++) {
            int deg = a.rowPtr[i + 1] - a.rowPtr[i];
            double sum = 0;
            for (int k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++) {
                sum += m.values[k];
                assertEquals(1.0 / deg, m.values[k], 1e-7, "seed " + seed + ", row " + i);
            }
            assertEquals(deg == 0 ? 0 : 1, sum, 1e-6, "seed " + seed + ", row " + i);
        }
    }

    @Test
    void neighbourMeanCountsASelfLoopAsANeighbour() {
        CsrMatrix a = csr(3, 1, 1, 0, 1, 0, 0, 0, 0, 0); // 0 has a loop and neighbour 1; 2 isolated
        Matrix m = Normalization.neighbourMean(a).toDense();
        assertArrayEquals(new float[] {0.5f, 0.5f, 0, 1, 0, 0, 0, 0, 0}, m.data);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void reconstructionTargetIsThePatternOfAPlusI(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(25);
        CsrMatrix a = randomAdjacency(rng, n);
        CsrMatrix t = Normalization.reconstructionTarget(a);
        t.checkInvariants();
        Matrix td = t.toDense(), ad = a.toDense();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float expected = i == j || ad.get(i, j) != 0 ? 1 : 0;
                assertEquals(expected, td.get(i, j), "seed " + seed + " at (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void rowNormalizeFeaturesDividesByTheRowSumAndKeepsZeroRows() {
        CsrMatrix x = csr(3, 1, 0, 3, 0, 0, 0, 2, 2, 0);
        Matrix y = Normalization.rowNormalizeFeatures(x).toDense();
        assertArrayEquals(new float[] {0.25f, 0, 0.75f, 0, 0, 0, 0.5f, 0.5f, 0}, y.data);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rowNormalizedRowsSumToOne(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int rows = 1 + rng.nextInt(20), cols = 1 + rng.nextInt(20);
        float[] dense = new float[rows * cols];
        for (int k = 0; k < dense.length; k++) {
            dense[k] = rng.nextInt(3) == 0 ? rng.nextInt(5) : 0;
        }
        CsrMatrix x = CsrBuilder.fromDense(rows, cols, dense);
        CsrMatrix y = Normalization.rowNormalizeFeatures(x);
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int k = y.rowPtr[i]; k < y.rowPtr[i + 1]; k++) {
                sum += y.values[k];
            }
            boolean empty = x.rowPtr[i] == x.rowPtr[i + 1];
            assertEquals(empty ? 0 : 1, sum, 1e-6, "seed " + seed + ", row " + i);
        }
    }

    @Test
    void refusesNonSquareAdjacency() {
        CsrMatrix x = csr(2, 1, 0, 0, 0, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> Normalization.gcnPropagation(x));
        assertThrows(IllegalArgumentException.class, () -> Normalization.neighbourMean(x));
        assertThrows(IllegalArgumentException.class, () -> Normalization.reconstructionTarget(x));
    }

    @Test
    void onCoraTheMatricesHaveTheExpectedSizes() {
        Graph g = Datasets.load("cora");
        CsrMatrix a = g.adjacency();
        assertEquals(a.nnz() + 2708, Normalization.gcnPropagation(a).nnz()); // no loops in Cora: the diagonal is added
        assertEquals(a.nnz() + 2708, Normalization.reconstructionTarget(a).nnz());
        assertEquals(a.nnz(), Normalization.neighbourMean(a).nnz());
        assertEquals(49216, Normalization.rowNormalizeFeatures(g.features()).nnz());
    }
}
