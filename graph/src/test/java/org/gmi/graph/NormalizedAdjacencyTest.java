package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link NormalizedAdjacency} against a dense reference computed here: Â_uv = (float) (s_u s_v T_uv)
 * with T = A + I and s_u = 1/sqrt of T's row sum taken in column order, M_uv = (float) (A_uv / d_u)
 * with d_u A's row sum; every entry, every row range of {@link NormalizedAdjacency#propagationRows}
 * (so {@link Normalization#gcnPropagation} too), on random graphs with self-loops, isolated nodes
 * and, in half the cases, weights other than 1. And the batches' entries agree with
 * {@link Normalization#neighbourMean}, which computes M on its own. A binary A mapped from files, whose
 * normalisers come from its row offsets alone, gives every entry and row the heap matrix's bits.
 */
class NormalizedAdjacencyTest {
    @TempDir
    Path dir;

    static java.util.stream.LongStream seeds() {
        return TestData.seeds();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void entriesAndRowsHaveTheReferenceBits(long seed) throws IOException {
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
        float[] dense = a.toDense().data;
        float[][] t = new float[n][n];
        double[] s = new double[n];
        double[] inv = new double[n];
        for (int u = 0; u < n; u++) {
            double rowT = 0;
            double rowA = 0;
            for (int v = 0; v < n; v++) {
                t[u][v] = u == v ? dense[u * n + v] + 1f : dense[u * n + v];
                if (t[u][v] != 0) {
                    rowT += t[u][v];
                }
                rowA += dense[u * n + v];
            }
            s[u] = 1 / Math.sqrt(rowT);
            inv[u] = rowA == 0 ? 0 : 1 / rowA;
        }
        NormalizedAdjacency lazy = NormalizedAdjacency.of(a);
        CsrMatrix m = Normalization.neighbourMean(a);
        for (int u = 0; u < n; u++) {
            int lo = a.rowPtr[u];
            int hi = a.rowPtr[u + 1];
            int loop = Arrays.binarySearch(a.colIdx, lo, hi, u);
            assertEquals((float) (s[u] * s[u] * t[u][u]), lazy.propagationDiagonal(u, loop), "diagonal of row " + u);
            for (int k = lo; k < hi; k++) {
                int v = a.colIdx[k];
                assertEquals((float) (s[u] * s[v] * t[u][v]), lazy.propagation(u, k), "Â at " + u + ", " + v);
                assertEquals((float) (dense[u * n + v] * inv[u]), lazy.neighbourMean(u, k), "M at " + u + ", " + v);
                assertEquals(m.values[k], lazy.neighbourMean(u, k), "M against neighbourMean at " + u + ", " + v);
            }
        }
        for (int r0 = 0; r0 < n; r0 += 1 + rng.nextInt(7)) {
            int r1 = Math.min(n, r0 + 1 + rng.nextInt(9));
            CsrMatrix rows = lazy.propagationRows(r0, r1);
            assertEquals(r1 - r0, rows.rows);
            rows.checkInvariants();
            for (int r = 0; r < rows.rows; r++) {
                int u = r0 + r;
                int[] expectedCols = java.util.stream.IntStream.range(0, n).filter(v -> t[u][v] != 0).toArray();
                assertArrayEquals(expectedCols, Arrays.copyOfRange(rows.colIdx, rows.rowPtr[r], rows.rowPtr[r + 1]), "row " + u);
                for (int e = rows.rowPtr[r]; e < rows.rowPtr[r + 1]; e++) {
                    int v = rows.colIdx[e];
                    assertEquals((float) (s[u] * s[v] * t[u][v]), rows.values[e], "row " + u + ", column " + v);
                }
            }
        }
        CsrMatrix whole = Normalization.gcnPropagation(a);
        assertArrayEquals(lazy.propagationRows(0, n).values, whole.values);
        if (seed % 2 == 0) {
            NormalizedAdjacency fromFiles = NormalizedAdjacency.of(mapped(a, dir));
            for (int u = 0; u < n; u++) {
                int loop = Arrays.binarySearch(a.colIdx, a.rowPtr[u], a.rowPtr[u + 1], u);
                assertEquals(lazy.propagationDiagonal(u, loop), fromFiles.propagationDiagonal(u, loop), "mapped: diagonal of row " + u);
                for (int k = a.rowPtr[u]; k < a.rowPtr[u + 1]; k++) {
                    assertEquals(lazy.propagation(u, k), fromFiles.propagation(u, k), "mapped: Â at entry " + k);
                    assertEquals(lazy.neighbourMean(u, k), fromFiles.neighbourMean(u, k), "mapped: M at entry " + k);
                }
            }
            CsrMatrix rows = fromFiles.propagationRows(0, n);
            assertArrayEquals(whole.rowPtr, rows.rowPtr);
            assertArrayEquals(whole.colIdx, rows.colIdx);
            assertArrayEquals(whole.values, rows.values, "mapped: Â's rows");
        }
    }

    /** {@code a} (binary) written as the binary layout's offsets and columns, and mapped from those files. */
    static FileCsr mapped(CsrMatrix a, Path dir) throws IOException {
        Path ptr = dir.resolve("a.indptr.i64");
        Path idx = dir.resolve("a.indices.i32");
        ByteBuffer p = ByteBuffer.allocate(8 * (a.rows + 1)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : a.rowPtr) {
            p.putLong(v);
        }
        ByteBuffer c = ByteBuffer.allocate(4 * a.nnz()).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < a.nnz(); k++) {
            c.putInt(a.colIdx[k]);
        }
        Files.write(ptr, p.array());
        Files.write(idx, c.array());
        // small chunks, so rows cross the mapping's chunk boundaries
        return new FileCsr("adjacency", a.rows, a.cols, MappedArray.map(ptr, 8, a.rows + 1L, 16),
                MappedArray.map(idx, 4, a.nnz(), 16), null);
    }
}
