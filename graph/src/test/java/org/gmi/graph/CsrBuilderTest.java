package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CsrBuilderTest {

    static LongStream seeds() {
        return TestData.seeds();
    }

    /** Random records over n nodes, with repeats and loops made likely. */
    private static int[][] randomEdges(SplittableRandom rng, int n, int e) {
        int[] src = new int[e], dst = new int[e];
        for (int k = 0; k < e; k++) {
            if (k > 0 && rng.nextInt(5) == 0) { // repeat an earlier record, maybe reversed
                int r = rng.nextInt(k);
                boolean flip = rng.nextBoolean();
                src[k] = flip ? dst[r] : src[r];
                dst[k] = flip ? src[r] : dst[r];
            } else {
                src[k] = rng.nextInt(n);
                dst[k] = rng.nextInt(8) == 0 ? src[k] : rng.nextInt(n);
            }
        }
        return new int[][] {src, dst};
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void matchesASetOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(30);
        int e = rng.nextInt(4 * n + 1);
        int[][] edges = randomEdges(rng, n, e);
        for (boolean symmetric : new boolean[] {false, true}) {
            CsrBuilder.Result r = CsrBuilder.fromEdges(n, edges[0], edges[1], symmetric);
            CsrMatrix a = r.matrix();
            a.checkInvariants(); // sorted rows, no duplicates, rowPtr consistent

            Set<Long> ordered = new HashSet<>(), unordered = new HashSet<>();
            TreeSet<Long> expected = new TreeSet<>();
            Set<Integer> loops = new HashSet<>();
            long loopRecords = 0;
            for (int k = 0; k < e; k++) {
                int s = edges[0][k], d = edges[1][k];
                ordered.add((long) s * n + d);
                unordered.add((long) Math.min(s, d) * n + Math.max(s, d));
                expected.add((long) s * n + d);
                if (symmetric) {
                    expected.add((long) d * n + s);
                }
                if (s == d) {
                    loops.add(s);
                    loopRecords++;
                }
            }
            TreeSet<Long> actual = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                    actual.add((long) i * n + a.colIdx[k]);
                    assertEquals(1f, a.values[k], "seed " + seed + ": values must be 1");
                }
            }
            String msg = "seed " + seed + ", symmetric " + symmetric;
            assertEquals(expected, actual, msg);
            assertEquals(e, r.records(), msg);
            assertEquals(e - ordered.size(), r.repeatedOrderedPairs(), msg);
            assertEquals(e - unordered.size(), r.repeatedUnorderedPairs(), msg);
            assertEquals(loopRecords, r.selfLoopRecords(), msg);
            assertEquals(loops.size(), r.selfLoopNodes(), msg);
            if (symmetric) {
                Matrix dense = a.toDense();
                Matrix denseT = a.transpose().toDense();
                assertArrayEquals(dense.data, denseT.data, msg + ": A must equal its transpose");
                assertEquals(unordered.size() - loops.size(), r.undirectedEdges(), msg);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void streamOfPairsAndIncrementalAddGiveTheSameMatrix(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(20);
        int[][] edges = randomEdges(rng, n, rng.nextInt(3 * n + 1));
        CsrMatrix fromArrays = CsrBuilder.fromEdges(n, edges[0], edges[1], true).matrix();
        CsrMatrix fromStream = CsrBuilder.fromPairs(n,
                IntStream.range(0, edges[0].length).mapToObj(k -> new int[] {edges[0][k], edges[1][k]}), true).matrix();
        CsrBuilder b = new CsrBuilder(n);
        for (int k = 0; k < edges[0].length; k++) {
            b.add(edges[0][k], edges[1][k]);
        }
        CsrMatrix incremental = b.build(true).matrix();
        assertArrayEquals(fromArrays.rowPtr, fromStream.rowPtr, "seed " + seed);
        assertArrayEquals(fromArrays.colIdx, fromStream.colIdx, "seed " + seed);
        assertArrayEquals(fromArrays.rowPtr, incremental.rowPtr, "seed " + seed);
        assertArrayEquals(fromArrays.colIdx, incremental.colIdx, "seed " + seed);
    }

    @Test
    void countsOnAHandExample() {
        // records: 0-1, 1-0 (reverse), 0-1 (repeat), 2-2 (loop), 2-2 (loop again), 1-2
        CsrBuilder.Result r = CsrBuilder.fromEdges(4, new int[] {0, 1, 0, 2, 2, 1}, new int[] {1, 0, 1, 2, 2, 2}, true);
        assertArrayEquals(new int[] {0, 1, 3, 5, 5}, r.matrix().rowPtr);
        assertArrayEquals(new int[] {1, 0, 2, 1, 2}, r.matrix().colIdx);
        assertEquals(2, r.repeatedOrderedPairs()); // second 0-1, second 2-2
        assertEquals(3, r.repeatedUnorderedPairs()); // 1-0, second 0-1, second 2-2
        assertEquals(2, r.selfLoopRecords());
        assertEquals(1, r.selfLoopNodes());
        assertEquals(2, r.undirectedEdges());
    }

    @Test
    void refusesIdsOutsideTheNodeRange() {
        assertThrows(IllegalArgumentException.class, () -> new CsrBuilder(3).add(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new CsrBuilder(3).add(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> CsrBuilder.fromEdges(3, new int[] {0}, new int[] {}, true));
    }

    @Test
    void emptyInputGivesAnEmptyMatrix() {
        CsrBuilder.Result r = new CsrBuilder(5).build(true);
        r.matrix().checkInvariants();
        assertEquals(0, r.matrix().nnz());
        assertEquals(5, r.matrix().rows);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void canonicalSortsRowsAndSumsRepeatedColumns(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int rows = 1 + rng.nextInt(10), cols = 1 + rng.nextInt(10);
        int[] ptr = new int[rows + 1];
        for (int i = 0; i < rows; i++) {
            ptr[i + 1] = ptr[i] + rng.nextInt(6);
        }
        int[] idx = new int[ptr[rows]];
        float[] val = new float[ptr[rows]];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = rng.nextInt(cols);
            val[k] = 1 + rng.nextInt(9); // small integers: sums are exact in any order
        }
        CsrMatrix raw = new CsrMatrix(rows, cols, ptr, idx, val); // unsorted, repeats: toDense sums them
        CsrMatrix c = CsrBuilder.canonical(rows, cols, ptr, idx, val);
        c.checkInvariants();
        assertArrayEquals(raw.toDense().data, c.toDense().data, "seed " + seed);
    }

    @Test
    void denseAndIdentityHelpers() {
        CsrMatrix m = CsrBuilder.fromDense(2, 3, new float[] {0, 2, 0, 1, 0, 3});
        assertArrayEquals(new int[] {0, 1, 3}, m.rowPtr);
        assertArrayEquals(new int[] {1, 0, 2}, m.colIdx);
        assertArrayEquals(new float[] {2, 1, 3}, m.values);
        CsrMatrix id = CsrBuilder.identity(3);
        id.checkInvariants();
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, id.toDense().data);
    }
}
